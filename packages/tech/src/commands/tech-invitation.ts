/**
 * `tandem tech invitation FILE_OR_LINK --relay URL ...`: the technician
 * answers a customer's invitation from a script. Reads the invitation, shows
 * who it is from and when it expires (informative: only the customer's
 * computer decides), then tries the technician's own relays that the
 * invitation names (invitation-relays.ts: credentials never go to a relay only
 * the file names), in the technician's order, each within the relay timeout:
 * sign in, answer the ticket, until the relay pairs us with the customer's
 * agent. A relay that is unreachable, too slow, or that says the invitation
 * is unknown or expired moves us on to the next; when all fail, one message
 * names each and why. Once connected it behaves exactly like
 * `tandem tech session` (the shared driver, tech-driver.ts).
 *
 * The relay loop is an explicit state machine ({@link InvitationDialer},
 * {@link DIAL_TRANSITIONS}): idle → signing-in (`POST /api/auth/login`) →
 * answering (the ticket, until paired) → connected; a relay that did not work
 * leads from signing-in or answering back to signing-in on the next one;
 * failed (a final error, or every relay failed) and stopped (a signal) end it.
 */
import { readFile, stat } from 'node:fs/promises';
import {
  INVITATION_LIMITS,
  StateMachine,
  TandemError,
  TechnicianSession,
  invitationExpiresAt,
  isInvitationExpired,
  readInvitation,
  toTandemError,
  type Invitation,
  type TechnicianEvent,
  type Transitions,
} from '@tandem/protocol';
import type { TechInvitationArgs } from '../command-line/tech-args.js';
import {
  allRelaysFailed,
  clockFromEnv,
  EXIT_USAGE,
  clientProxyResolver,
  createRelaySocketFactory,
  type RouteFinder,
  localIsoTime,
  nodeAeadProvider,
  readPasswordFile,
  relayTimeoutError,
  type Clock,
  type CommandContext,
  type LineOutput,
  type PinnedRelay,
  type RelayFailure,
  type RelaySocketFactory,
} from '@tandem/node-client';
import { driveTechSession } from '../driver/tech-driver.js';
import { chooseRelays } from './invitation-relays.js';
import { login } from './sign-in.js';

/** Failures after which the next relay may still work; any other failure is final. */
const MOVE_ON = new Set(['TANDEM_ERR_INVITATION_EXPIRED', 'TANDEM_ERR_RELAY_UNREACHABLE', 'TANDEM_ERR_TIMEOUT', 'TANDEM_ERR_TLS_FINGERPRINT', 'TANDEM_ERR_PEER_LOST', 'TANDEM_ERR_SHUTTING_DOWN', 'TANDEM_ERR_NOT_FOUND']);

