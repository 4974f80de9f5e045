// Drives the live page's model history in headless Chromium (Debian's /usr/bin/chromium, through
// playwright-core): the history lists VERSION with its gate figures; "Roll back" on VERSION makes it
// the pinned serving version (once the page has read the operator's announcement back from the
// checkpoints topic), and "Unpin" on it ends the pin; a screenshot is written at the end.
//
//   node web/e2e/model-history.mjs URL SCREENSHOT_PATH VERSION
//
// Environment: CHROMIUM (default /usr/bin/chromium), TIMEOUT_S (default 30, for each wait). Exits 0
// when everything was seen, 1 with a message saying what was not.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, screenshot, version] = process.argv.slice(2);
if (!url || !screenshot || !version) {
  console.error('usage: node model-history.mjs URL SCREENSHOT_PATH VERSION');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const timeout = 1000 * Number(process.env.TIMEOUT_S || 30);
const log = (msg) => console.log(`model-history: ${msg}`);
const row = `#model-history tr[data-version="${version.replace(/"/g, '\\"')}"]`;

const profile = mkdtempSync(join(tmpdir(), 'openmede-chromium-'));
let browser;
let page;
let failure;
try {
  browser = await chromium.launchPersistentContext(profile, {
    executablePath,
    viewport: { width: 1400, height: 1000 },
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url, { waitUntil: 'load', timeout });
  await page.waitForSelector(`${row} button.model-rollback`, { timeout }).catch(() => {
    throw new Error(`the history did not list ${version} with a Roll back button within ${timeout / 1000} s`);
  });
  const figures = await page.locator(`${row} td`).nth(6).innerText();
  log(`listed ${version}: ${figures}`);
  await page.click(`${row} button.model-rollback`);
  await page.waitForSelector(`${row}[data-pinned="true"] button.model-unpin`, { timeout }).catch(async () => {
    throw new Error(`${version} did not become the pinned serving version after Roll back (message: ${await page.locator('#model-message').innerText()})`);
  });
  log(`rolled back to ${version}: ${await page.locator('#model-message').innerText()}`);
  await page.click(`${row} button.model-unpin`);
  await page.waitForFunction((sel) => !document.querySelector(`${sel}[data-pinned="true"]`) && document.querySelector('#model-message').textContent.startsWith('unpin'),
    row, { timeout, polling: 200 }).catch(() => {
    throw new Error(`the pin on ${version} did not end after Unpin`);
  });
  log(`unpinned: ${await page.locator('#models-serving').innerText()}`);
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
} catch (e) {
  failure = e;
} finally {
  if (page) await page.screenshot({ path: screenshot, fullPage: true }).catch(() => {});
  if (browser) await browser.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
if (failure) {
  console.error(`model-history: FAILED: ${failure.message}`);
  process.exit(1);
}
log('ok');
