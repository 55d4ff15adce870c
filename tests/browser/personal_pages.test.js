// A person's pages in headless Chromium (Debian's chromium, driven by
// playwright-core): /me/wallet with validity badges and removal,
// /me/reminders with a redemption arriving live, /me/feed with links, a
// share whose text is markup, comments and a second page, the sign-in prompt
// without a session, and, from a feed answer made up here, images only from
// the platform and links only to http(s).
//
//   node personal_pages.test.js <world.json> <out dir>
//
// world.json is written by tests/e2e/personal_pages_test.cc, which makes the
// world through REST. Prints "ok - …" / "not ok - …" per check and "N
// passed, M failed"; exits non-zero on any failure or when nothing ran.
// Screenshots go to <out dir>: signin.png, wallet.png, reminders.png,
// feed.png (a phone's viewport, 390x844), and <scenario>-failure.png.
'use strict';

const fs = require('fs');
const path = require('path');
const { TIMEOUT, phone, launch, check, watch, checkNoProblems, byId, scenario: runScenario, api: call, run } =
  require('./harness');

const [worldFile, outDir] = process.argv.slice(2);
if (!worldFile || !outDir) {
  console.error('usage: node personal_pages.test.js <world.json> <out dir>');
  process.exit(2);
}
const W = JSON.parse(fs.readFileSync(worldFile, 'utf8'));
const gateway = W.gateway.replace(/\/$/, '');
fs.mkdirSync(outDir, { recursive: true });

const PHONE = phone(1);

const item = (page, id) => page.locator(`li[data-id="${id}"]`);

async function open(context, scenario, url) {
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  watch(page, scenario);
  const resp = await page.goto(url, { waitUntil: 'load' });
  check(resp && resp.status() === 200, `${scenario}: ${new URL(url).pathname} answers 200`, resp && resp.status());
  return { page, resp };
}
// The page's first list has loaded.
async function loaded(page) {
  await page.locator('#list[aria-busy="false"]').waitFor({ state: 'attached' });
}
// A context whose pages start signed in as `token` (the campaign pages keep
// the session under the same key).
async function signedInContext(browser, token) {
  const context = await browser.newContext({ ...PHONE });
  await context.addInitScript((t) => { localStorage.setItem('qrcloud.token', t); }, token);
  return context;
}

const api = (method, route, token, body) => call(gateway, method, route, token, body);

// One scenario; see harness.scenario.
const scenario = (name, makeContext, body) => runScenario(makeContext, name, outDir, body);

