// The live page: polls /api/state and redraws; vocabulary changes go to /api/vocabulary, rule
// changes to /api/rules, confirmations and corrections of windows to /api/feedback, an operator's
// promote, rollback and unpin to /api/model.
'use strict';
const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
};
const pct = (x) => (100 * x).toFixed(1) + '%';

// The page's token comes in its address (?token=...) once; it is kept for this tab and sent with
// every API call. Changes go as JSON with it; images carry it in their address.
const TOKEN = (() => {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) {
    sessionStorage.setItem('openmede-token', fromUrl);
    history.replaceState(null, '', location.pathname);
  }
  return sessionStorage.getItem('openmede-token') || '';
})();
const withToken = (url) => url + (url.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(TOKEN);
// every call to the page's API goes through here: the token header, JSON for changes
const api = (path, opts = {}) => fetch(path, { cache: 'no-store', ...opts,
  headers: { 'X-Openmede-Token': TOKEN, ...(opts.method && opts.method !== 'GET' ? { 'Content-Type': 'application/json' } : {}), ...(opts.headers || {}) } });

function drawStreams(streams) {
  const root = $('streams');
  const seen = new Set();
  for (const s of streams) {
    seen.add(s.streamId);
    let card = root.querySelector(`[data-stream="${CSS.escape(s.streamId)}"]`);
    if (!card) {
      // the feedback controls are made once per card (typing in them survives the redraws); they
      // act on the window the card shows when they are clicked
      const c = card = el('div', { class: 'stream', 'data-stream': s.streamId },
        el('div', { class: 'id' }, s.streamId), el('img', { alt: 'latest frame of ' + s.streamId }),
        el('div', { class: 'labels' }), el('div', { class: 'meta' }),
        el('div', { class: 'feedback' },
          el('button', { class: 'confirm', title: 'the top label is right: make this window a training clip', onclick: () => feedbackOnCard(c, 'confirm') }, 'confirm'),
          el('input', { class: 'correct-label', list: 'vocab-options', placeholder: 'right label', 'aria-label': 'right label for ' + s.streamId }),
          el('label', { title: 'also add the label to the vocabulary' }, el('input', { type: 'checkbox', class: 'add-vocab' }), 'new'),
          el('button', { class: 'correct', title: 'the window shows the label typed here', onclick: () => feedbackOnCard(c, 'correct') }, 'correct'),
          el('button', { class: 'nothing', title: 'nothing of the vocabulary happens in this window: a negative for the open-set thresholds, never trained on', onclick: () => feedbackOnCard(c, 'nothing') }, 'nothing happened')));
      root.append(card);
    }
    if (s.hasFrame) card.querySelector('img').src = withToken(`/api/frame?stream=${encodeURIComponent(s.streamId)}&seq=${s.frameSequence}`);
    const labels = card.querySelector('.labels');
    labels.replaceChildren();
    const r = s.recognition;
    if (r) {
      // a window where no label reached its calibrated threshold says so, instead of a confident
      // wrong label; its closest labels follow, dimmed
      if (r.unknown) labels.append(el('div', { class: 'nothing-recognized', title: `no label reached its threshold (${r.openSetScore} score)` }, 'nothing recognized'));
      for (const l of r.top) {
        const score = l.calibrated === null || l.calibrated === undefined ? '' : ' · score ' + l.calibrated.toFixed(2);
        labels.append(el('div', { class: 'label' + (r.unknown ? ' dim' : '') }, el('span', { class: 'name' }, l.label), el('span', {}, pct(l.probability) + score + ' · cos ' + l.cosine.toFixed(3))));
        labels.append(el('div', { class: 'bar' + (r.unknown ? ' dim' : ''), style: `width:${Math.max(2, 100 * l.probability)}%` }));
      }
      Object.assign(card.dataset, { first: r.firstSequence, last: r.lastSequence, start: Date.parse(r.windowStart) || '', top: r.top.length ? r.top[0].label : '' });
      card.querySelector('.meta').textContent = `model ${r.modelVersion} · vocab v${r.vocabularyVersion} · ${r.latencyMs.toFixed(0)} ms · frames ${r.firstSequence}–${r.lastSequence} · ${s.recognitions} recognitions`;
    } else {
      card.querySelector('.meta').textContent = `frame ${s.frameSequence} · no recognition yet`;
    }
  }
  for (const card of [...root.children]) if (!seen.has(card.dataset.stream)) card.remove();
}

function drawVocabulary(vocab) {
  $('vocab-count').textContent = `(${vocab.length})`;
  $('vocab-options').replaceChildren(...vocab.map((v) => el('option', { value: v.label })));
  const ul = $('vocabulary');
  ul.replaceChildren(...vocab.map((v) => el('li', { 'data-label': v.label }, el('span', {}, v.label + (v.enabled ? '' : ' (disabled)')),
    el('button', { onclick: () => removeLabel(v.label), title: 'remove ' + v.label }, 'remove'))));
}

function drawRules(rules) {
  $('rules-count').textContent = `(${rules.length})`;
  $('rules').replaceChildren(...rules.map((r) => el('li', { 'data-rule': r.name },
    el('span', {}, `${r.name}: “${r.label}” ≥ ${pct(r.minProbability)}${r.minScore === null || r.minScore === undefined ? '' : ' · score ≥ ' + r.minScore.toFixed(2)} for ${r.minWindows} window(s) on ${r.streams.length ? r.streams.join(', ') : 'every stream'}`
      + (r.cooldownMs ? ` · cooldown ${r.cooldownMs / 1000} s` : '') + (r.webhooks ? ` · ${r.webhooks} webhook(s)` : '') + (r.clipWebhook ? ' · clip webhook' : '') + (r.enabled ? '' : ' (disabled)')),
    el('button', { onclick: () => removeRule(r.name), title: 'remove rule ' + r.name }, 'remove'))));
}

function drawEvents(events) {
  $('events-count').textContent = `(${events.length})`;
  $('events').replaceChildren(...events.slice(-20).reverse().map((e) => el('li', { class: 'event ' + e.state.toLowerCase(), 'data-event': e.eventId, 'data-state': e.state },
    e.hasSnapshot ? el('img', { alt: 'snapshot of ' + e.eventId, src: withToken(`/api/event-frame?id=${encodeURIComponent(e.eventId)}`) }) : el('span', { class: 'nosnap' }, '—'),
    el('span', {}, `${e.state} ${e.streamId}: “${e.label}” (rule ${e.rule}) · frames ${e.firstSequence}–${e.lastSequence} · ${e.windows} window(s) · peak ${pct(e.peakProbability)}`
      + (e.closeReason ? ` · ${e.closeReason}` : '')),
    el('button', { class: 'confirm', title: `the event is right: its first window shows “${e.label}”`, onclick: () => feedbackOnEvent(e, 'confirm', e.label) }, 'confirm'),
    el('button', { class: 'correct', title: 'its first window shows the label typed above the events', onclick: () => feedbackOnEvent(e, 'correct', $('event-correct-label').value) }, 'correct'),
    el('button', { class: 'nothing', title: 'a false alarm: nothing of the vocabulary happens in its first window', onclick: () => feedbackOnEvent(e, 'nothing', e.label) }, 'nothing happened'))));
}

// The clips of the clip store, newest first: thumbnail, play (the MP4 comes in range requests,
// the token in its address), keep or release, delete, and confirm or correct like an event. The
// list is redrawn only when it changed, so that a playing video goes on.
let clipsShown = '';
async function refreshClips() {
  const q = new URLSearchParams();
  for (const [k, id] of [['stream', 'clip-stream'], ['label', 'clip-label'], ['rule', 'clip-rule']]) if ($(id).value.trim()) q.set(k, $(id).value.trim());
  for (const [k, id] of [['from', 'clip-from'], ['to', 'clip-to']]) if ($(id).value) q.set(k, new Date($(id).value).toISOString());
  const res = await api('/api/clips?' + q);
  if (res.status === 404) { $('clips-count').textContent = '(no clip store)'; return; }
  const body = await res.json();
  if (!res.ok) { $('clip-message').textContent = body.error; return; }
  const key = JSON.stringify(body.clips.map((c) => [c.eventId, c.keep, c.sha256]));
  $('clips-count').textContent = `(${body.clips.length} of ${body.total})`;
  if (key === clipsShown) return;
  clipsShown = key;
  $('clips').replaceChildren(...body.clips.map(drawClip));
}

function drawClip(c) {
  const id = encodeURIComponent(c.eventId);
  const li = el('li', { class: 'clip' + (c.keep ? ' kept' : ''), 'data-event': c.eventId, 'data-keep': String(c.keep) });
  const thumb = el('img', { class: 'thumb', alt: 'thumbnail of ' + c.eventId, src: withToken(`/api/clip-thumbnail?id=${id}`) });
  const play = () => {
    const v = el('video', { controls: '', muted: '', playsinline: '', preload: 'auto', src: withToken(`/api/clip-video?id=${id}`) });
    v.muted = true;
    thumb.replaceWith(v);
    li.querySelector('button.play').remove();
    v.play().catch((e) => { $('clip-message').textContent = 'the clip did not play: ' + e; });
  };
  // the event id is rule/stream/first sequence of its first window
  const event = { streamId: c.streamId, label: c.label, startedAt: c.startedAt, firstSequence: Number(c.eventId.slice(c.eventId.lastIndexOf('/') + 1)) };
  li.append(thumb,
    el('span', { class: 'meta' }, `${new Date(c.startedAt).toLocaleString()} ${c.streamId}: “${c.label}” (rule ${c.rule}) · ${(c.durationMillis / 1000).toFixed(1)} s · ${c.frames} frames ${c.width}×${c.height}`
      + (c.cut ? ' · cut' : '') + (c.keep ? ' · kept' : '')),
    el('button', { class: 'play', onclick: play }, 'play'),
    el('button', { class: 'keep', title: c.keep ? 'let retention delete it when it is old or over the budget' : 'retention never deletes a kept clip', onclick: () => keepClip(c.eventId, !c.keep) }, c.keep ? 'release' : 'keep'),
    el('button', { class: 'delete', onclick: () => deleteClip(c.eventId) }, 'delete'),
    el('button', { class: 'confirm', title: `the event is right: its first window shows “${c.label}”`, onclick: () => feedbackOnEvent(event, 'confirm', c.label) }, 'confirm'),
    el('button', { class: 'correct', title: 'its first window shows the label typed above the events', onclick: () => feedbackOnEvent(event, 'correct', $('event-correct-label').value) }, 'correct'));
  return li;
}

async function keepClip(eventId, keep) {
  const res = await api('/api/clip-keep', { method: 'POST', body: JSON.stringify({ id: eventId, keep }) });
  const body = await res.json();
  $('clip-message').textContent = res.ok ? `${keep ? 'kept' : 'released'} ${eventId}` : body.error;
  refreshClips();
}

async function deleteClip(eventId) {
  const res = await api('/api/clips?id=' + encodeURIComponent(eventId), { method: 'DELETE' });
  const body = await res.json();
  $('clip-message').textContent = res.ok ? `deleted the clip of ${eventId}` : body.error;
  refreshClips();
}

$('clip-filters').addEventListener('submit', (ev) => { ev.preventDefault(); clipsShown = ''; refreshClips(); });

// the frames of a stream's windows, from its latest recognition (8 until one is seen)
const windowFrames = (streamId) => {
  const card = $('streams').querySelector(`[data-stream="${CSS.escape(streamId)}"]`);
  return card && card.dataset.first ? Number(card.dataset.last) - Number(card.dataset.first) + 1 : 8;
};

async function sendFeedback(body) {
  const res = await api('/api/feedback', { method: 'POST', body: JSON.stringify(body) });
  const answer = await res.json();
  $('feedback-message').textContent = res.ok
    ? `${body.verdict} sent: the labeler makes clip ${answer.clipId}` + (body.addToVocabulary ? ` and adds “${body.label}” if it is new` : '')
    : answer.error;
  refresh();
}

function feedbackOnCard(card, verdict) {
  if (!card.dataset.first) { $('feedback-message').textContent = `${card.dataset.stream} has no recognition yet`; return; }
  // "nothing happened" names the label that was recognized (the false alarm)
  const label = verdict === 'correct' ? card.querySelector('.correct-label').value.trim() : card.dataset.top;
  if (!label) { $('feedback-message').textContent = 'type the right label beside “correct” first'; return; }
  sendFeedback({ stream: card.dataset.stream, firstSequence: Number(card.dataset.first), lastSequence: Number(card.dataset.last), label, verdict,
    ...(card.dataset.start ? { firstCaptureTime: Number(card.dataset.start) } : {}),
    addToVocabulary: verdict === 'correct' && card.querySelector('.add-vocab').checked });
}

// an event's feedback names its first window
function feedbackOnEvent(e, verdict, label) {
  label = (label || '').trim();
  if (!label) { $('feedback-message').textContent = 'type the right label above the events first'; return; }
  sendFeedback({ stream: e.streamId, firstSequence: e.firstSequence, lastSequence: e.firstSequence + windowFrames(e.streamId) - 1, label, verdict,
    firstCaptureTime: Date.parse(e.startedAt),
    addToVocabulary: verdict === 'correct' && $('event-correct-add').checked });
}

function drawFeedback(feedback) {
  $('feedback-count').textContent = `(${feedback.length})`;
  $('feedback').replaceChildren(...feedback.slice(-12).reverse().map((f) => el('li', { 'data-clip': f.clipId, 'data-state': f.state, 'data-verdict': f.verdict },
    el('span', {}, `${f.verdict} ${f.streamId} ${f.firstSequence}–${f.lastSequence} as “${f.label}” (${f.sender || 'unknown'}): ${f.state}` + (f.why ? ` · ${f.why}` : '')))));
}

function chart(svg, series, color, label) {
  svg.replaceChildren();
  const W = svg.width.baseVal.value, H = svg.height.baseVal.value, pad = 24;
  const ns = 'http://www.w3.org/2000/svg';
  const text = (x, y, t) => { const e = document.createElementNS(ns, 'text'); e.setAttribute('x', x); e.setAttribute('y', y); e.setAttribute('fill', '#8a96a3'); e.setAttribute('font-size', '10'); e.textContent = t; svg.append(e); };
  text(4, 12, label);
  if (series.length < 1) { text(pad, H / 2, 'no data yet'); return; }
  const xs = series.map((p) => p[0]), ys = series.map((p) => p[1]);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  const sx = (x) => pad + (x1 === x0 ? 0.5 : (x - x0) / (x1 - x0)) * (W - 2 * pad);
  const sy = (y) => H - pad + (y1 === y0 ? -0.5 * (H - 2 * pad) : -((y - y0) / (y1 - y0)) * (H - 2 * pad));
  const path = document.createElementNS(ns, 'polyline');
  path.setAttribute('points', series.map((p) => `${sx(p[0])},${sy(p[1])}`).join(' '));
  path.setAttribute('fill', 'none'); path.setAttribute('stroke', color); path.setAttribute('stroke-width', '1.5');
  svg.append(path);
  for (const p of series) { const c = document.createElementNS(ns, 'circle'); c.setAttribute('cx', sx(p[0])); c.setAttribute('cy', sy(p[1])); c.setAttribute('r', 2); c.setAttribute('fill', color); svg.append(c); }
  text(pad, H - 6, `${x0} … ${x1}`); text(W - 90, 12, `${y0.toFixed(3)} … ${y1.toFixed(3)}`);
}

// the accuracies of a checkpoint, its GWA ones where it has them (the rest is in /api/state)
const keyMetrics = (m) => Object.entries(m).filter(([k]) => /top1$|hm$/.test(k) && !(k.startsWith('eval.') && !k.startsWith('eval.gwa.') && ('eval.gwa.' + k.slice(5)) in m));

function drawModel(state) {
  $('serving-version').textContent = state.servingVersion || '—';
  $('swaps').replaceChildren(...state.swaps.slice(-5).map((s) => el('li', { class: 'swap' }, `${s.fromVersion} → ${s.toVersion}`, el('span', {}, new Date(s.at).toLocaleTimeString()))));
  const tbody = document.querySelector('#checkpoints tbody');
  tbody.replaceChildren(...state.checkpoints.slice(-6).reverse().map((c) => el('tr', {}, el('td', {}, c.version), el('td', {}, c.method), el('td', {}, c.updates),
    el('td', {}, keyMetrics(c.metrics).map(([k, v]) => `${k}=${Number(v).toFixed(3)}`).join(' ')))));
  chart($('loss-chart'), state.trainer.map((p) => [p.updates, p.loss]), '#3d7bff', 'training loss');
  const evalSeries = state.checkpoints.filter((c) => c.metrics['eval.top1'] !== undefined || c.metrics['eval.gwa.top1'] !== undefined)
    .map((c) => [c.updates, c.metrics['eval.gwa.top1'] ?? c.metrics['eval.top1']]);
  chart($('eval-chart'), evalSeries, '#4caf50', 'evaluation top-1 of published checkpoints');
}

// the model history of the checkpoints topic (as openmede model list shows it): each version with its
// gate's figures and operator decisions; Promote / Roll back / Unpin when the page has an operator key
const fig = (x) => (x === null || x === undefined ? '?' : Number(x).toFixed(3));
function drawModelHistory(state) {
  const op = state.operator || { enabled: false };
  $('operator-message').textContent = op.enabled ? '' : (op.message || '');
  const lines = state.models || [];
  $('models-serving').textContent = lines.map((h) => `${h.model}: serves ${h.serving || 'its initial weights'}${h.pinned ? ' (pinned)' : ''}`).join(' · ');
  const button = (label, action, h, v) => {
    const b = el('button', { class: 'model-' + action, 'data-action': action, onclick: () => decide(action, h.model, v.version) }, label);
    if (!op.enabled) { b.disabled = true; b.title = op.message || ''; }
    return b;
  };
  const rows = [];
  for (const h of lines) {
    for (const v of h.versions.slice(-20).reverse()) {
      const g = v.gate;
      const sets = g ? g.sets.map((s) => `${s.set} ${fig(s.candidate)} vs ${fig(s.serving)}` + (s.videos != null ? ` n=${s.videos}` : '') + (s.pWorse != null ? ` p=${fig(s.pWorse)}` : '')).join('; ') : '—';
      const status = v.status === 'HELD_BACK' ? 'held-back' : v.status === 'PROMOTED' ? 'promoted' : 'promoted (no gate)';
      const buttons = [];
      if (!v.serving) buttons.push(button('Promote', 'promote', h, v));
      if (!(v.serving && h.pinned)) buttons.push(button('Roll back', 'rollback', h, v));
      if (v.serving && h.pinned) buttons.push(button('Unpin', 'unpin', h, v));
      rows.push(el('tr', { 'data-version': v.version, 'data-status': status, 'data-serving': String(v.serving), 'data-pinned': String(v.serving && h.pinned), class: v.serving ? 'serving' : '' },
        el('td', {}, v.serving ? (h.pinned ? '● pinned' : '●') : ''),
        el('td', {}, v.version), el('td', {}, v.parent || '—'), el('td', {}, v.method || '—'), el('td', {}, v.updates ?? '—'),
        el('td', { class: 'status ' + status }, status),
        el('td', { title: g ? `${g.reason || ''} (vs ${g.servingVersion || 'initial'})` : '' }, sets + (g ? ` (vs ${g.servingVersion || 'initial'})` : '') + (v.status === 'HELD_BACK' && g && g.reason ? ` · ${g.reason}` : '')),
        el('td', {}, v.operator.map((d) => `${d.action} by ${d.keyId} at ${new Date(d.decidedAt).toLocaleTimeString()}`).join('; ') || '—'),
        el('td', { class: 'actions' }, ...buttons)));
    }
  }
  document.querySelector('#model-history tbody').replaceChildren(...rows);
}

async function decide(action, model, version) {
  const res = await api('/api/model', { method: 'POST', body: JSON.stringify({ action, model, version }) });
  const body = await res.json();
  $('model-message').textContent = res.ok
    ? `${body.action} ${body.version} announced, signed by operator key ${body.keyId}: recognizers that trust it apply it`
    : body.error;
  refresh();
}

function drawDeadLetters(state) {
  const counts = Object.entries(state.deadLetterCounts);
  $('dead-total').textContent = `(${counts.reduce((a, [, n]) => a + n, 0)})`;
  $('dead-counts').replaceChildren(...counts.map(([k, n]) => el('li', {}, el('span', {}, k), el('b', {}, n))));
  $('dead-recent').replaceChildren(...state.deadLetters.slice(-8).reverse().map((d) => el('li', {}, `${d.service}: ${d.error}`)));
}

async function refresh() {
  try {
    const res = await api('/api/state');
    const state = await res.json();
    if (!res.ok) throw new Error(state.error || res.status);
    drawStreams(state.streams);
    drawVocabulary(state.vocabulary);
    drawModel(state);
    drawDeadLetters(state);
    drawRules(state.rules);
    drawEvents(state.events);
    drawFeedback(state.feedback);
    drawModelHistory(state); // last: whatever the topic holds, the rest of the page is drawn
    $('status').textContent = `updated ${new Date().toLocaleTimeString()}` + (state.unreadableRecords ? ` · ${state.unreadableRecords} unreadable records` : '');
  } catch (e) {
    $('status').textContent = 'disconnected: ' + e;
  }
}

async function removeLabel(label) {
  const res = await api('/api/vocabulary?label=' + encodeURIComponent(label), { method: 'DELETE' });
  const body = await res.json();
  $('vocab-message').textContent = res.ok ? `removed “${label}”` : body.error;
  refresh();
}

$('vocab-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const label = $('vocab-label').value.trim();
  const res = await api('/api/vocabulary', { method: 'POST', body: JSON.stringify({ label, prompts: [] }) });
  const body = await res.json();
  $('vocab-message').textContent = res.ok ? `added “${body.added}”: it is used from the next window` : body.error;
  if (res.ok) $('vocab-label').value = '';
  refresh();
});

