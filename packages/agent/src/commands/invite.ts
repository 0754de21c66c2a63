/**
 * `tandem invite`: the customer invites a technician (issue 4). Checks the
 * local policy, writes the invitation file and the record of it on this
 * computer, prints the file, the console link and the id, then stays in the
 * foreground holding the ticket (ticket-keeper.ts). Each technician's
 * attempt is decided here, with this computer's clock and record: expired,
 * withdrawn or refused too often → declined; otherwise a customer session
 * with the invitation's PAKE secret runs through the same consent flow as
 * `tandem join` (customer-run.ts). A wrong password is counted; at the
 * limit the invitation expires. One session per invitation: once the
 * handshake succeeded the ticket is released and the command exits when the
 * session ends. `tandem expire ID` (or Ctrl+C) is noticed within a second.
 * Without --no-browser the local page is served from the start
 * (invitation-page.ts): the open invitations, then this session's consent.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { userInfo } from 'node:os';
import {
  CustomerSession,
  TandemError,
  createInvitation,
  encodeInvitation,
  invitationLink,
  type InvitationAttempt,
  type InvitationHolder,
} from '@tandem/protocol';
import { openBrowser } from '../pages/browser-open.js';
import {
  allRelaysFailed,
  clockFromEnv,
  createRelaySocketFactory,
  LineInput,
  localIsoTime,
  nodeAeadProvider,
  readPasswordFile,
  writeDiagnosticReport,
  type CommandContext,
} from '@tandem/node-client';
import { EventLog } from '../system/event-log.js';
import type { InviteArgs } from '../command-line/invite-args.js';
import { InvitationStore, newRecord, recordExpiresAt, recordStatus, type InvitationRecord } from '../invitations/invitation-store.js';
import { osFullName } from '../system/os-user.js';
import { askHidden, checkInvitationPassword, nextLine } from '../terminal/password-input.js';
import { formatDuration, loadPolicyFromEnv } from '../policy/index.js';
import { TicketKeeper } from '../invitations/ticket-keeper.js';
import { runCustomerSession, type SharedPage } from './customer-run.js';
import { InvitationPage, type InvitationPhase } from '../pages/invitation-page.js';
import { FOREIGN_USER_MESSAGE, LAUNCH_REUSED_MESSAGE } from '../pages/consent-server.js';

/** How often the record is looked at for `tandem expire`, ms (the issue asks for within a second). */
const RECORD_POLL_MS = 250;
/** How long a lapsed invitation is still held so attempts get a clear decline, ms. */
const LAPSED_GRACE_MS = 10 * 60_000;
/** How long the page gets to show the final state before the agent exits, ms. */
const FINAL_STATE_GRACE_MS = 1500;

