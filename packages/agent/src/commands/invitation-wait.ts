/**
 * `tandem invite` once the invitation exists: holding its ticket on the
 * relays (ticket-keeper.ts), deciding each technician's attempt with this
 * computer's clock and record, running the one session an invitation gives,
 * and finishing. An explicit state machine:
 *
 *   holding ──attempt──▶ attempt ──joined──▶ session ──▶ finishing ──▶ done
 *      │  ◀──failed─────────┘  │
 *      └──lifetime over──▶ lapsed (attempts declined, held a while so
 *                          technicians get a clear answer) ──▶ finishing
 *
 * Every path out goes through {@link InvitationWait.#finish}. The record on
 * disk is the customer's word: `tandem expire` elsewhere, a record removed by
 * hand (withdrawn), or a record that can no longer be read or written (then
 * nothing can be decided: the invitation stops, fail closed, exit 1).
 */
import {
  CustomerSession,
  StateMachine,
  TandemError,
  toTandemError,
  type InvitationAttempt,
  type InvitationHolder,
  type Transitions,
} from '@tandem/protocol';
import {
  allRelaysFailed,
  createRelaySocketFactory,
  localIsoTime,
  nodeAeadProvider,
  writeDiagnosticReport,
  type Clock,
  type CommandContext,
  type LineInput,
} from '@tandem/node-client';
import type { InviteArgs } from '../command-line/invite-args.js';
import { reportFailure, type AgentRoutes } from './agent-proxy.js';
import { recordExpiresAt, recordStatus, type InvitationRecord, type InvitationStore } from '../invitations/invitation-store.js';
import { TicketKeeper } from '../invitations/ticket-keeper.js';
import type { InvitationPage, InvitationPhase } from '../pages/invitation-page.js';
import type { ConsentPolicy } from '../session/join-controller.js';
import type { EventLog } from '../system/event-log.js';
import { runCustomerSession, type SharedPage } from './customer-run.js';

/** States of a waiting `tandem invite`. */
export type InvitationWaitState = 'holding' | 'attempt' | 'session' | 'lapsed' | 'finishing' | 'done';

const TRANSITIONS: Transitions<InvitationWaitState> = {
  holding: ['attempt', 'lapsed', 'finishing'],
  attempt: ['holding', 'lapsed', 'session', 'finishing'],
  lapsed: ['finishing'],
  session: ['finishing'],
  finishing: ['done'],
  done: [],
};

/** How often the record is looked at for `tandem expire`, ms (the issue asks for within a second). */
const RECORD_POLL_MS = 250;
/** How long a lapsed invitation is still held so attempts get a clear decline, ms. */
const LAPSED_GRACE_MS = 10 * 60_000;
/** How long the page gets to show the final state before the agent exits, ms. */
const FINAL_STATE_GRACE_MS = 1500;

/** Everything the wait needs, made by `runInvite` before it starts. */
export interface InvitationWaitOptions {
  args: InviteArgs;
  ctx: CommandContext;
  store: InvitationStore;
  /** The invitation's id, ticket, customer name and relays, as written to the record. */
  record: InvitationRecord;
  /** The PAKE secret: the password, or the invitation's own secret. */
  secret: string;
  clock: Clock;
  policy: ConsentPolicy;
  eventLog: EventLog;
  /** The terminal input, made on first use (kept across attempts). */
  input: () => LineInput;
  /** The local page, when it runs. */
  page?: { page: InvitationPage; shared: SharedPage };
  /** The way to the relays (proxies) and its trace (agent-proxy.ts); without, directly. */
  routes?: AgentRoutes;
}

/** What this computer decides about one attempt: go on with the record, or decline (with the status for `event: declined`). */
type Decision =
  | { go: true; rec: InvitationRecord }
  | { go: false; code: 'TANDEM_ERR_INVITATION_EXPIRED' | 'TANDEM_ERR_CONFLICT'; message: string; status?: string };

/** One waiting `tandem invite`. */
export class InvitationWait {
  readonly #o: InvitationWaitOptions;
  readonly #machine = new StateMachine<InvitationWaitState>({ name: 'tandem invite', initial: 'holding', transitions: TRANSITIONS });
  readonly #keeper: TicketKeeper;
  readonly #exit: Promise<number>;
  #resolveExit: (code: number) => void = () => undefined;
  #poll: ReturnType<typeof setInterval> | undefined;
  /** The attempt's session while an attempt or the session runs. */
  #current: CustomerSession | undefined;
  /** Ends the running session on purpose (Ctrl+C once joined). */
  #endCurrent: (() => void) | undefined;