async function removeRule(name) {
  const res = await api('/api/rules?name=' + encodeURIComponent(name), { method: 'DELETE' });
  const body = await res.json();
  $('rule-message').textContent = res.ok ? `removed rule ${name}` : body.error;
  refresh();
}

$('rule-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const streams = $('rule-streams').value.split(',').map((x) => x.trim()).filter((x) => x);
  const rule = { name: $('rule-name').value.trim(), label: $('rule-label').value.trim(), minProbability: Number($('rule-probability').value),
    minWindows: Number($('rule-windows').value), streams, cooldownMs: 0,
    ...($('rule-score').value.trim() ? { minScore: Number($('rule-score').value) } : {}),
    webhooks: $('rule-webhook').value.trim() ? [$('rule-webhook').value.trim()] : [], clipWebhook: $('rule-clip-webhook').checked };
  const res = await api('/api/rules', { method: 'POST', body: JSON.stringify(rule) });
  const body = await res.json();
  $('rule-message').textContent = res.ok ? `rule ${body.added}: events from the next recognition` : body.error;
  if (res.ok) { $('rule-name').value = ''; $('rule-label').value = ''; $('rule-webhook').value = ''; $('rule-clip-webhook').checked = false; }
  refresh();
});

refresh();
setInterval(refresh, 1000);
refreshClips().catch(() => {});
setInterval(() => refreshClips().catch(() => {}), 3000);
