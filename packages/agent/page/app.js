// The consent page: shows who asks for what, takes the customer's answer,
// then the mode, step-up prompts, chat and the end button. State arrives as
// Server-Sent Events from the agent; actions are POSTed as JSON. No
// framework: the page is small and must load from the agent alone.
// Served by `tandem invite`, it first shows the open invitations (events
// `invitation` and `invitations`) until a technician passes the handshake.
import { browserLanguage, initI18n, LANGUAGES } from './i18n.js';

const MODES = ['chat', 'view', 'control'];
const $ = (selector) => document.querySelector(selector);
const byTestId = (id) => $(`[data-testid="${id}"]`);

let i18n;
let view = { status: 'connecting', defaults: { name: '', customerNumber: '', caseNumber: '', eventLog: false } };
let chat = [];
let formFilled = false;
let events;
// `tandem invite` only: this invitation's phase, the rows, and the agent's clock minus the browser's.
let self = null;
let rows = [];
let clockOffset = 0;
let sessionSeen = false;

const t = (key, params) => i18n.t(key, params);

function translateStatic() {
  document.documentElement.lang = i18n.language;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const lng of LANGUAGES) byTestId(`lang-${lng}`).setAttribute('aria-pressed', String(i18n.language === lng));
  document.title = t('title');
}

function systemText(entry) {
  const params = { ...(entry.params ?? {}) };
  if (params.mode) params.mode = t(`modes.${params.mode}`);
  if (params.pending) params.pending = t(`modes.${params.pending}`);
  if (params.reason) params.reason = t(`reasons.${params.reason}`);
  return t(entry.key, params);
}

function renderChat() {
  const log = byTestId('chat-log');
  log.replaceChildren(...chat.map((entry) => {
    const li = document.createElement('li');
    li.dataset.from = entry.from;
    li.textContent = entry.from === 'system' ? systemText(entry) : entry.text;
    return li;
  }));
  log.scrollTop = log.scrollHeight;
}

function renderStatus() {
  const status = byTestId('status');
  if (self && !sessionSeen) {
    status.dataset.state = `invitation-${self.phase}`;
    status.textContent = t(`invitations.status.${self.phase}`, { id: self.id, relay: self.relay ?? '' });
    return;
  }
  status.dataset.state = view.status;
  const params = {};
  if (view.status === 'ended') params.reason = t(`reasons.${view.endReason}`);
  if (view.status === 'failed') Object.assign(params, view.error ?? {});
  status.textContent = t(`status.${view.status}`, params);
}

function renderWho() {
  const tech = view.technician;
  $('#who').hidden = !tech;
  if (!tech) return;
  const parts = [tech.displayName || tech.username];
  if (tech.team) parts.push(t('who.team', { team: tech.team }));
  parts.push(t('who.user', { user: tech.username }));
  byTestId('technician').textContent = parts.join(' · ');
  byTestId('requested-mode').textContent = view.requestedMode ? t(`modes.${view.requestedMode}`) : '…';
  byTestId('sas').textContent = view.sas ?? '';
}