/** Runs `tandem invite`; resolves with the process exit code. */
export async function runInvite(args: InviteArgs, ctx: CommandContext): Promise<number> {
  const out = ctx.out;
  const clock = clockFromEnv(ctx.env);
  const policy = await loadPolicyFromEnv(ctx.env);
  policy.assertAllows('invitations');
  // Before any connection: every listed relay must be allowed.
  for (const relay of args.relays) policy.checkRelay(relay.url);
  const lifetimeSeconds = policy.capLifetime(args.lifetimeSeconds);
  if (lifetimeSeconds < args.lifetimeSeconds) out.say(`The local policy limits invitations to ${formatDuration(lifetimeSeconds)}: this one lasts ${formatDuration(lifetimeSeconds)}.`);

  let input: LineInput | undefined;
  const getInput = (): LineInput => (input ??= new LineInput(ctx.stdin));
  const password = await readInvitationPassword(args, ctx, getInput);

  let customerName = (args.name ?? osFullName()).trim();
  if (customerName === '') customerName = safeUserName();
  const inv = createInvitation({ customerName, relays: args.relays, lifetimeSeconds, passwordProtected: password !== undefined, now: clock() });
  const file = resolvePath(args.out ?? `${inv.id}.tandem`);
  writeFileSync(file, encodeInvitation(inv), { mode: 0o600 });
  chmodSync(file, 0o600);
  const store = InvitationStore.fromEnv(ctx.env);
  store.save(newRecord(inv, { ...(password !== undefined ? { password } : {}), maxWrong: args.maxWrong, file, holderPid: process.pid }));
  const firstRelay = inv.relays[0]?.url as string;
  out.line(`invitation: ${file}`);
  out.line(`link: ${invitationLink(inv, firstRelay)}`);
  out.line(`id: ${inv.id}`);
  out.say(`Send the file or the link to your technician${password !== undefined ? ', and tell them the password by another way (phone)' : ''}.`);
  out.say(`It expires ${localIsoTime(recordExpiresAt({ start: inv.start, lifetimeSeconds } as InvitationRecord))} (this computer decides). Expire it sooner with: tandem expire ${inv.id}`);
  const pakeSecret = password ?? (inv.secret as string);

  const eventLog = new EventLog({ warn: (message) => out.say(message) });
  if (args.eventLog) eventLog.enable();
  const shown = args.browser ? await startInvitationPage(store, inv.id, clock, ctx) : undefined;
  const page = shown?.page;

  return new Promise<number>((resolveExit) => {
    let finished = false;
    let joined = false;
    let current: CustomerSession | undefined;
    let stopCurrent: (() => void) | undefined;
    let lapsedShown = false;

    /** Notes in the record where the ticket is held now (for `tandem invitations` and the page). */
    const noteHeld = (relay: string | undefined): void => {
      try {
        store.update(inv.id, (r) => {
          if (relay === undefined) delete r.heldOn;
          else r.heldOn = relay;
        });
      } catch {
        // The record is gone (removed by hand): the poll below treats it as withdrawn.
      }
    };

    const finish = (code: number, phase?: InvitationPhase): void => {
      if (finished) return;
      finished = true;
      clearInterval(poll);
      keeper.stop();
      try {
        store.update(inv.id, (r) => {
          delete r.holderPid;
          delete r.heldOn;
        });
      } catch {
        // The record is gone (removed by hand): nothing to update.
      }
      input?.close();
      if (phase !== undefined) page?.setPhase(phase);
      else page?.refresh();
      void closePage(page)
        .then(() => eventLog.flush())
        .then(() => resolveExit(code));
    };

    const expireNow = (why: 'expired-by-customer' | 'too-many-wrong-passwords'): void => {
      try {
        store.update(inv.id, (r) => {
          r.expired = true;
          r.expiredReason ??= why;
        });
      } catch {
        // The record is gone: the invitation is unusable anyway.
      }
      eventLog.invitationExpired(inv.id, why);
    };

    /** Looks at the record: `tandem expire` elsewhere, or the lifetime over on this computer's clock. */
    const checkRecord = (): void => {
      if (finished || joined) return;
      let rec: InvitationRecord | undefined;
      try {
        rec = store.load(inv.id);
      } catch {
        // Removed or damaged: treat as withdrawn below.
        rec = undefined;
      }
      if (rec === undefined || rec.expired) {
        current?.fail(new TandemError('TANDEM_ERR_INVITATION_EXPIRED', 'The customer expired the invitation.'));
        out.event('invitation-expired');
        out.say(`Invitation ${inv.id} was expired: no longer holding it; every copy of it now fails.`);
        finish(0, 'expired');
        return;
      }
      const now = clock();
      const expiresAt = recordExpiresAt(rec);
      if (now >= expiresAt && !lapsedShown) {
        lapsedShown = true;
        out.event('invitation-lapsed');
        out.say(`Invitation ${inv.id} lapsed at ${localIsoTime(expiresAt)} (this computer's clock): attempts are declined from now on.`);
        page?.setPhase('lapsed');
      }
      if (now >= expiresAt + LAPSED_GRACE_MS && current === undefined) {
        eventLog.invitationExpired(inv.id, 'lapsed');
        finish(0, 'lapsed');
      }
    };

    const decline = (holder: InvitationHolder, attempt: InvitationAttempt, rec: InvitationRecord | undefined): void => {
      const status = rec === undefined ? 'expired' : recordStatus(rec, clock());
      const message =
        status === 'lapsed' && rec !== undefined
          ? `The invitation expired on the customer's computer at ${new Date(recordExpiresAt(rec)).toISOString()} (its clock decides).`
          : status === 'used'
            ? 'The invitation was already used: ask the customer for a new one.'
            : 'The customer expired the invitation, or it was refused too many times: ask the customer for a new one.';
      holder.decline(attempt.attemptId, 'TANDEM_ERR_INVITATION_EXPIRED', message);
      out.event('declined', status);
    };

    const onAttempt = (holder: InvitationHolder, attempt: InvitationAttempt): void => {
      if (finished) return;
      let rec: InvitationRecord | undefined;
      try {
        rec = store.load(inv.id);
      } catch {
        rec = undefined;
      }
      // The customer's clock and record decide, never the technician's.
      if (rec === undefined || recordStatus(rec, clock()) !== 'open' || current !== undefined) {
        if (current !== undefined) holder.decline(attempt.attemptId, 'TANDEM_ERR_CONFLICT', 'Another technician is connecting to this invitation right now.');
        else decline(holder, attempt, rec);
        if (rec === undefined || rec.expired) checkRecord();
        return;
      }
      out.event('attempt', attempt.technician.username);
      void runAttempt(holder, attempt, rec);
    };

    const runAttempt = async (holder: InvitationHolder, attempt: InvitationAttempt, rec: InvitationRecord): Promise<void> => {
      const relay = rec.relays.find((r) => r.url === holder.relay);
      const sockets = createRelaySocketFactory({ relayUrl: holder.relay, fingerprint: relay?.fingerprint });
      const session = new CustomerSession({
        relayUrl: holder.relay,
        invitation: { ticket: inv.ticket, secret: pakeSecret, attemptId: attempt.attemptId },
        aead: nodeAeadProvider(),
        connect: sockets.connect,
        now: clock,
      });
      current = session;
      const result = await runCustomerSession(
        {
          session,
          relayUrl: holder.relay,
          connectError: () => sockets.connectError(),
          screen: args,
          defaults: { name: inv.customerName, eventLog: args.eventLog, ...(attempt.caseNumber !== undefined ? { caseNumber: attempt.caseNumber } : {}) },
          // The page failed to start: the terminal asks instead.
          browser: shown !== undefined,
          ...(shown !== undefined ? { sharedPage: shown.shared } : {}),
          policy,
          eventLog,
          input: getInput,
          onStop: (end) => {
            stopCurrent = end;
          },
          onEvent: (event) => {
            if (event.type !== 'joined') return;
            // One session per invitation: used from the moment the handshake succeeded.
            joined = true;
            keeper.stop();
            store.update(inv.id, (r) => {
              r.used = true;
            });
          },
          quietFailure: (error) => error.code === 'TANDEM_ERR_WRONG_CODE',
        },
        ctx,
      ).catch((err: unknown) => ({ code: 1, joined, failure: err instanceof TandemError ? err : new TandemError('TANDEM_ERR_INTERNAL', String(err)) }));
      current = undefined;
      stopCurrent = undefined;
      if (result.joined || finished) {
        finish(result.code);
        return;
      }
      if (result.failure?.code === 'TANDEM_ERR_WRONG_CODE') {
        const updated = store.update(inv.id, (r) => {
          r.wrongAttempts += 1;
          if (r.wrongAttempts >= r.maxWrong) {
            r.expired = true;
            r.expiredReason ??= 'too-many-wrong-passwords';
          }
        });
        out.event('wrong-password', String(updated.wrongAttempts));
        out.say(`${attempt.technician.username} gave a wrong password (${updated.wrongAttempts} of ${updated.maxWrong}).`);
        eventLog.wrongInvitationPassword(inv.id, attempt.technician, updated.wrongAttempts, updated.maxWrong);
        if (updated.expired) {
          eventLog.invitationExpired(inv.id, 'too-many-wrong-passwords');
          out.event('invitation-expired');
          out.error(new TandemError('TANDEM_ERR_INVITATION_EXPIRED', `invitation ${inv.id} expired after ${updated.wrongAttempts} wrong passwords; make a new one`));
          finish(1, 'expired');
        }
        return;
      }
      out.say(`The attempt by ${attempt.technician.username} did not complete (${result.failure?.code ?? 'ended'}); still holding the invitation.`);
      checkRecord();
    };

    const keeper = new TicketKeeper({
      ticket: inv.ticket,
      relays: inv.relays,
      timeoutMs: args.relayTimeoutMs,
      onHolding: (relay) => {
        noteHeld(relay);
        page?.setPhase(lapsedShown ? 'lapsed' : 'holding', relay);
        out.event('holding', relay);
        out.say(`Waiting for the technician on ${relay}.`);
      },
      onDropped: (relay, error) => {
        noteHeld(undefined);
        if (!lapsedShown) page?.setPhase('connecting');
        out.say(`The connection to ${relay} dropped (${error.code} ${error.message}); trying the next relay.`);
      },
      onAttempt,
      onAllFailed: (failures, retryInMs) => {
        noteHeld(undefined);
        if (!lapsedShown) page?.setPhase('retrying');
        const error = allRelaysFailed(failures, `invitation ${inv.id}`);
        out.error(error);
        try {
          const report = writeDiagnosticReport({ env: ctx.env, now: clock(), what: `tandem invite: holding invitation ${inv.id}`, failures, timeoutMs: args.relayTimeoutMs });
          out.line(`report: ${report}`);
          out.say(`A report for your support contact is in ${report}.`);
        } catch (err) {
          out.say(`Could not write the diagnostic report (${(err as Error).message}).`);
        }
        out.say(`Trying again in ${Math.round(retryInMs / 1000)} s while the invitation is open (Ctrl+C stops and expires it).`);
      },
    });

    // Declared before anything can call finish(): every caller runs later, from I/O or timers.
    const poll = setInterval(checkRecord, RECORD_POLL_MS);
    ctx.onSignal(() => {
      if (stopCurrent !== undefined && joined) {
        stopCurrent();
        return;
      }
      // Stopping while waiting withdraws the invitation: nobody holds it any more.
      current?.fail(new TandemError('TANDEM_ERR_INVITATION_EXPIRED', 'The customer stopped the invitation.'));
      expireNow('expired-by-customer');
      out.say(`Stopped: invitation ${inv.id} is expired.`);
      finish(0, 'stopped');
    });
    keeper.start();
  });
}

