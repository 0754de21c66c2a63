/**
 * `tandem invitations` and `tandem expire ID | --all`: the customer's view of
 * the invitations made on this computer, from their records
 * (invitation-store.ts). Expiring marks the record; a running
 * `tandem invite` holding it notices within a second and releases the
 * ticket, so every copy of the invitation then fails.
 */
import { clockFromEnv, localIsoTime, type CommandContext } from '@tandem/node-client';
import type { ExpireArgs } from '../command-line/invite-args.js';
import { InvitationStore, expireInvitation, holderAlive, recordExpiresAt, recordStatus, type InvitationRecord } from '../invitations/invitation-store.js';

/** The status column: open (held or not), expired (why), lapsed, used. */
function statusText(rec: InvitationRecord, now: number): string {
  const status = recordStatus(rec, now);
  if (status === 'open') {
    if (!holderAlive(rec.holderPid)) return 'open (not held: no tandem invite runs for it)';
    return rec.heldOn !== undefined ? `open (held by tandem invite, pid ${rec.holderPid}, on ${rec.heldOn})` : `open (held by tandem invite, pid ${rec.holderPid}, connecting)`;
  }
  if (status === 'expired') return rec.expiredReason === 'too-many-wrong-passwords' ? `expired (${rec.wrongAttempts} wrong passwords)` : 'expired (by you)';
  return status;
}

/** `tandem invitations`: one line per invitation, oldest first. */
export function runInvitations(ctx: CommandContext): number {
  const out = ctx.out;
  const now = clockFromEnv(ctx.env)();
  const store = InvitationStore.fromEnv(ctx.env);
  const records = store.list((err) => out.error(err));
  if (records.length === 0) {
    out.say(`No invitations on this computer (${store.dir}).`);
    return 0;
  }
  for (const rec of records) {
    const relays = rec.relays.map((r) => r.url).join(',');
    out.line(`${rec.id}  ${rec.customerName}  expires ${localIsoTime(recordExpiresAt(rec))}  relays ${relays}  ${statusText(rec, now)}`);
  }
  return 0;
}

/** `tandem expire ID | --all`: marks the records expired at once. */
export function runExpire(args: ExpireArgs, ctx: CommandContext): number {
  const out = ctx.out;
  const now = clockFromEnv(ctx.env)();
  const store = InvitationStore.fromEnv(ctx.env);
  const targets = args.target === 'all' ? store.list((err) => out.error(err)).filter((r) => recordStatus(r, now) === 'open' || recordStatus(r, now) === 'lapsed') : [store.load(args.target)];
  if (targets.length === 0) {
    out.say('No open invitations to expire.');
    return 0;
  }
  for (const rec of targets) {
    if (expireInvitation(store, rec.id) === 'used') {
      out.say(`Invitation ${rec.id} was already used; nothing to expire.`);
      continue;
    }
    out.line(`expired: ${rec.id}`);
  }
  return 0;
}
