// The order flow of a campaign page in headless Chromium (Debian's chromium,
// driven by playwright-core): no location, outside the fence, inside it; the
// receipt QR on the page, decoded by zbarimg, redeems at the merchant once.
//
//   node order_flow.test.js <page url> <merchant token> <gateway url> <out dir>
//
// The page must be an ORDER campaign with a 500 m fence around (26.0745,
// 119.2965) and a per-person limit of at least 1 (tests/e2e/browser_test.cc
// makes one). Prints "ok - …" / "not ok - …" per check and "N passed, M
// failed"; exits non-zero on any failure or when nothing ran. Screenshots go
// to <out dir> (receipt.png, receipt-qr.png, and <scenario>-failure.png).
'use strict';

const { execFile } = require('child_process');
const fs = require('fs');
const path = require('path');
const { TIMEOUT, phone, launch, check, watch: watchPage, checkNoProblems, byId, scenario: runScenario, api, run } =
  require('./harness');

const [pageUrl, merchantToken, gateway, outDir] = process.argv.slice(2);
if (!pageUrl || !merchantToken || !gateway || !outDir) {
  console.error('usage: node order_flow.test.js <page url> <merchant token> <gateway url> <out dir>');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });

// The shop is at (26.0745, 119.2965), the fence 500 m around it.
const OUTSIDE = { latitude: 26.0900, longitude: 119.2965 };  // ~1.7 km north
const INSIDE = { latitude: 26.0760, longitude: 119.2970 };   // ~170 m
// Twice the pixels keeps the QR's modules sharp in the element screenshot.
const PHONE = phone(2);

// A person of our own for this run; the first sign-in registers, later ones
// meet 409 and just sign in.
const login = `browser-${Date.now()}-${process.pid}@example.com`;
const password = 'correct-horse-battery';

// The failed fetches this test provokes on purpose.
const expectedHttpErrors = [
  { url: /\/favicon\.ico$/, status: 404 },
  { url: /\/v1\/accounts$/, status: 409 },            // signing in again
  { url: /\/v1\/campaigns\/[^/]+\/orders$/, status: 403 },  // outside the fence
];
const watch = (page, scenario) => watchPage(page, scenario, expectedHttpErrors);


// Opens the page; checks size and <html lang> on the first visit.
let pageChecked = false;
async function open(context, scenario) {
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  watch(page, scenario);
  const resp = await page.goto(pageUrl, { waitUntil: 'load' });
  if (!pageChecked) {
    pageChecked = true;
    check(resp && resp.status() === 200, 'the page answers 200', resp && resp.status());
    const body = resp ? await resp.body() : Buffer.alloc(0);
    check(body.length > 0 && body.length < 50 * 1024, 'the page is under 50 KB', `${body.length} bytes`);
    const lang = await page.getAttribute('html', 'lang');
    check(!!lang, '<html lang> is set', lang);
    check((resp.headers()['content-type'] || '').startsWith('text/html'), 'the page is text/html',
          resp.headers()['content-type']);
  }
  return page;
}

async function signIn(page) {
  await byId(page, 'login').waitFor({ state: 'visible' });
  await byId(page, 'login').fill(login);
  await byId(page, 'password').fill(password);
  await byId(page, 'signin-button').click();
  await page.locator('#signed-in').waitFor({ state: 'visible' });
}

async function noReceipt(page, scenario) {
  check(await page.locator('#receipt').isHidden(), `${scenario}: no receipt is shown`);
  check(await page.locator('[data-testid="receipt-qr"]').count() === 0, `${scenario}: no receipt QR`);
}

// One scenario in a context with `options`; see harness.scenario.
const scenario = (browser, name, options, body) =>
  runScenario(() => browser.newContext(options), name, outDir, body, '.order');

function zbarimg(file) {
  return new Promise((resolve) => {
    execFile('zbarimg', ['--raw', '-q', file], { timeout: TIMEOUT }, (err, stdout, stderr) => {
      resolve({ code: err ? (err.code ?? 1) : 0, text: stdout.trim(), stderr: String(stderr).trim() });
    });
  });
}

const redeem = (token) => api(gateway, 'POST', '/v1/receipts:redeem', merchantToken, { token });