/**
 * Serves the local page from the start and opens it ($BROWSER or xdg-open).
 * Undefined when it cannot be served: consent is then asked on the terminal.
 */
async function startInvitationPage(store: InvitationStore, id: string, clock: () => number, ctx: CommandContext): Promise<{ page: InvitationPage; shared: SharedPage } | undefined> {
  const out = ctx.out;
  let page: InvitationPage;
  try {
    page = await InvitationPage.start({ store, id, clock, onBadRecord: (error) => out.error(error), onLaunchReused: () => out.say(LAUNCH_REUSED_MESSAGE), onForeignUser: () => out.say(FOREIGN_USER_MESSAGE) });
  } catch (err) {
    out.say(`Could not start the local page (${String(err)}); answer on this terminal instead.`);
    return undefined;
  }
  out.line(`page: ${page.url}`);
  const opened = openBrowser(page.url, ctx.env.BROWSER).then((result) => {
    if (!result.ok) out.say(`Could not open a browser (${result.reason}); answer on this terminal instead, or open ${page.url}`);
    return result.ok;
  });
  return { page, shared: { show: (controller) => page.show(controller), opened } };
}

/** Gives a connected page time to show the final state, then closes it. */
async function closePage(page: InvitationPage | undefined): Promise<void> {
  if (page === undefined) return;
  if (page.connectedPages > 0) await new Promise((resolve) => setTimeout(resolve, FINAL_STATE_GRACE_MS));
  await page.close();
}

