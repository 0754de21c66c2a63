/**
 * The invitations list of `tandem invite` (before a technician connects):
 * one row per invitation of this computer with its expiry (local time and
 * time left by the agent's clock), relays, where it is held, wrong
 * passwords, and an "Expire now" button while it is live.
 */
import type { PageContext } from './page-context.js';
import { leftText, localTime } from './time-text.js';
import type { InvitationRow } from './wire.js';

const isLive = (row: InvitationRow): boolean => row.state === 'open' || row.state === 'held';

function expiryText(ctx: PageContext, row: InvitationRow): string {
  const { tr, state } = ctx;
  const left = row.expiresAt - state.agentNow();
  const when = localTime(row.expiresAt, tr.language);
  return isLive(row) && left > 0 ? `${when} (${tr.t('invitations.left', { time: leftText(left, tr.language) })})` : when;
}

/** "Expires" while live; "Expired" once its time has passed; else (used or expired early) the time it would have expired. */
function expiryLabel(ctx: PageContext, row: InvitationRow): string {
  if (isLive(row)) return 'invitations.expires';
  return row.expiresAt <= ctx.state.agentNow() ? 'invitations.expired' : 'invitations.plannedExpiry';
}

function holderText(ctx: PageContext, row: InvitationRow): string {
  const { tr } = ctx;
  if (row.state === 'held' && row.holder !== undefined) return tr.t('invitations.heldOn', { relay: row.holder.relay ?? '', pid: row.holder.pid });
  if (!isLive(row)) return tr.t('invitations.finished');
  return row.holder !== undefined ? tr.t('invitations.connecting', { pid: row.holder.pid }) : tr.t('invitations.notHeld');
}

function fact(list: HTMLDListElement, label: string, value: string, field: string): void {
  const dt = document.createElement('dt');
  dt.textContent = label;
  const dd = document.createElement('dd');
  dd.textContent = value;
  dd.dataset.field = field;
  list.append(dt, dd);
}

function rowElement(ctx: PageContext, row: InvitationRow): HTMLLIElement {
  const { tr, actions } = ctx;
  const li = document.createElement('li');
  li.dataset.invitationId = row.id;
  li.dataset.state = row.state;
  const head = document.createElement('div');
  head.className = 'head';
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = row.customerName;
  const id = document.createElement('code');
  id.textContent = row.id;
  head.append(name, id);
  const badges = [tr.t(`invitations.states.${row.state}`) + (row.reason !== undefined ? ` · ${tr.t(`invitations.reasons.${row.reason}`)}` : '')];
  if (row.current) badges.push(tr.t('invitations.thisOne'));
  if (row.passwordProtected) badges.push(tr.t('invitations.password'));
  for (const text of badges) {
    const badge = document.createElement('span');
    badge.className = 'badge';
    badge.textContent = text;
    head.append(badge);
  }
  const facts = document.createElement('dl');
  facts.className = 'facts';
  fact(facts, tr.t(expiryLabel(ctx, row)), expiryText(ctx, row), 'expires');
  fact(facts, tr.t('invitations.relays'), row.relays.join(', '), 'relays');
  fact(facts, tr.t('invitations.holder'), holderText(ctx, row), 'holder');
  fact(facts, tr.t('invitations.wrong'), tr.t('invitations.wrongCount', { count: row.wrongAttempts, max: row.maxWrong }), 'wrong');
  li.append(head, facts);
  if (isLive(row)) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'button danger small';
    button.dataset.testid = 'expire-invitation';
    button.textContent = tr.t('invitations.expire');
    button.addEventListener('click', () => {
      button.disabled = true;
      actions.send('expire-invitation', { id: row.id });
    });
    li.append(button);
  }
  return li;
}

/** Shows the list while the page is the invitations page; hides it once a session shows. */
export function renderInvitations(ctx: PageContext): void {
  const { ui, state } = ctx;
  const show = state.screen === 'invitations';
  ui.invitationsSection.hidden = !show;
  if (!show) return;
  ui.noInvitations.hidden = state.rows.length > 0;
  ui.invitationList.replaceChildren(...state.rows.map((row) => rowElement(ctx, row)));
}

/** Once a second: the time left in each row (nothing else changes between events). */
export function tickInvitations(ctx: PageContext): void {
  const { ui, state } = ctx;
  if (state.screen !== 'invitations') return;
  for (const row of state.rows) {
    const el = ui.invitationList.querySelector(`[data-invitation-id="${CSS.escape(row.id)}"] [data-field="expires"]`);
    if (el !== null) el.textContent = expiryText(ctx, row);
  }
}