run(async () => {
  const browser = await launch();
  console.log(`# chromium ${browser.version()}, page ${pageUrl}`);
  try {
    // a. No location permission: ordering first asks to sign in, then orders
    //    right after signing in, and stops at the location, in both languages.
    await scenario(browser, 'denied', { ...PHONE }, async (context, keep) => {
      const page = keep(await open(context, 'denied'));
      let orderCalls = 0;
      page.on('request', (r) => { if (/\/orders$/.test(r.url()) && r.method() === 'POST') orderCalls++; });
      check(await byId(page, 'login').isVisible(), 'denied: the sign-in form shows without a token');
      await byId(page, 'order-button').click();
      await page.locator('[data-testid="error"]:has-text("Please sign in first")').waitFor();
      check(true, 'denied: ordering before signing in asks to sign in');
      await signIn(page);
      const status = byId(page, 'location-status');
      await page.locator('[data-testid="location-status"]:has-text("Location access was denied")').waitFor();
      const text = await status.innerText();
      check(text.includes('未获得定位权限') && text.includes('Location access was denied'),
            'denied: location-status explains the denial in Chinese and English', text);
      await byId(page, 'order-button').waitFor({ state: 'visible' });
      await page.waitForFunction(() => !document.getElementById('order-button').disabled);
      check(orderCalls === 0, 'denied: no order was sent', orderCalls);
      await noReceipt(page, 'denied');
    });

    // b. Outside the fence: the server refuses with distance and radius.
    await scenario(browser, 'outside', { ...PHONE, permissions: ['geolocation'], geolocation: OUTSIDE }, async (context, keep) => {
      const page = keep(await open(context, 'outside'));
      await signIn(page);
      check(true, 'outside: an existing person signs in through the form');
      const answer = page.waitForResponse((r) => /\/orders$/.test(r.url()) && r.request().method() === 'POST');
      await byId(page, 'order-button').click();
      const resp = await answer;
      check(resp.status() === 403, 'outside: the order is refused with 403', resp.status());
      const body = JSON.parse(resp.request().postData() || '{}');
      check(body.location && Math.abs(body.location.lat - OUTSIDE.latitude) < 1e-6 &&
            Math.abs(body.location.lng - OUTSIDE.longitude) < 1e-6,
            'outside: the order carries the browser location', JSON.stringify(body.location));
      await page.locator('[data-testid="error"]:has-text("within 500 m")').waitFor();
      const err = await byId(page, 'error').innerText();
      check(/you are \d[\d,.]* m from the shop/.test(err) && err.includes('within 500 m'),
            'outside: error shows the distance and "within 500 m"', err);
      await noReceipt(page, 'outside');
    });

    // c. Inside the fence: a receipt with its number and QR.
    let token = null, number = null;
    const inside = await scenario(browser, 'inside', { ...PHONE, permissions: ['geolocation'], geolocation: INSIDE },
                                  async (context, keep) => {
      const page = keep(await open(context, 'inside'));
      await signIn(page);
      const answer = page.waitForResponse((r) => /\/orders$/.test(r.url()) && r.request().method() === 'POST');
      await byId(page, 'order-button').click();
      const resp = await answer;
      check(resp.status() === 200, 'inside: the order is accepted', resp.status());
      const order = (await resp.json()).order || {};
      token = order.receipt && order.receipt.token;
      number = order.receipt && order.receipt.number;
      await byId(page, 'receipt-number').waitFor({ state: 'visible' });
      const shown = (await byId(page, 'receipt-number').innerText()).trim();
      check(/^\d{8}$/.test(shown.replace(/[\s-]/g, '')), 'inside: receipt-number shows 8 digits', shown);
      check(shown.replace(/[\s-]/g, '') === number, 'inside: receipt-number is the order\'s receipt', `${shown} vs ${number}`);
      await page.waitForFunction(() => {
        const img = document.querySelector('[data-testid="receipt-qr"]');
        return img && img.complete && img.naturalWidth > 0;
      }, null, { timeout: TIMEOUT });
      const qr = byId(page, 'receipt-qr');
      const src = await qr.getAttribute('src');
      check(/^blob:/.test(src || ''), 'inside: receipt-qr is loaded (a blob from the authorised fetch)', src);
      check(!!(await qr.getAttribute('alt')), 'inside: receipt-qr has alt text');
      check(await byId(page, 'error').innerText() === '', 'inside: no error is shown');
      await page.screenshot({ path: path.join(outDir, 'receipt.png'), fullPage: true });
      await qr.screenshot({ path: path.join(outDir, 'receipt-qr.png') });
      check(fs.statSync(path.join(outDir, 'receipt-qr.png')).size > 0, 'inside: receipt screenshots saved');
    });

    // d. The QR as the page shows it redeems at the merchant, once.
    if (inside && check(!!token, 'the order answer carried a receipt token')) {
      const read = await zbarimg(path.join(outDir, 'receipt-qr.png'));
      check(read.code === 0 && read.text.length > 0, 'zbarimg decodes the receipt QR screenshot',
            `exit ${read.code} ${read.stderr}`);
      check(read.text === token, 'the decoded QR is the receipt token');
      const first = await redeem(read.text);
      check(first.status === 200, 'the merchant redeems the decoded token', `${first.status} ${JSON.stringify(first.data)}`);
      check(first.data && first.data.order && first.data.order.state === 'REDEEMED', 'the order is REDEEMED',
            first.data && first.data.order && first.data.order.state);
      const again = await redeem(read.text);
      check(again.status === 409, 'redeeming it again is refused with 409', again.status);
    }
  } finally {
    await browser.close();
  }

  // e. Nothing went wrong inside the pages.
  checkNoProblems();
});