/** A lifetime in words in the page's language (English comes with the text from the agent). */
function durationText(params) {
  if (i18n.language !== 'ja') return params.duration;
  const units = [[86400, '日'], [3600, '時間'], [60, '分'], [1, '秒']];
  let rest = Number(params.seconds);
  const parts = [];
  for (const [size, name] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${name}`);
    rest -= n * size;
  }
  return parts.join('');
}

function renderPolicy() {
  const list = view.policy ?? [];
  $('#policy').hidden = list.length === 0;
  byTestId('policy-list').replaceChildren(...list.map((r) => {
    const li = document.createElement('li');
    li.dataset.key = r.key;
    const params = { ...r.params };
    if (r.key === 'policy.maxInvitationLifetime') params.duration = durationText(r.params);
    li.textContent = t(r.key, params);
    return li;
  }));
}

function renderConsent() {
  const show = view.status === 'consent' && Boolean(view.requestedMode);
  $('#consent').hidden = !show;
  if (!show) return;
  if (!formFilled) {
    formFilled = true;
    $('#customer-name').value = view.defaults.name;
    $('#customer-number').value = view.defaults.customerNumber;
    $('#case-number').value = view.defaults.caseNumber;
    $('#event-log').checked = Boolean(view.defaults.eventLog);
  }
  const select = $('#grant-mode');
  const chosen = select.value || view.requestedMode;
  // The local policy may cap what can be granted (docs/policy.md): never offer more.
  const most = view.maxMode ?? view.requestedMode;
  const allowed = MODES.slice(0, MODES.indexOf(most) + 1);
  select.replaceChildren(...allowed.map((mode) => {
    const option = document.createElement('option');
    option.value = mode;
    option.textContent = t(`modes.${mode}`);
    return option;
  }));
  select.value = allowed.includes(chosen) ? chosen : most;
}

function renderSession() {
  const show = view.status === 'active' || (view.mode !== undefined && (view.status === 'ended' || view.status === 'failed'));
  $('#session').hidden = !show;
  const active = view.status === 'active';
  const mode = byTestId('mode');
  mode.dataset.mode = view.mode ?? '';
  mode.textContent = view.mode ? t(`modes.${view.mode}`) : '';
  const stop = byTestId('stop-control');
  stop.hidden = !active || !view.mode || view.mode === 'chat';
  stop.textContent = view.mode === 'control' ? t('session.stopControl') : t('session.stopViewing');
  const request = byTestId('mode-request');
  request.hidden = !active || !view.pendingRequest;
  // The mode shown is the mode answered: Allow and Deny send it, and the agent refuses an answer for another.
  request.dataset.mode = view.pendingRequest ?? '';
  if (view.pendingRequest) $('#mode-request-text').textContent = t('session.request', { mode: t(`modeVerbs.${view.pendingRequest}`) });
  for (const id of ['chat-input', 'chat-send', 'end-session']) byTestId(id).disabled = !active;
}

/** Time left in words: "1 h 5 min", "4 min 10 s"; "1時間5分", "4分10秒". */
function leftText(ms) {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const ja = i18n.language === 'ja';
  const units = ja ? [[86400, '日'], [3600, '時間'], [60, '分'], [1, '秒']] : [[86400, ' d'], [3600, ' h'], [60, ' min'], [1, ' s']];
  const parts = [];
  let rest = seconds;
  for (const [size, name] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || (parts.length === 0 && size === 1)) parts.push(`${n}${name}`);
    // Two units are enough to read at a glance.
    if (parts.length === 2) break;
  }
  return parts.join(ja ? '' : ' ');
}

function localTime(ms) {
  return new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(ms));
}

function fact(list, label, value, attr) {
  const dt = document.createElement('dt');
  dt.textContent = label;
  const dd = document.createElement('dd');
  dd.textContent = value;
  if (attr) dd.dataset.field = attr;
  list.append(dt, dd);
  return dd;
}

function expiryText(row) {
  const left = row.expiresAt - (Date.now() + clockOffset);
  const live = row.state === 'open' || row.state === 'held';
  return live && left > 0 ? `${localTime(row.expiresAt)} (${t('invitations.left', { time: leftText(left) })})` : localTime(row.expiresAt);
}

function holderText(row) {
  if (row.state === 'held') return t('invitations.heldOn', { relay: row.holder.relay, pid: row.holder.pid });
  if (row.state !== 'open') return t('invitations.finished');
  return row.holder ? t('invitations.connecting', { pid: row.holder.pid }) : t('invitations.notHeld');
}

function renderInvitations() {
  const show = Boolean(self) && !sessionSeen;
  $('#invitations').hidden = !show;
  if (!show) return;
  const list = byTestId('invitations');
  byTestId('no-invitations').hidden = rows.length > 0;
  list.replaceChildren(...rows.map((row) => {
    const li = document.createElement('li');
    li.dataset.invitationId = row.id;
    li.dataset.state = row.state;
    const head = document.createElement('div');
    head.className = 'head';
    head.append(row.customerName);
    const id = document.createElement('code');
    id.textContent = row.id;
    head.append(id);
    const badges = [t(`invitations.states.${row.state}`) + (row.reason ? ` · ${t(`invitations.reasons.${row.reason}`)}` : '')];
    if (row.current) badges.push(t('invitations.thisOne'));
    if (row.passwordProtected) badges.push(t('invitations.password'));
    for (const text of badges) {
      const badge = document.createElement('span');
      badge.className = 'badge';
      badge.textContent = text;
      head.append(badge);
    }
    const facts = document.createElement('dl');
    facts.className = 'facts';
    const live = row.state === 'open' || row.state === 'held';
    fact(facts, t(live ? 'invitations.expires' : 'invitations.expired'), expiryText(row), 'expires');
    fact(facts, t('invitations.relays'), row.relays.join(', '), 'relays');
    fact(facts, t('invitations.holder'), holderText(row), 'holder');
    fact(facts, t('invitations.wrong'), t('invitations.wrongCount', { count: row.wrongAttempts, max: row.maxWrong }), 'wrong');
    li.append(head, facts);
    if (live) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'danger';
      button.dataset.testid = 'expire-invitation';
      button.textContent = t('invitations.expire');
      button.addEventListener('click', () => {
        button.disabled = true;
        void post('expire-invitation', { id: row.id });
      });
      li.append(button);
    }
    return li;
  }));
}

/** Once a second: the time left in each row (nothing else changes between events). */
function tick() {
  if (!self || sessionSeen) return;
  for (const row of rows) {
    const el = document.querySelector(`[data-invitation-id="${row.id}"] [data-field="expires"]`);
    if (el) el.textContent = expiryText(row);
  }
}

function render() {
  renderInvitations();
  renderStatus();
  renderWho();
  renderPolicy();
  renderConsent();
  renderSession();
  renderChat();
}

function showError(message) {
  const el = $('#action-error');
  el.hidden = !message;
  el.textContent = message ?? '';
}

async function post(action, body = {}) {
  showError('');
  try {
    const res = await fetch(`api/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) {
      const answer = await res.json().catch(() => ({ message: res.statusText }));
      showError(`${answer.message ?? res.statusText}${answer.code ? ` (${answer.code})` : ''}`);
    }
  } catch (err) {
    showError(String(err));
  }
}

