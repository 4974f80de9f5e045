// Drives the live page in headless Chromium (Debian's /usr/bin/chromium, through playwright-core):
// every stream card shows a frame and a label; a novel label added with the page's vocabulary form
// shows up in some stream's recognitions on the page; an alert rule for it added with the page's
// rule form (a webhook to a receiver in this script and the clip webhook ticked, both shown in the
// rules list) yields an event on the page's timeline with its snapshot frame, which the receiver
// gets; a recognition corrected on the page to a new label (with "new" ticked) becomes a labeled
// clip (the page lists the feedback as "clip made" once the clip is on openmede.labeled-clips) and
// the label joins the vocabulary; the event confirmed on the page becomes a clip too; a screenshot
// is written at the end. The events service must allow webhooks to 127.0.0.1
// (events.webhook.allowed-hosts).
//
//   node web/e2e/live-page.mjs URL SCREENSHOT_PATH [STREAMS] [LABEL] [CORRECTION]
//
// It prints "feedback clip ID" for each clip made, for the caller to find on the topic.
// CORRECTION: the new label a recognition is corrected to (default "page correction").
//
// STREAMS: comma-separated stream ids the page must show (default
// camera-1,camera-2,camera-3,video-demo.mp4); LABEL: the novel label to add (default "circling";
// it must not be in the vocabulary yet). Environment: CHROMIUM (default /usr/bin/chromium),
// TIMEOUT_S (default 240, for each wait). Exits 0 when everything was seen, 1 with a message
// saying what was not (a screenshot is written either way when the page opened).
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, screenshot, streamList, label = 'circling', correction = 'page correction'] = process.argv.slice(2);
if (!url || !screenshot) {
  console.error('usage: node live-page.mjs URL SCREENSHOT_PATH [STREAMS] [LABEL]');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const streams = (streamList || 'camera-1,camera-2,camera-3,video-demo.mp4').split(',');
const timeout = 1000 * Number(process.env.TIMEOUT_S || 240);
const log = (msg) => console.log(`live-page: ${msg}`);

const profile = mkdtempSync(join(tmpdir(), 'openmede-chromium-'));
let browser; // the persistent context: closing it ends Chromium
let page;
let failure;
try {
  // a fresh profile directory (Playwright passes it as --user-data-dir)
  browser = await chromium.launchPersistentContext(profile, {
    executablePath,
    viewport: { width: 1400, height: 1000 },
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url, { waitUntil: 'load', timeout });
  log(`opened ${url}`);

  // every stream card: a loaded frame and at least one label
  await page.waitForFunction(
    (ids) =>
      ids.every((id) => {
        const card = document.querySelector(`.stream[data-stream="${CSS.escape(id)}"]`);
        const img = card && card.querySelector('img');
        return img && img.complete && img.naturalWidth > 0 && card.querySelector('.labels .label .name');
      }),
    streams,
    { timeout, polling: 500 },
  ).catch(() => {
    throw new Error(`not every stream card showed a frame and a label within ${timeout / 1000} s (wanted ${streams.join(', ')})`);
  });
  log(`every stream shows a frame and a label: ${streams.join(', ')}`);

  const labelsOnPage = () =>
    page.$$eval('.stream .labels .label .name', (names) => names.map((n) => n.textContent));
  if ((await labelsOnPage()).includes(label)) {
    throw new Error(`"${label}" is already recognized before it was added; pick a label not in the vocabulary`);
  }

  // a novel label through the page's form
  await page.fill('#vocab-label', label);
  await page.click('#vocab-add');
  await page.waitForFunction(
    (l) => document.querySelector(`#vocabulary li[data-label="${CSS.escape(l)}"]`) !== null,
    label,
    { timeout, polling: 250 },
  ).catch(async () => {
    const msg = await page.textContent('#vocab-message');
    throw new Error(`"${label}" did not appear in the page's vocabulary list (message: ${msg})`);
  });
  log(`added "${label}" on the page: ${await page.textContent('#vocab-message')}`);

  // ... and it shows up in some stream's recognitions
  const where = await page.waitForFunction(
    (l) => {
      for (const card of document.querySelectorAll('.stream')) {
        for (const n of card.querySelectorAll('.labels .label .name')) {
          if (n.textContent === l) return card.dataset.stream;
        }
      }
      return false;
    },
    label,
    { timeout, polling: 250 },
  ).catch(() => {
    throw new Error(`"${label}" was added but no stream's recognitions on the page showed it within ${timeout / 1000} s`);
  });
  log(`"${label}" appears in the recognitions on the page (stream ${await where.jsonValue()})`);

  // an alert rule for that label through the page's rule form: the events service turns the
  // recognitions into an event, which the page lists with its snapshot frame
  // with a webhook to a receiver here and the clip webhook ticked (the events service must allow
  // 127.0.0.1: events.webhook.allowed-hosts)
  const posts = [];
  const receiver = createServer((req, res) => {
    posts.push(req.headers['idempotency-key']);
    req.resume();
    req.on('end', () => { res.writeHead(204); res.end(); });
  });
  await new Promise((ok) => receiver.listen(0, '127.0.0.1', ok));
  receiver.unref();
  const rule = 'page-rule';
  await page.fill('#rule-name', rule);
  await page.fill('#rule-label', label);
  await page.fill('#rule-probability', '0.01');
  await page.fill('#rule-windows', '1');
  await page.fill('#rule-webhook', `http://127.0.0.1:${receiver.address().port}/hook`);
  await page.check('#rule-clip-webhook');
  await page.click('#rule-add');
  await page.waitForFunction(
    (r) => document.querySelector(`#rules li[data-rule="${CSS.escape(r)}"]`) !== null,
    rule,
    { timeout, polling: 250 },
  ).catch(async () => {
    const msg = await page.textContent('#rule-message');
    throw new Error(`rule ${rule} did not appear in the page's rules list (message: ${msg})`);
  });
  const listed = await page.textContent(`#rules li[data-rule="${rule}"]`);
  if (!listed.includes('1 webhook(s)') || !listed.includes('clip webhook')) {
    throw new Error(`the rules list does not show rule ${rule}'s webhook and clip webhook: "${listed}"`);
  }
  log(`added rule ${rule} on the page: ${await page.textContent('#rule-message')} (listed as "${listed.replace(/remove$/, '')}")`);
  const opened = await page.waitForFunction(
    (r) => {
      for (const li of document.querySelectorAll('#events li')) {
        const img = li.querySelector('img');
        if (li.dataset.event.startsWith(r + '/') && li.dataset.state === 'OPENED' && img && img.complete && img.naturalWidth > 0) return li.dataset.event;
      }
      return false;
    },
    rule,
    { timeout, polling: 250 },
  ).catch(() => {
    throw new Error(`no OPENED event of rule ${rule} with a snapshot frame appeared on the page within ${timeout / 1000} s`);
  });
  const eventId = await opened.jsonValue();
  log(`event ${eventId} is on the page with its snapshot frame`);
  for (const end = Date.now() + 60_000; !posts.includes(eventId) && Date.now() < end;) {
    await new Promise((ok) => setTimeout(ok, 250));
  }
  if (!posts.includes(eventId)) {
    throw new Error(`the rule's webhook did not receive event ${eventId} within 60 s (received: ${posts.join(', ') || 'nothing'})`);
  }
  log(`the rule's webhook received event ${eventId}`);

  // correct the latest recognition of that stream to a new label, asking for it in the vocabulary
  const stream = await where.jsonValue();
  const card = `.stream[data-stream="${stream.replace(/"/g, '\\"')}"]`;
  await page.fill(`${card} .correct-label`, correction);
  await page.check(`${card} .add-vocab`);
  await page.click(`${card} button.correct`);
  // the page's feedback list: one item per feedback record, newest first (the correction and the
  // confirmation may name the same window, so the verdict tells them apart)
  const clipMade = (prefix, verdict) => page.waitForFunction(
    ([p, v]) => {
      for (const li of document.querySelectorAll('#feedback li')) {
        if (li.dataset.clip.startsWith(p) && li.dataset.verdict === v && li.dataset.state === 'clip made') return li.dataset.clip;
      }
      return false;
    },
    [prefix, verdict],
    { timeout, polling: 250 },
  ).catch(async () => {
    const items = await page.$$eval('#feedback li', (lis) => lis.map((l) => l.textContent));
    throw new Error(`no clip was made for feedback ${prefix}… within ${timeout / 1000} s (message: ${await page.textContent('#feedback-message')}; feedback: ${items.join(' | ')})`);
  });
  const corrected = await (await clipMade(`feedback:${stream}:`, 'correct')).jsonValue();
  log(`corrected a recognition of ${stream} to "${correction}" on the page`);
  console.log(`feedback clip ${corrected}`);
  await page.waitForFunction(
    (l) => document.querySelector(`#vocabulary li[data-label="${CSS.escape(l)}"]`) !== null,
    correction,
    { timeout, polling: 250 },
  ).catch(() => {
    throw new Error(`"${correction}" was asked for with the correction but did not join the vocabulary`);
  });
  log(`"${correction}" joined the vocabulary with the correction`);

  // confirm the event: its first window becomes a clip too
  await page.click(`#events li[data-event="${eventId.replace(/"/g, '\\"')}"] button.confirm`);
  // the event id is rule/stream/first sequence of its first window
  const eventStream = eventId.slice(eventId.indexOf('/') + 1, eventId.lastIndexOf('/'));
  const eventFirst = eventId.slice(eventId.lastIndexOf('/') + 1);
  const confirmed = await (await clipMade(`feedback:${eventStream}:${eventFirst}-`, 'confirm')).jsonValue();
  log(`confirmed event ${eventId} on the page`);
  console.log(`feedback clip ${confirmed}`);
  if (errors.length) throw new Error(`the page threw: ${errors.join('; ')}`);
} catch (e) {
  failure = e;
} finally {
  if (page) {
    await page.screenshot({ path: screenshot, fullPage: true }).then(
      () => log(`screenshot ${screenshot}`),
      (e) => console.error(`live-page: no screenshot: ${e.message}`),
    );
  }
  if (browser) await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
if (failure) {
  console.error(`live-page: FAILED: ${failure.message}`);
  process.exit(1);
}
log('passed');
