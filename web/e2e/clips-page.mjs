// Drives the page's clip review in headless Chromium (Debian's /usr/bin/chromium, through
// playwright-core): the clip of EVENT_ID is listed with its thumbnail; "play" plays its MP4 (served
// in HTTP range requests with the page's token) until the video ends or its currentTime advances;
// "keep" marks it kept; a screenshot is written at the end.
//
//   node web/e2e/clips-page.mjs URL SCREENSHOT_PATH EVENT_ID
//
// Environment: CHROMIUM (default /usr/bin/chromium), TIMEOUT_S (default 60, for each wait). Exits 0
// when everything was seen, 1 with a message saying what was not.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, screenshot, eventId] = process.argv.slice(2);
if (!url || !screenshot || !eventId) {
  console.error('usage: node clips-page.mjs URL SCREENSHOT_PATH EVENT_ID');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const timeout = 1000 * Number(process.env.TIMEOUT_S || 60);
const log = (msg) => console.log(`clips-page: ${msg}`);
const item = `#clips li[data-event="${eventId.replace(/"/g, '\\"')}"]`;

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
      '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url, { waitUntil: 'load', timeout });
  log(`opened ${url}`);

  await page.waitForFunction(
    (sel) => { const img = document.querySelector(`${sel} img.thumb`); return img && img.complete && img.naturalWidth > 0; },
    item, { timeout, polling: 250 },
  ).catch(() => { throw new Error(`the clip of ${eventId} with its thumbnail did not show within ${timeout / 1000} s`); });
  const thumb = await page.$eval(`${item} img.thumb`, (img) => `${img.naturalWidth}x${img.naturalHeight}`);
  log(`the clip of ${eventId} is listed with its thumbnail (${thumb})`);

  await page.click(`${item} button.play`);
  const played = await page.waitForFunction(
    (sel) => { const v = document.querySelector(`${sel} video`); return v && (v.ended || v.currentTime > 0.5) ? { ended: v.ended, t: v.currentTime, w: v.videoWidth, h: v.videoHeight, d: v.duration } : false; },
    item, { timeout, polling: 100 },
  ).catch(async () => {
    const state = await page.$eval(`${item} video`, (v) => `readyState ${v.readyState}, networkState ${v.networkState}, error ${v.error && v.error.message}`).catch(() => 'no video');
    throw new Error(`the clip of ${eventId} did not play within ${timeout / 1000} s (${state}; ${await page.textContent('#clip-message')})`);
  });
  const p = await played.jsonValue();
  log(`the clip played: currentTime ${p.t.toFixed(2)} s of ${p.d.toFixed(2)} s, ended ${p.ended}, ${p.w}x${p.h}`);

  await page.click(`${item} button.keep`);
  await page.waitForFunction((sel) => { const li = document.querySelector(sel); return li && li.dataset.keep === 'true'; }, item, { timeout, polling: 250 })
    .catch(async () => { throw new Error(`"keep" did not mark the clip (message: ${await page.textContent('#clip-message')})`); });
  log(`kept the clip of ${eventId}: ${await page.textContent('#clip-message')}`);
  await page.click(`${item} button.play`);
  await page.waitForFunction((sel) => { const v = document.querySelector(`${sel} video`); return v && v.currentTime > 0.2; }, item, { timeout, polling: 100 });
  if (errors.length) throw new Error(`the page threw: ${errors.join('; ')}`);
} catch (e) {
  failure = e;
} finally {
  if (page) {
    await page.screenshot({ path: screenshot, fullPage: true }).then(
      () => log(`screenshot ${screenshot}`),
      (e) => console.error(`clips-page: no screenshot: ${e.message}`),
    );
  }
  if (browser) await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
if (failure) {
  console.error(`clips-page: FAILED: ${failure.message}`);
  process.exit(1);
}
log('passed');