function stepDownOne() {
  if (view.status !== 'active' || !view.mode || view.mode === 'chat') return;
  void post('step-down', { mode: MODES[MODES.indexOf(view.mode) - 1] });
}

function connect() {
  events = new EventSource('events');
  events.addEventListener('reset', () => {
    chat = [];
  });
  events.addEventListener('invitation', (e) => {
    self = JSON.parse(e.data);
    render();
    // The agent exits soon after; stop reconnecting to it.
    if (!sessionSeen && (self.phase === 'expired' || self.phase === 'stopped')) events.close();
  });
  events.addEventListener('invitations', (e) => {
    const data = JSON.parse(e.data);
    clockOffset = data.now - Date.now();
    rows = data.rows;
    renderInvitations();
  });
  events.addEventListener('state', (e) => {
    view = JSON.parse(e.data);
    sessionSeen = true;
    render();
    // The agent exits soon after the end; stop reconnecting to it.
    if (view.status === 'ended' || view.status === 'failed') events.close();
  });
  events.addEventListener('chat', (e) => {
    chat.push(JSON.parse(e.data));
    renderChat();
  });
}

function wire() {
  for (const lng of LANGUAGES) {
    byTestId(`lang-${lng}`).addEventListener('click', async () => {
      await i18n.changeLanguage(lng);
      translateStatic();
      render();
    });
  }
  $('#consent-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void post('accept', {
      name: $('#customer-name').value,
      customerNumber: $('#customer-number').value,
      caseNumber: $('#case-number').value,
      mode: $('#grant-mode').value,
      eventLog: $('#event-log').checked,
    });
  });
  byTestId('refuse').addEventListener('click', () => void post('refuse'));
  byTestId('stop-control').addEventListener('click', stepDownOne);
  const decide = (accepted) => void post('decide', { mode: byTestId('mode-request').dataset.mode, accepted });
  byTestId('allow-mode').addEventListener('click', () => decide(true));
  byTestId('deny-mode').addEventListener('click', () => decide(false));
  byTestId('end-session').addEventListener('click', () => void post('end'));
  $('#chat-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = byTestId('chat-input');
    const text = input.value;
    if (text.trim() === '') return;
    input.value = '';
    void post('chat', { text });
  });
  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey && e.altKey && (e.key === 's' || e.key === 'S')) {
      e.preventDefault();
      stepDownOne();
    }
  });
}

i18n = await initI18n(browserLanguage());
translateStatic();
wire();
render();
connect();
setInterval(tick, 1000);
