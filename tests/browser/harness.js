// What every browser test here shares: Debian's Chromium launched through
// playwright-core with the flags this machine needs, a phone's viewport,
// "ok - …" / "not ok - …" checks counted into the final "N passed, M failed"
// line, console errors and uncaught exceptions gathered from every page,
// scenarios that fail alone with a screenshot, and a deadline so a hung
// browser cannot hang the test.
//
//   const h = require('./harness');
//   h.run(async () => {
//     const browser = await h.launch();
//     await h.scenario(() => browser.newContext({ ...h.phone() }), 'name', outDir, async (context, keep) => {
//       const page = keep(await context.newPage());
//       h.watch(page, 'name');
//       h.check(..., 'name: what a user would notice');
//     });
//     await browser.close();
//     h.checkNoProblems();
//   });
'use strict';

const { chromium } = require('playwright-core');
const path = require('path');

const TIMEOUT = 15000;  // any one wait
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                       '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// A phone: the pages are made for one. A scale of 2 keeps a QR's modules
// sharp in an element screenshot.
function phone(deviceScaleFactor = 1) {
  return { viewport: { width: 390, height: 844 }, deviceScaleFactor, isMobile: true, hasTouch: true };
}

function launch() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

let passed = 0, failed = 0;
function check(cond, name, detail) {
  if (cond) {
    passed++;
    console.log(`ok - ${name}`);
  } else {
    failed++;
    console.log(`not ok - ${name}${detail !== undefined ? ` (${detail})` : ''}`);
  }
  return cond;
}

// Console errors, uncaught exceptions and dialogs (an alert() would mean
// markup ran) from every page watched. Chromium logs each non-2xx fetch as
// "Failed to load resource"; `expectedHttpErrors` ({url: RegExp, status})
// lists those a test provokes on purpose.
const problems = [];
function watch(page, scenario, expectedHttpErrors = []) {
  page.on('pageerror', (e) => problems.push(`${scenario}: uncaught ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const url = (m.location() && m.location().url) || '';
    const status = /status of (\d+)/.exec(m.text());
    if (/Failed to load resource/.test(m.text()) && status &&
        expectedHttpErrors.some((x) => x.url.test(url) && x.status === Number(status[1]))) {
      return;
    }
    problems.push(`${scenario}: console error ${m.text()} ${url}`);
  });
  page.on('dialog', (d) => {
    problems.push(`${scenario}: a ${d.type()} dialog opened: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
}
function checkNoProblems() {
  return check(problems.length === 0, 'no console errors, uncaught exceptions or dialogs', problems.join('; '));
}

const byId = (scope, id) => scope.locator(`[data-testid="${id}"]`);

// Runs one scenario in a context of its own; an exception is a failure, with
// a screenshot of the page `keep` was given (<outDir>/<name>-failure.png) and
// the text of its `section`, and the next scenario still runs. True when the
// scenario ran to its end.
async function scenario(makeContext, name, outDir, body, section = 'main') {
  const context = await makeContext();
  let page = null;
  try {
    await body(context, (p) => { page = p; return p; });
    return true;
  } catch (e) {
    check(false, `${name}: ${String(e.message || e).split('\n')[0]}`);
    if (page) {
      await page.screenshot({ path: path.join(outDir, `${name}-failure.png`), fullPage: true }).catch(() => {});
      const text = await page.locator(section).innerText().catch(() => '');
      console.log(`# ${name}: ${section}: ${text.replace(/\s+/g, ' ').slice(0, 600)}`);
    }
    return false;
  } finally {
    await context.close();
  }
}

// A REST call to the gateway; `data` is the JSON answer, or null.
async function api(gateway, method, route, token, body) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(gateway.replace(/\/$/, '') + route, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT),
  });
  let data = null;
  try { data = await r.json(); } catch (e) {}
  return { status: r.status, data };
}

// Runs `main`, then prints the summary and exits: non-zero on any failure,
// when nothing was checked, or when the run outlives `deadlineMs`.
function run(main, deadlineMs = 120000) {
  const started = Date.now();
  const deadline = setTimeout(() => {
    console.log(`not ok - the run finished within ${deadlineMs / 1000} s`);
    console.log(`${passed} passed, ${failed + 1} failed`);
    process.exit(1);
  }, deadlineMs);
  main().catch((e) => {
    check(false, `the run: ${e && e.stack ? e.stack : e}`);
  }).finally(() => {
    clearTimeout(deadline);
    console.log(`# ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed > 0 || passed === 0 ? 1 : 0);
  });
}

module.exports = { TIMEOUT, phone, launch, check, watch, checkNoProblems, byId, scenario, api, run };