run(async () => {
  const browser = await launch();
  console.log(`# chromium ${browser.version()}, gateway ${gateway}`);
  try {
    // The pages and what is not one.
    const nope = await fetch(`${gateway}/me/history`, { signal: AbortSignal.timeout(TIMEOUT) });
    const nopeBody = await nope.json().catch(() => ({}));
    check(nope.status === 404 && /\/me\/wallet, \/me\/reminders and \/me\/feed/.test(nopeBody.message || ''),
          '/me/history is 404, naming the pages there are', `${nope.status} ${nopeBody.message}`);
    for (const other of ['/me', '/me/wallet/1']) {
      const r = await fetch(gateway + other, { signal: AbortSignal.timeout(TIMEOUT) });
      check(r.status === 404, `${other} is no page (404)`, r.status);
    }
    // The pages' prefix is not the API's: /v1/me and /v1/me/wallet answer as ever.
    const me = await api('GET', '/v1/me', W.aliceToken);
    check(me.status === 200 && me.data.account && me.data.account.kind === 'PERSON', 'GET /v1/me still answers the account',
          me.status);
    const wallet = await api('GET', '/v1/me/wallet', W.aliceToken);
    check(wallet.status === 200 && wallet.data.items.length === 4, 'GET /v1/me/wallet still answers the wallet', wallet.status);

    // a. No session: the sign-in prompt; signing up shows an empty wallet.
    await scenario('signin', () => browser.newContext({ ...PHONE }), async (context, keep) => {
      const { page, resp } = await open(context, 'signin', `${gateway}/me/wallet`);
      keep(page);
      const body = await resp.body();
      check((resp.headers()['content-type'] || '').startsWith('text/html'), 'signin: the page is text/html');
      check(body.length < 50 * 1024, 'signin: the page is under 50 KB', `${body.length} bytes`);
      check(await page.getAttribute('html', 'lang') === 'zh-CN', 'signin: <html lang="zh-CN"> by default');
      await byId(page, 'signin-form').waitFor({ state: 'visible' });
      const status = await byId(page, 'status').innerText();
      check(status.includes('请先登录') && status.includes('Please sign in first'),
            'signin: without a token the page asks to sign in, in both languages', status);
      check(await page.locator('li').count() === 0, 'signin: nothing is listed');
      check(await byId(page, 'signout-button').isHidden(), 'signin: no sign-out button');
      for (const to of ['wallet', 'reminders', 'feed']) {
        check(await byId(page, `nav-${to}`).getAttribute('href') === `/me/${to}`, `signin: the nav links /me/${to}`);
      }
      check(await byId(page, 'nav-wallet').getAttribute('aria-current') === 'page', 'signin: the nav marks the wallet');
      await page.screenshot({ path: path.join(outDir, 'signin.png') });

      await byId(page, 'login').fill(`me-browser-${Date.now()}-${process.pid}@example.com`);
      await byId(page, 'password').fill('correct-horse-battery');
      await byId(page, 'signin-button').click();
      await byId(page, 'empty').waitFor({ state: 'visible' });
      check(await byId(page, 'signin-form').isHidden(), 'signin: signing up hides the form');
      check(await byId(page, 'signout-button').isVisible(), 'signin: and offers to sign out');
      check((await byId(page, 'empty').innerText()).includes('Your wallet is empty'),
            'signin: a new person\'s wallet says it is empty');
      check(!!(await page.evaluate(() => localStorage.getItem('qrcloud.token'))), 'signin: the session is kept');
      await byId(page, 'signout-button').click();
      await byId(page, 'signin-form').waitFor({ state: 'visible' });
      check(await page.evaluate(() => localStorage.getItem('qrcloud.token')) === null,
            'signin: signing out forgets the session');
    });

    // b. The wallet: four items, each with its validity.
    await scenario('wallet', () => signedInContext(browser, W.aliceToken), async (context, keep) => {
      const { page } = await open(context, 'wallet', `${gateway}/me/wallet`);
      keep(page);
      await loaded(page);
      check(await byId(page, 'wallet-item').count() === 4, 'wallet: four items', await byId(page, 'wallet-item').count());
      const expect = { offer: 'VALID', paused: 'PAUSED', redeemed: 'REDEEMED', open: 'VALID' };
      for (const [which, validity] of Object.entries(expect)) {
        const badge = byId(item(page, W.wallet[which]), 'validity');
        check(await badge.getAttribute('data-validity') === validity, `wallet: the ${which} item is ${validity}`,
              await badge.getAttribute('data-validity').catch(() => 'absent'));
      }
      const redeemed = await byId(item(page, W.wallet.redeemed), 'validity').innerText();
      check(redeemed.includes('已核销') && redeemed.includes('Redeemed'), 'wallet: the badge reads 已核销 / Redeemed', redeemed);
      const paused = await byId(item(page, W.wallet.paused), 'validity').innerText();
      check(paused.includes('已暂停') && paused.includes('Paused'), 'wallet: the paused badge reads 已暂停 / Paused', paused);
      check((await item(page, W.wallet.redeemed).innerText()).includes('收据'), 'wallet: a receipt says it is one');
      const title = item(page, W.wallet.offer).locator('h2 a');
      check(await title.innerText() === W.hotpotTitle, 'wallet: the offer shows its title');
      check(await title.getAttribute('href') === W.offerPageUrl, 'wallet: the title opens the campaign page',
            await title.getAttribute('href'));
      check((await item(page, W.wallet.offer).innerText()).includes('火锅'), 'wallet: the offer shows its category');
      await page.screenshot({ path: path.join(outDir, 'wallet.png') });

      // Remove the paused offer.
      const removed = page.waitForResponse((r) => r.request().method() === 'DELETE' && /\/v1\/me\/wallet\//.test(r.url()));
      await byId(item(page, W.wallet.paused), 'remove-button').click();
      check((await removed).status() === 200, 'wallet: remove calls DELETE /v1/me/wallet/{id}');
      await item(page, W.wallet.paused).waitFor({ state: 'detached' });
      const left = await api('GET', '/v1/me/wallet', W.aliceToken);
      check(left.status === 200 && !left.data.items.some((i) => i.id === W.wallet.paused) && left.data.items.length === 3,
            'wallet: the removed offer is gone from the wallet', JSON.stringify(left.data && left.data.items.map((i) => i.id)));
      check((await byId(page, 'status').innerText()).includes('Removed'), 'wallet: removal is confirmed');

      // The same page in English.
      const en = await context.newPage();
      watch(en, 'wallet-en');
      await en.goto(`${gateway}/me/wallet?lang=en`);
      await loaded(en);
      check(await en.getAttribute('html', 'lang') === 'en', 'wallet: ?lang=en gives <html lang="en">');
      const badge = (await byId(item(en, W.wallet.redeemed), 'validity').innerText()).trim();
      check(badge.startsWith('Redeemed'), 'wallet: in English the badge reads Redeemed first', badge);
      check(await byId(en, 'nav-feed').getAttribute('href') === '/me/feed?lang=en', 'wallet: the nav keeps the language');
    });

    // c. Reminders: those so far, then a redemption at the shop arriving
    //    live, without a reload.
    await scenario('reminders', () => signedInContext(browser, W.aliceToken), async (context, keep) => {
      const page = keep(await context.newPage());
      page.setDefaultTimeout(TIMEOUT);
      watch(page, 'reminders');
      const watchSent = page.waitForRequest((r) => /\/v1\/me\/reminders:watch$/.test(r.url()));
      await page.goto(`${gateway}/me/reminders`);
      await watchSent;
      await loaded(page);
      check(await byId(page, 'live-status').isVisible(), 'reminders: the page says reminders arrive live');
      const before = await page.locator('[data-testid="reminder"][data-validity="REDEEMED"]').count();
      check(before === 1, 'reminders: the earlier redemption is listed', before);
      check(await page.locator('[data-testid="reminder"][data-validity="PAUSED"]').count() === 1,
            'reminders: so is the paused offer');
      await page.evaluate(() => { window.__sameDocument = true; });

      const redeemedAt = Date.now();
      const r = await api('POST', '/v1/receipts:redeem', W.merchantToken, { token: W.openReceiptToken });
      check(r.status === 200, 'reminders: the shop redeems the open receipt', r.status);
      const fresh = page.locator('li.new[data-testid="reminder"][data-validity="REDEEMED"]');
      await fresh.waitFor({ state: 'visible', timeout: 10000 });
      const lag = Date.now() - redeemedAt;
      check(true, `reminders: the REDEEMED reminder appeared live after ${lag} ms`);
      check(await page.evaluate(() => window.__sameDocument === true), 'reminders: without a reload');
      check(await page.locator('[data-testid="reminder"]').first().evaluate((li) => li.classList.contains('new')),
            'reminders: the new one is on top');
      const text = await fresh.innerText();
      check(text.includes('Hotpot for two') && text.includes('已核销'), 'reminders: it names the offer and says redeemed', text);
      check((await byId(page, 'status').innerText()).includes('New reminder'), 'reminders: and is announced');
      await page.screenshot({ path: path.join(outDir, 'reminders.png') });
    });

    // d. The feed: the friend's shares, newest first, 20 a page.
    await scenario('feed', () => signedInContext(browser, W.aliceToken), async (context, keep) => {
      const { page } = await open(context, 'feed', `${gateway}/me/feed`);
      keep(page);
      await loaded(page);
      check(await byId(page, 'share').count() === 20, 'feed: the first page shows 20 shares', await byId(page, 'share').count());
      check(await byId(page, 'share').first().getAttribute('data-id') === W.shares.hostile, 'feed: newest first');

      const hostile = item(page, W.shares.hostile);
      check(await byId(hostile, 'share-text').innerText() === W.hostileText, 'feed: a share of markup shows the markup as text',
            await byId(hostile, 'share-text').innerText());
      check(await hostile.locator('img').count() === 0, 'feed: and it made no image');
      check(await byId(hostile, 'author').innerText() === 'Bob', 'feed: the author is named');

      const linked = item(page, W.shares.linked);
      const a = byId(linked, 'share-link');
      check(await a.getAttribute('href') === W.link, 'feed: the link is an anchor to it');
      check(await a.getAttribute('rel') === 'noopener nofollow', 'feed: rel="noopener nofollow"');
      check((await byId(linked, 'share-text').innerText()).includes('二楼靠窗'), 'feed: line breaks in text survive');

      const toggle = byId(linked, 'comments-button');
      check((await toggle.innerText()).includes('评论 (1)'), 'feed: the comment count shows', await toggle.innerText());
      await toggle.click();
      await byId(linked, 'comment').first().waitFor();
      check((await byId(linked, 'comment').first().innerText()).includes('Went last week'), 'feed: comments open');
      await byId(linked, 'comment-input').fill('看起来不错 Looks good');
      await byId(linked, 'comment-send').click();
      await page.locator(`li[data-id="${W.shares.linked}"] [data-testid="comment"]:has-text("Looks good")`).waitFor();
      check((await toggle.innerText()).includes('评论 (2)'), 'feed: a new comment shows and counts', await toggle.innerText());
      await page.screenshot({ path: path.join(outDir, 'feed.png') });

      await byId(page, 'more-button').click();
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="share"]').length === n, W.shares.total);
      check(true, `feed: "more" loads the rest (${W.shares.total})`);
      await byId(page, 'more-button').waitFor({ state: 'hidden' });
      check(true, 'feed: and hides when there is no more');
    });

    // e. What the page does with what the server should never send: a feed
    //    answer made up here. Only the platform's image is shown, only the
    //    http(s) link is a link, and markup in names and text stays text.
    await scenario('feed-filter', () => signedInContext(browser, W.aliceToken), async (context, keep) => {
      const share = {
        id: 'made-up-1', circleId: 'c', accountId: 'a', visible: true, state: 'VISIBLE',
        authorName: '<b onmouseover=alert(2)>Mallory</b>', text: W.hostileText, commentCount: 0,
        createTime: new Date().toISOString(),
        links: ['javascript:alert(3)', 'data:text/html,<script>alert(4)</script>', 'https://ok.example/a?b=1'],
        imageUrls: [W.image, 'https://evil.example/x.png', 'javascript:alert(5)',
                    'data:image/svg+xml,<svg onload=alert(6)>', `${gateway}/not-media/x`],
      };
      await context.route('**/v1/me/feed?*', (route) => route.fulfill({
        status: 200, contentType: 'application/json', body: JSON.stringify({ shares: [share], page: {} }),
      }));
      const { page } = await open(context, 'feed-filter', `${gateway}/me/feed`);
      keep(page);
      await loaded(page);
      const li = item(page, 'made-up-1');
      const imgs = li.locator('img');
      check(await imgs.count() === 1, 'feed-filter: only the platform image is shown', await imgs.count());
      check(await imgs.first().getAttribute('src') === W.image, 'feed-filter: from the platform\'s /media/');
      await page.waitForFunction(() => {
        const i = document.querySelector('li[data-id="made-up-1"] img');
        return i && i.complete && i.naturalWidth > 0;
      });
      check(!!(await imgs.first().getAttribute('alt')), 'feed-filter: the image loads and has alt text');
      const anchors = li.locator('a');
      check(await anchors.count() === 1, 'feed-filter: only the http(s) link is a link', await anchors.count());
      check(await anchors.first().getAttribute('href') === 'https://ok.example/a?b=1', 'feed-filter: that one');
      check(await byId(li, 'author').innerText() === share.authorName, 'feed-filter: a name of markup is text');
      check(await li.locator('b').count() === 0, 'feed-filter: and makes no element');
    });

    // The campaign page shows the rating and the newest reviews, with the
    // verified badge and the shop's reply, fetched by the page itself.
    await scenario('campaign-reviews', () => browser.newContext({ ...PHONE }), async (context, keep) => {
      const { page } = await open(context, 'campaign-reviews', W.offerPageUrl);
      keep(page);
      const box = page.locator('#reviews');
      await box.waitFor({ state: 'visible' });
      const rating = await byId(page, 'rating').innerText();
      check(rating.includes(W.reviews.average), 'campaign-reviews: the average rating shows', rating);
      check(rating.includes(String(W.reviews.count)), 'campaign-reviews: and how many reviews', rating);
      const items = page.locator('#reviews-list li');
      check(await items.count() === W.reviews.count, 'campaign-reviews: each visible review', await items.count());
      const text = await box.innerText();
      check(text.includes(W.reviews.author), 'campaign-reviews: with its author', text);
      check(text.includes(W.reviews.reply), 'campaign-reviews: and the shop\'s reply', text);
      check(text.includes('Verified purchase') || text.includes('已到店消费'),
            'campaign-reviews: a verified purchase says so', text);
      await page.screenshot({ path: path.join(outDir, 'campaign-reviews.png'), fullPage: true });
    });
  } finally {
    await browser.close();
  }

  checkNoProblems();
});