/** Reads the invitation from a link or a file path. */
export async function loadInvitation(input: string): Promise<Invitation> {
  if (/^https?:\/\//i.test(input) || input.includes('#/invitation/')) return readInvitation(input);
  let size: number;
  try {
    size = (await stat(input)).size;
  } catch (err) {
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `invitation: cannot read ${input}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  // A little room over the format's limit for a byte order mark and CRLF line ends.
  if (size > INVITATION_LIMITS.maxFileBytes * 2) throw new TandemError('TANDEM_ERR_BAD_INPUT', `invitation: ${input} is larger than ${INVITATION_LIMITS.maxFileBytes} bytes, so it is not an invitation Tandem wrote`);
  return readInvitation(await readFile(input, 'utf8'));
}

/** Runs the technician's side of an invitation; resolves with the process exit code. */
export async function runTechInvitation(args: TechInvitationArgs, ctx: CommandContext): Promise<number> {
  const out = ctx.out;
  const clock = clockFromEnv(ctx.env);
  const inv = await loadInvitation(args.invitation);
  const expires = invitationExpiresAt(inv);
  out.line(`invitation: ${inv.id} from ${inv.customerName}, expires ${localIsoTime(expires)} (informative; the customer's computer decides)`);
  if (isInvitationExpired(inv, clock())) out.say(`This invitation looks expired by this computer's clock (${localIsoTime(expires)}); trying anyway, since only the customer's computer decides.`);
  let relays: PinnedRelay[];
  try {
    const choice = chooseRelays(inv, args.relays);
    for (const note of choice.notes) out.say(note);
    relays = choice.relays;
  } catch (err) {
    // Without any --relay the command line is incomplete (exit 2); with relays that do not match, the invitation is for elsewhere.
    out.error(toTandemError(err));
    return args.relays.length === 0 ? EXIT_USAGE : 1;
  }
  let secret: string;
  if (inv.passwordProtected) {
    if (args.invitationPasswordFile === undefined) {
      out.error(new TandemError('TANDEM_ERR_BAD_INPUT', `tech invitation: invitation ${inv.id} is password protected: give the password the customer told you with --invitation-password-file F`));
      return EXIT_USAGE;
    }
    secret = await readPasswordFile(args.invitationPasswordFile);
  } else {
    if (args.invitationPasswordFile !== undefined) out.say('This invitation has no password (it carries its own secret): --invitation-password-file is ignored.');
    if (inv.secret === undefined) throw new TandemError('TANDEM_ERR_INVITATION_INVALID', 'invitation: field Secret is missing');
    secret = inv.secret;
  }
  const password = await readPasswordFile(args.passwordFile);

  const transport = networkTransport(clientProxyResolver({ env: ctx.env, pacUrl: args.pac }));
  const dialer = new InvitationDialer({ relays, args, password, secret, invitation: inv, clock, out, transport });
  ctx.onSignal(() => dialer.stop());
  const outcome = await dialer.run();
  switch (outcome.state) {
    case 'connected':
      return driveTechSession({ session: outcome.session, connectError: outcome.connectError, start: false, replay: outcome.replay, filesDir: args.filesDir ?? process.cwd() }, ctx);
    case 'failed':
      out.error(outcome.error);
      return 1;
    case 'stopped':
      return 1;
  }
}

/** States of the relay loop (see the file comment). */
export type DialState = 'idle' | 'signing-in' | 'answering' | 'connected' | 'failed' | 'stopped';

/** The relay loop's transitions: the one place they are checked. */
export const DIAL_TRANSITIONS: Transitions<DialState> = {
  idle: ['signing-in', 'failed', 'stopped'],
  // signing-in → signing-in: that relay did not work, on to the next.
  'signing-in': ['answering', 'signing-in', 'failed', 'stopped'],
  answering: ['connected', 'signing-in', 'failed', 'stopped'],
  connected: [],
  failed: [],
  stopped: [],
};

/** How the relay loop ended. */
export type DialOutcome =
  | { state: 'connected'; session: TechnicianSession; replay: TechnicianEvent[]; connectError: () => TandemError | undefined }
  | { state: 'failed'; error: TandemError }
  | { state: 'stopped' };

/** Options of an {@link InvitationDialer}. */
export interface DialerOptions {
  /** The technician's relays to try, in order (already matched against the invitation). */
  relays: readonly PinnedRelay[];
  args: Pick<TechInvitationArgs, 'user' | 'totp' | 'mode' | 'caseNumber' | 'relayTimeoutMs'>;
  password: string;
  /** The PAKE secret: the invitation's password, or its own secret. */
  secret: string;
  invitation: Pick<Invitation, 'id' | 'ticket'>;
  clock: Clock;
  out: LineOutput;
  /** How one relay is reached: {@link networkTransport} (tests pass in-memory ones). */
  transport: RelayTransport;
}

/** Signing in on one relay and opening its rendezvous WebSockets. */
export interface RelayTransport {
  /** Signs in on `relay`; resolves with the bearer token. */
  signIn(relay: PinnedRelay, user: string, password: string, timeoutMs: number, totp?: string): Promise<string>;
  sockets(relay: PinnedRelay): RelaySocketFactory;
}

/** The real transport: `POST /api/auth/login` and `ws`, both with the technician's pin for that relay, through the routes the proxy resolver finds. */
export function networkTransport(routes: RouteFinder): RelayTransport {
  return {
    signIn: async (relay, user, password, timeoutMs, totp) => (await login({ relayUrl: relay.url, fingerprint: relay.fingerprint, timeoutMs, routes }, user, password, totp)).token,
    sockets: (relay) => createRelaySocketFactory({ relayUrl: relay.url, fingerprint: relay.fingerprint, routes }),
  };
}

/** One relay's answer: paired (or over already), or why it did not work. */
type RelayTry = { ok: true; session: TechnicianSession; replay: TechnicianEvent[]; connectError: () => TandemError | undefined } | { ok: false; error: TandemError };

/** Tries the relays one after another until one pairs us with the customer's agent. */
export class InvitationDialer {
  readonly #opts: DialerOptions;
  readonly #machine = new StateMachine<DialState>({ name: 'invitation relay loop', initial: 'idle', transitions: DIAL_TRANSITIONS });
  /** The session being answered, for {@link stop}. */
  #session: TechnicianSession | undefined;

  constructor(opts: DialerOptions) {
    this.#opts = opts;
  }

  get state(): DialState {
    return this.#machine.state;
  }

  /** A signal: stop trying (the attempt under way fails; nothing further is contacted). */
  stop(): void {
    if (this.#machine.final) return;
    this.#machine.to('stopped');
    this.#session?.fail(new TandemError('TANDEM_ERR_TIMEOUT', 'stopped by a signal'));
  }

  /** Runs the loop to its outcome. */
  async run(): Promise<DialOutcome> {
    const failures: RelayFailure[] = [];
    for (const relay of this.#opts.relays) {
      if (this.#machine.is('stopped')) return { state: 'stopped' };
      this.#machine.to('signing-in');
      const attempt = await this.#tryRelay(relay);
      if (this.#machine.is('stopped')) return { state: 'stopped' };
      if (attempt.ok) {
        this.#machine.to('connected');
        return { state: 'connected', session: attempt.session, replay: attempt.replay, connectError: attempt.connectError };
      }
      if (!MOVE_ON.has(attempt.error.code)) {
        this.#machine.to('failed');
        // The session's own wording speaks of a burnt code; an invitation's password is what was wrong.
        const error = attempt.error.code === 'TANDEM_ERR_WRONG_CODE'
          ? new TandemError('TANDEM_ERR_WRONG_CODE', `the invitation's password is wrong: the customer's computer refused the handshake (it counts wrong attempts and expires the invitation after several)`)
          : attempt.error;
        return { state: 'failed', error };
      }
      failures.push({ relay: relay.url, error: attempt.error });
      this.#opts.out.say(`relay ${relay.url}: ${attempt.error.code} ${attempt.error.message}`);
    }
    if (this.#machine.is('stopped')) return { state: 'stopped' };
    this.#machine.to('failed');
    return { state: 'failed', error: allRelaysFailed(failures, `invitation ${this.#opts.invitation.id}`) };
  }

  /** Signs in on one relay and answers the ticket, within the timeout; resolves once paired with the customer or failed. */
  async #tryRelay(relay: PinnedRelay): Promise<RelayTry> {
    const { args } = this.#opts;
    const timeoutMs = args.relayTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    // The technician's pin for the technician's relay (in `relay`); the invitation's fingerprint is never used.
    const transport = this.#opts.transport;
    let token: string;
    try {
      token = await transport.signIn(relay, args.user, this.#opts.password, timeoutMs, args.totp);
    } catch (err) {
      const error = toTandemError(err, 'TANDEM_ERR_RELAY_UNREACHABLE');
      // A slow answer is the relay timeout, named as such.
      return { ok: false, error: error.code === 'TANDEM_ERR_TIMEOUT' ? relayTimeoutError(relay.url, timeoutMs) : error };
    }
    if (this.#machine.is('stopped')) return { ok: false, error: new TandemError('TANDEM_ERR_TIMEOUT', 'stopped by a signal') };
    this.#machine.to('answering');
    const sockets = transport.sockets(relay);
    const session = new TechnicianSession({
      relayUrl: relay.url,
      token,
      mode: args.mode,
      ...(args.caseNumber !== undefined ? { caseNumber: args.caseNumber } : {}),
      invitation: { ticket: this.#opts.invitation.ticket, secret: this.#opts.secret },
      aead: nodeAeadProvider(),
      connect: sockets.connect,
      now: this.#opts.clock,
    });
    this.#session = session;
    return new Promise<RelayTry>((resolve) => {
      const replay: TechnicianEvent[] = [];
      const timer = setTimeout(() => {
        // Paired already: the handshake has its own timer; the relay's part is done.
        if (session.state === 'handshaking' || session.state === 'consent' || session.state === 'active') return;
        session.fail(relayTimeoutError(relay.url, timeoutMs));
      }, Math.max(1, deadline - Date.now()));
      // A session's first `joined`, `ended` or `failed` settles the try; nothing is heard after it.
      const unsubscribe = session.onEvent((event) => {
        replay.push(event);
        if (event.type !== 'failed' && event.type !== 'joined' && event.type !== 'ended') return;
        clearTimeout(timer);
        unsubscribe();
        if (event.type === 'failed') {
          const precise = sockets.connectError();
          resolve({ ok: false, error: event.error.code === 'TANDEM_ERR_RELAY_UNREACHABLE' && precise ? precise : event.error });
        } else {
          resolve({ ok: true, session, replay, connectError: () => sockets.connectError() });
        }
      });
      session.start();
    });
  }
}
