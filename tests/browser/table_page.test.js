// The landing node's table page on a phone in headless Chromium (Debian's
// chromium, driven by playwright-core): a guest opens the sticker's link,
// sees the shop, the table and the menu (a sold-out item cannot be added),
// fills the cart, places the order and sees the confirmation with its
// number; the old sticker of a rotated token gets a page saying so. Then the
// shop's desk page on a PC: the staff enter the desk token, see the order
// with its lines, and take it from new to accepted, paid and settled with
// its buttons; a wrong token is asked for again.
//
//   node table_page.test.js <table page URL> <forged-token URL> <out dir> <desk URL> <desk token>
//
// Run by services/landing/table_page_browser_test.cc, which starts the node
// and then checks the order is at the node. Prints "ok - …" / "not ok - …"
// per check, "order-id: <id>" for the order placed, and "N passed, M failed";
// exits non-zero on any failure or when nothing ran. Screenshots go to
// <out dir>: table.png, ordered.png, and <scenario>-failure.png.
'use strict';

const fs = require('fs');
const path = require('path');
const { TIMEOUT, phone, launch, check, watch, checkNoProblems, scenario, run } = require('./harness');

const [tableUrl, forgedUrl, outDir, deskUrl, deskToken] = process.argv.slice(2);
if (!tableUrl || !forgedUrl || !outDir || !deskUrl || !deskToken) {
  console.error('usage: node table_page.test.js <table page URL> <forged-token URL> <out dir> <desk URL> <desk token>');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });

const PHONE = phone(1);
const row = (page, id) => page.locator(`.item[data-id="${id}"]`);
let orderId = '';

run(async () => {
  const browser = await launch();

  await scenario(() => browser.newContext({ ...PHONE }), 'table', outDir, async (context, keep) => {
    const page = keep(await context.newPage());
    page.setDefaultTimeout(TIMEOUT);
    watch(page, 'table');
    const resp = await page.goto(tableUrl, { waitUntil: 'load' });
    check(resp && resp.status() === 200, 'table: the sticker link opens the page', resp && resp.status());
    check((await page.locator('#shop').innerText()) === '福州小店', 'table: the shop is named at the top');
    check((await page.locator('#table').innerText()) === '窗边 1', 'table: the table is named');
    check((await page.locator('.item').count()) === 3, 'table: the menu lists three items');
    check((await row(page, 'noodles').locator('.price').innerText()) === '¥18.00', 'table: prices read in yuan');
    check(await row(page, 'dumplings').locator('.plus').isDisabled(), 'table: a sold-out item cannot be added');
    check((await row(page, 'dumplings').locator('.name').innerText()).includes('售罄'), 'table: it says sold out');
    check(await page.locator('#order').isDisabled(), 'table: nothing to order with an empty cart');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 0, 'table: the page fits a phone\'s width', overflow);
    const button = await page.locator('#order').boundingBox();
    check(button && button.y + button.height <= 844 && button.height >= 40,
          'table: the order button is on screen and big enough to tap', JSON.stringify(button));
    await page.screenshot({ path: path.join(outDir, 'table.png') });

    // The cart: two noodles and a tea (one tea taken back off).
    await row(page, 'noodles').locator('.plus').tap();
    await row(page, 'noodles').locator('.plus').tap();
    await row(page, 'tea').locator('.plus').tap();
    await row(page, 'tea').locator('.plus').tap();
    await row(page, 'tea').locator('.minus').tap();
    check((await row(page, 'noodles').locator('.qty').innerText()) === '2', 'table: the quantity shows 2 noodles');
    check((await page.locator('#total').innerText()) === '¥41.00 · 3', 'table: the total is ¥41.00 for 3 items',
          await page.locator('#total').innerText());
    check(await page.locator('#order').isEnabled(), 'table: the order button is enabled');

    // Placed: the confirmation with the total and the order's number.
    await page.locator('#order').tap();
    await page.locator('#result').waitFor({ state: 'visible' });
    const confirmation = await page.locator('#result').innerText();
    check(/已下单 Ordered · ¥41\.00 · No\. \S+/.test(confirmation), 'table: the confirmation shows the total and the number',
          confirmation);
    orderId = await page.locator('#result').getAttribute('data-order-id');
    check(!!orderId, 'table: the confirmation names the order');
    console.log(`order-id: ${orderId}`);
    check((await page.locator('#error').innerText()) === '', 'table: no error is shown');
    check((await page.locator('#total').innerText()) === '¥0.00 · 0', 'table: the cart is empty again');
    check(await page.locator('#order').isDisabled(), 'table: the button cannot send the same order twice');
    await page.screenshot({ path: path.join(outDir, 'ordered.png') });
  });

  await scenario(() => browser.newContext({ ...PHONE }), 'old-sticker', outDir, async (context, keep) => {
    const page = keep(await context.newPage());
    page.setDefaultTimeout(TIMEOUT);
    watch(page, 'old-sticker', [{ url: /\/t\//, status: 403 }]);
    const resp = await page.goto(forgedUrl, { waitUntil: 'load' });
    check(resp && resp.status() === 403, 'old-sticker: a forged or rotated token is refused', resp && resp.status());
    const says = await page.locator('#error').innerText();
    check(says.length > 0, 'old-sticker: the page says why', says);
    check((await page.locator('.item').count()) === 0, 'old-sticker: no menu to order from');
  }, 'body');

  await scenario(() => browser.newContext({ viewport: { width: 1280, height: 800 } }), 'desk', outDir,
    async (context, keep) => {
      const page = keep(await context.newPage());
      page.setDefaultTimeout(TIMEOUT);
      watch(page, 'desk', [{ url: /\/v1\/desk\//, status: 401 }, { url: /\/v1\/sync\//, status: 401 }]);
      const resp = await page.goto(deskUrl, { waitUntil: 'load' });
      check(resp && resp.status() === 200, 'desk: the page opens', resp && resp.status());
      // A wrong token is refused and asked for again.
      await page.locator('#token').fill('not-the-desk-token');
      await page.locator('#enter').click();
      await page.locator('#login').waitFor({ state: 'visible' });
      check((await page.locator('.order').count()) === 0, 'desk: a wrong token shows no order');

      await page.locator('#token').fill(deskToken);
      await page.locator('#enter').click();
      const card = page.locator(`.order[data-id="${orderId}"]`);
      await card.waitFor({ state: 'visible' });
      check((await card.getAttribute('data-state')) === 'PLACED', 'desk: the guest\'s order is new');
      const text = await card.innerText();
      check(text.includes('2 × 拌面 Noodles') && text.includes('1 × 茉莉花茶 Jasmine tea') && text.includes('¥41.00'),
            'desk: the card shows the table\'s lines and total', text);
      check((await page.locator('#sync').innerText()).includes('pending'), 'desk: the sync status is shown');
      await page.screenshot({ path: path.join(outDir, 'desk.png') });
      for (const [stepName, state] of [['accept', 'ACCEPTED'], ['paid', 'PAID'], ['settle', 'SETTLED']]) {
        await card.locator(`button[data-step="${stepName}"]`).click();
        await page.locator(`.order[data-id="${orderId}"][data-state="${state}"]`).waitFor();
        check(true, `desk: ${stepName} makes it ${state}`);
      }
      check((await card.locator('button').count()) === 0, 'desk: a settled order has no step left');
      check((await page.locator('#error').innerText()) === '', 'desk: no error is shown');
    });

  await browser.close();
  checkNoProblems();
});