  constructor(options: InvitationWaitOptions) {
    this.#o = options;
    this.#exit = new Promise((resolve) => {
      this.#resolveExit = resolve;
    });
    const { record, args, ctx } = options;
    const out = ctx.out;
    this.#keeper = new TicketKeeper({
      ticket: record.ticket,
      relays: record.relays,
      timeoutMs: args.relayTimeoutMs,
      ...(options.routes !== undefined ? { routes: options.routes } : {}),
      onHolding: (relay) => {
        this.#noteHeld(relay);
        this.#phase(this.#machine.is('lapsed') ? 'lapsed' : 'holding', relay);
        out.event('holding', relay);
        out.say(`Waiting for the technician on ${relay}.`);
      },
      onDropped: (relay, error) => {
        this.#noteHeld(undefined);
        if (!this.#machine.is('lapsed')) this.#phase('connecting');
        out.say(`The connection to ${relay} dropped (${error.code} ${error.message}); trying the next relay.`);
      },
      onAttempt: (holder, attempt) => this.#onAttempt(holder, attempt),
      onAllFailed: (failures, retryInMs) => {
        this.#noteHeld(undefined);
        if (!this.#machine.is('lapsed')) this.#phase('retrying');
        out.error(allRelaysFailed(failures, `invitation ${record.id}`));
        if (options.routes !== undefined) {
          reportFailure(ctx, { what: `tandem invite: holding invitation ${record.id}`, failures, timeoutMs: args.relayTimeoutMs, routes: options.routes, now: options.clock() });
        } else {
          try {
            const report = writeDiagnosticReport({ env: ctx.env, now: options.clock(), what: `tandem invite: holding invitation ${record.id}`, failures, timeoutMs: args.relayTimeoutMs });
            out.line(`report: ${report}`);
            out.say(`A report for your support contact is in ${report}.`);
          } catch (err) {
            out.say(`Could not write the diagnostic report (${toTandemError(err).message}).`);
          }
        }
        out.say(`Trying again in ${Math.round(retryInMs / 1000)} s while the invitation is open (Ctrl+C stops and expires it).`);
      },
    });
  }

  /** The current state. */
  get state(): InvitationWaitState {
    return this.#machine.state;
  }

  /** Holds the ticket until the invitation's one session ended or it stopped; resolves with the exit code. */
  run(): Promise<number> {
    this.#poll = setInterval(() => this.#guard(() => this.#checkRecord()), RECORD_POLL_MS);
    this.#o.ctx.onSignal(() => this.#guard(() => this.#onSignal()));
    this.#keeper.start();
    return this.#exit;
  }

  /** Runs `fn`; a record that cannot be read or written stops the invitation (fail closed). */
  #guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#broken(toTandemError(err));
    }
  }

  /** The record on disk, or undefined when it was removed (withdrawn); any other failure throws. */
  #read(): InvitationRecord | undefined {
    try {
      return this.#o.store.load(this.#o.record.id);
    } catch (err) {
      if (err instanceof TandemError && err.code === 'TANDEM_ERR_NOT_FOUND') return undefined;
      throw err;
    }
  }

  /** Changes the record; undefined when it was removed (withdrawn); any other failure throws. */
  #change(fn: (rec: InvitationRecord) => void): InvitationRecord | undefined {
    try {
      return this.#o.store.update(this.#o.record.id, fn);
    } catch (err) {
      if (err instanceof TandemError && err.code === 'TANDEM_ERR_NOT_FOUND') return undefined;
      throw err;
    }
  }

  /** Notes where the ticket is held now (for `tandem invitations` and the page): informative, so a failure only warns. */
  #noteHeld(relay: string | undefined): void {
    try {
      this.#change((r) => {
        if (relay === undefined) delete r.heldOn;
        else r.heldOn = relay;
      });
    } catch (err) {
      this.#o.ctx.out.say(`Could not note where the invitation is held in its record (${toTandemError(err).message}).`);
    }
  }

  #phase(phase: InvitationPhase, relay?: string): void {
    this.#o.page?.page.setPhase(phase, relay);
  }

  /** Looks at the record: `tandem expire` elsewhere, removed by hand, or the lifetime over on this computer's clock. */
  #checkRecord(): void {
    if (!this.#machine.is('holding', 'lapsed', 'attempt')) return;
    const out = this.#o.ctx.out;
    const rec = this.#read();
    if (rec === undefined || rec.expired) {
      this.#current?.fail(new TandemError('TANDEM_ERR_INVITATION_EXPIRED', 'The customer expired the invitation.'));
      out.event('invitation-expired');
      out.say(`Invitation ${this.#o.record.id} was expired: no longer holding it; every copy of it now fails.`);
      this.#finish(0, 'expired');
      return;
    }
    const now = this.#o.clock();
    const expiresAt = recordExpiresAt(rec);
    if (now < expiresAt) return;
    if (this.#machine.is('holding')) {
      this.#machine.to('lapsed');
      out.event('invitation-lapsed');
      out.say(`Invitation ${rec.id} lapsed at ${localIsoTime(expiresAt)} (this computer's clock): attempts are declined from now on.`);
      this.#phase('lapsed');
    }
    if (this.#machine.is('lapsed') && now >= expiresAt + LAPSED_GRACE_MS) {
      this.#o.eventLog.invitationExpired(rec.id, 'lapsed');
      this.#finish(0, 'lapsed');
    }
  }

  #onAttempt(holder: InvitationHolder, attempt: InvitationAttempt): void {
    this.#guard(() => {
      if (this.#machine.is('finishing', 'done')) return;
      const rec = this.#read();
      const decision = this.#decide(rec);
      if (!decision.go) {
        holder.decline(attempt.attemptId, decision.code, decision.message);
        if (decision.status !== undefined) this.#o.ctx.out.event('declined', decision.status);
        if (rec === undefined || rec.expired) this.#checkRecord();
        return;
      }
      this.#o.ctx.out.event('attempt', attempt.technician.username);
      this.#machine.to('attempt');
      this.#runAttempt(holder, attempt, decision.rec).catch((err: unknown) => this.#broken(toTandemError(err)));
    });
  }

  /** Whether an attempt may go on, decided with this computer's clock and record, never the technician's. */
  #decide(rec: InvitationRecord | undefined): Decision {
    if (this.#machine.is('attempt', 'session')) {
      return { go: false, code: 'TANDEM_ERR_CONFLICT', message: 'Another technician is connecting to this invitation right now.' };
    }
    const status = rec === undefined ? 'expired' : recordStatus(rec, this.#o.clock());
    if (status === 'open' && rec !== undefined && this.#machine.is('holding')) return { go: true, rec };
    const message =
      status === 'lapsed' && rec !== undefined
        ? `The invitation expired on the customer's computer at ${new Date(recordExpiresAt(rec)).toISOString()} (its clock decides).`
        : status === 'used'
          ? 'The invitation was already used: ask the customer for a new one.'
          : 'The customer expired the invitation, or it was refused too many times: ask the customer for a new one.';
    return { go: false, code: 'TANDEM_ERR_INVITATION_EXPIRED', message, status: status === 'open' ? 'lapsed' : status };
  }

  async #runAttempt(holder: InvitationHolder, attempt: InvitationAttempt, rec: InvitationRecord): Promise<void> {
    const { args, ctx, record, clock, page } = this.#o;
    const relay = rec.relays.find((r) => r.url === holder.relay);
    const sockets = createRelaySocketFactory({ relayUrl: holder.relay, fingerprint: relay?.fingerprint, routes: this.#o.routes?.routes, trace: this.#o.routes?.trace });
    const session = new CustomerSession({
      relayUrl: holder.relay,
      invitation: { ticket: record.ticket, secret: this.#o.secret, attemptId: attempt.attemptId },
      aead: nodeAeadProvider(),
      connect: sockets.connect,
      now: clock,
    });
    this.#current = session;
    const result = await runCustomerSession(
      {
        session,
        relayUrl: holder.relay,
        connectError: () => sockets.connectError(),
        screen: args,
        ...(args.filesDir !== undefined ? { filesDir: args.filesDir } : {}),
        defaults: { name: record.customerName, eventLog: args.eventLog, ...(attempt.caseNumber !== undefined ? { caseNumber: attempt.caseNumber } : {}) },
        // The page failed to start: the terminal asks instead.
        browser: page !== undefined,
        ...(page !== undefined ? { sharedPage: page.shared } : {}),
        policy: this.#o.policy,
        eventLog: this.#o.eventLog,
        input: this.#o.input,
        onStop: (end) => {
          this.#endCurrent = end;
        },
        onEvent: (event) => {
          if (event.type === 'joined') this.#guard(() => this.#onJoined());
        },
        quietFailure: (error) => error.code === 'TANDEM_ERR_WRONG_CODE',
      },
      ctx,
    ).catch((err: unknown) => ({ code: 1, joined: false, failure: toTandemError(err) }));
    this.#current = undefined;
    this.#endCurrent = undefined;
    if (this.#machine.is('session')) {
      this.#finish(result.code);
      return;
    }
    if (!this.#machine.is('attempt')) return;
    if (result.failure?.code === 'TANDEM_ERR_WRONG_CODE') {
      this.#countWrongPassword(attempt);
      return;
    }
    this.#machine.to('holding');
    ctx.out.say(`The attempt by ${attempt.technician.username} did not complete (${result.failure?.code ?? 'ended'}); still holding the invitation.`);
    this.#checkRecord();
  }

  /** One session per invitation: used from the moment the handshake succeeded. */
  #onJoined(): void {
    if (!this.#machine.is('attempt')) return;
    this.#machine.to('session');
    this.#keeper.stop();
    const marked = this.#change((r) => {
      r.used = true;
    });
    if (marked === undefined) this.#o.ctx.out.say('The invitation\'s record was removed during the session; it is used all the same.');
  }

  /** A wrong password: counted in the record before anything else, expiring the invitation at the limit. */
  #countWrongPassword(attempt: InvitationAttempt): void {
    const { ctx, eventLog, record } = this.#o;
    const out = ctx.out;
    const updated = this.#change((r) => {
      r.wrongAttempts += 1;
      if (r.wrongAttempts >= r.maxWrong) {
        r.expired = true;
        r.expiredReason ??= 'too-many-wrong-passwords';
      }
    });
    if (updated === undefined) {
      this.#machine.to('holding');
      this.#checkRecord();
      return;
    }
    out.event('wrong-password', String(updated.wrongAttempts));
    out.say(`${attempt.technician.username} gave a wrong password (${updated.wrongAttempts} of ${updated.maxWrong}).`);
    eventLog.wrongInvitationPassword(record.id, attempt.technician, updated.wrongAttempts, updated.maxWrong);
    if (updated.expired) {
      eventLog.invitationExpired(record.id, 'too-many-wrong-passwords');
      out.event('invitation-expired');
      out.error(new TandemError('TANDEM_ERR_INVITATION_EXPIRED', `invitation ${record.id} expired after ${updated.wrongAttempts} wrong passwords; make a new one`));
      this.#finish(1, 'expired');
      return;
    }
    this.#machine.to('holding');
    this.#checkRecord();
  }

  /** Ctrl+C: ends a running session on purpose; otherwise withdraws the invitation (nobody holds it any more). */
  #onSignal(): void {
    if (this.#machine.is('finishing', 'done')) return;
    if (this.#machine.is('session') && this.#endCurrent !== undefined) {
      this.#endCurrent();
      return;
    }
    const { record, eventLog, ctx } = this.#o;
    this.#current?.fail(new TandemError('TANDEM_ERR_INVITATION_EXPIRED', 'The customer stopped the invitation.'));
    this.#change((r) => {
      r.expired = true;
      r.expiredReason ??= 'expired-by-customer';
    });
    eventLog.invitationExpired(record.id, 'expired-by-customer');
    ctx.out.say(`Stopped: invitation ${record.id} is expired.`);
    this.#finish(0, 'stopped');
  }

  /**
   * The record cannot be read or written (damaged, no permission, disk
   * full): nothing can be decided any more, so the invitation stops at once
   * and every attempt fails (fail closed).
   */
  #broken(error: TandemError): void {
    if (this.#machine.is('finishing', 'done')) return;
    this.#o.ctx.out.error(new TandemError(error.code === 'TANDEM_ERR_INTERNAL' ? 'TANDEM_ERR_INTERNAL' : 'TANDEM_ERR_BAD_INPUT', `invitation ${this.#o.record.id}: its record cannot be used (${error.message}); no longer holding it`));
    this.#current?.fail(new TandemError('TANDEM_ERR_INVITATION_EXPIRED', 'The customer\'s computer cannot read its record of the invitation.'));
    this.#finish(1, 'stopped');
  }

  /** The one teardown: stop holding, clear the holder in the record, close the page, flush the log, exit. */
  #finish(code: number, phase?: InvitationPhase): void {
    if (this.#machine.is('finishing', 'done')) return;
    this.#machine.to('finishing');
    clearInterval(this.#poll);
    this.#keeper.stop();
    try {
      this.#change((r) => {
        delete r.holderPid;
        delete r.heldOn;
      });
    } catch (err) {
      this.#o.ctx.out.say(`Could not clear the holder from the invitation's record (${toTandemError(err).message}).`);
    }
    const page = this.#o.page?.page;
    if (phase !== undefined) page?.setPhase(phase);
    else page?.refresh();
    closePage(page)
      .then(() => this.#o.eventLog.flush())
      .catch((err: unknown) => this.#o.ctx.out.say(`Could not close the local page cleanly (${toTandemError(err).message}).`))
      .finally(() => {
        this.#machine.to('done');
        this.#resolveExit(code);
      });
  }
}

/** Gives a connected page time to show the final state, then closes it. */
async function closePage(page: InvitationPage | undefined): Promise<void> {
  if (page === undefined) return;
  if (page.connectedPages > 0) await new Promise((resolve) => setTimeout(resolve, FINAL_STATE_GRACE_MS));
  await page.close();
}