/** The OS user name, or a neutral word when there is none. */
function safeUserName(): string {
  try {
    return userInfo().username || 'Customer';
  } catch {
    // No passwd entry for this uid: a neutral name the customer can override with --name.
    return 'Customer';
  }
}

/** The password from the chosen source, or undefined for an invitation that carries its own secret. */
async function readInvitationPassword(args: InviteArgs, ctx: CommandContext, getInput: () => LineInput): Promise<string | undefined> {
  switch (args.password.kind) {
    case 'none':
      return undefined;
    case 'file':
      return checkInvitationPassword(await readPasswordFile(args.password.path), '--password-file');
    case 'stdin': {
      const line = await nextLine(getInput());
      if (line === undefined || line === '') throw new TandemError('TANDEM_ERR_BAD_INPUT', '--password-stdin: no password on the first line of stdin');
      return checkInvitationPassword(line, '--password-stdin');
    }
    case 'ask': {
      const stderr = process.stderr;
      const first = checkInvitationPassword(await askHidden('Password for the invitation: ', ctx.stdin, stderr), '--ask-password');
      const again = await askHidden('The same password again: ', ctx.stdin, stderr);
      if (again !== first) throw new TandemError('TANDEM_ERR_BAD_INPUT', '--ask-password: the two passwords differ');
      return first;
    }
  }
}
