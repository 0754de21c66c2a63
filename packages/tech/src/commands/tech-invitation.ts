/**
 * `tandem tech invitation FILE_OR_LINK ...`: the technician answers a
 * customer's invitation from a script. Reads the invitation, shows who it is
 * from and when it expires (informative: only the customer's computer
 * decides), then tries its relays in order, each within the relay timeout:
 * sign in, answer the ticket, until the relay pairs us with the customer's
 * agent. A relay that is unreachable, too slow, or that says the invitation
 * is unknown or expired moves us on to the next; when all fail, one message
 * names each and why. Once connected it behaves exactly like
 * `tandem tech session` (the shared driver, tech-driver.ts).
 */
import { readFile, stat } from 'node:fs/promises';
import {
  INVITATION_LIMITS,
  TandemError,
  TechnicianSession,
  invitationExpiresAt,
  isInvitationExpired,
  readInvitation,
  toTandemError,
  type Invitation,
  type InvitationRelay,
  type TechnicianEvent,
} from '@tandem/protocol';
import type { TechInvitationArgs } from '../command-line/tech-args.js';
import {
  allRelaysFailed,
  clockFromEnv,
  EXIT_USAGE,
  createRelaySocketFactory,
  localIsoTime,
  nodeAeadProvider,
  readPasswordFile,
  relayTimeoutError,
  type Clock,
  type CommandContext,
  type RelayFailure,
} from '@tandem/node-client';
import { driveTechSession } from '../driver/tech-driver.js';
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
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `invitation: cannot read ${input}: ${(err as Error).message}`, { cause: err });
  }
  // A little room over the format's limit for a byte order mark and CRLF line ends.
  if (size > INVITATION_LIMITS.maxFileBytes * 2) throw new TandemError('TANDEM_ERR_BAD_INPUT', `invitation: ${input} is larger than ${INVITATION_LIMITS.maxFileBytes} bytes, so it is not an invitation Tandem wrote`);
  return readInvitation(await readFile(input, 'utf8'));
}

/** A connected session, or why this relay did not work. */
type RelayTry = { ok: true; session: TechnicianSession; replay: TechnicianEvent[]; connectError: () => TandemError | undefined } | { ok: false; error: TandemError };

/** Runs the technician's side of an invitation; resolves with the process exit code. */
export async function runTechInvitation(args: TechInvitationArgs, ctx: CommandContext): Promise<number> {
  const out = ctx.out;
  const clock = clockFromEnv(ctx.env);
  const inv = await loadInvitation(args.invitation);
  const expires = invitationExpiresAt(inv);
  out.line(`invitation: ${inv.id} from ${inv.customerName}, expires ${localIsoTime(expires)} (informative; the customer's computer decides)`);
  if (isInvitationExpired(inv, clock())) out.say(`This invitation looks expired by this computer's clock (${localIsoTime(expires)}); trying anyway, since only the customer's computer decides.`);
  let secret: string;
  if (inv.passwordProtected) {
    if (args.invitationPasswordFile === undefined) {
      out.error(new TandemError('TANDEM_ERR_BAD_INPUT', `tech invitation: invitation ${inv.id} is password protected: give the password the customer told you with --invitation-password-file F`));
      return EXIT_USAGE;
    }
    secret = await readPasswordFile(args.invitationPasswordFile);
  } else {
    if (args.invitationPasswordFile !== undefined) out.say('This invitation has no password (it carries its own secret): --invitation-password-file is ignored.');
    secret = inv.secret as string;
  }
  const password = await readPasswordFile(args.passwordFile);

  let stopped = false;
  let current: TechnicianSession | undefined;
  ctx.onSignal(() => {
    stopped = true;
    current?.fail(new TandemError('TANDEM_ERR_TIMEOUT', 'stopped'));
  });

  const failures: RelayFailure[] = [];
  for (const relay of inv.relays) {
    if (stopped) return 1;
    const attempt = await tryRelay(relay, { args, password, secret, ticket: inv.ticket, clock, onSession: (s) => (current = s) });
    if (attempt.ok) return driveTechSession({ session: attempt.session, connectError: attempt.connectError, start: false, replay: attempt.replay }, ctx);
    if (!MOVE_ON.has(attempt.error.code)) {
      // The session's own wording speaks of a burnt code; an invitation's password is what was wrong.
      out.error(attempt.error.code === 'TANDEM_ERR_WRONG_CODE' ? new TandemError('TANDEM_ERR_WRONG_CODE', `the invitation's password is wrong: the customer's computer refused the handshake (it counts wrong attempts and expires the invitation after several)`) : attempt.error);
      return 1;
    }
    failures.push({ relay: relay.url, error: attempt.error });
    out.say(`relay ${relay.url}: ${attempt.error.code} ${attempt.error.message}`);
  }
  out.error(allRelaysFailed(failures, `invitation ${inv.id}`));
  return 1;
}

/** Signs in on one relay and answers the ticket, within the timeout; resolves once paired with the customer or failed. */
async function tryRelay(
  relay: InvitationRelay,
  opts: { args: TechInvitationArgs; password: string; secret: string; ticket: string; clock: Clock; onSession: (s: TechnicianSession) => void },
): Promise<RelayTry> {
  const { args } = opts;
  const timeoutMs = args.relayTimeoutMs;
  const deadline = Date.now() + timeoutMs;
  const fingerprint = relay.fingerprint ?? args.fingerprint;
  let token: string;
  try {
    ({ token } = await login({ relayUrl: relay.url, fingerprint, timeoutMs }, args.user, opts.password));
  } catch (err) {
    const error = toTandemError(err, 'TANDEM_ERR_RELAY_UNREACHABLE');
    // A slow answer is the relay timeout, named as such.
    return { ok: false, error: error.code === 'TANDEM_ERR_TIMEOUT' ? relayTimeoutError(relay.url, timeoutMs) : error };
  }
  const sockets = createRelaySocketFactory({ relayUrl: relay.url, fingerprint });
  const session = new TechnicianSession({
    relayUrl: relay.url,
    token,
    mode: args.mode,
    ...(args.caseNumber !== undefined ? { caseNumber: args.caseNumber } : {}),
    invitation: { ticket: opts.ticket, secret: opts.secret },
    aead: nodeAeadProvider(),
    connect: sockets.connect,
    now: opts.clock,
  });
  opts.onSession(session);
  return new Promise<RelayTry>((resolve) => {
    const replay: TechnicianEvent[] = [];
    let settled = false;
    const settle = (result: RelayTry): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      resolve(result);
    };
    const unsubscribe = session.onEvent((event) => {
      replay.push(event);
      if (event.type === 'failed') {
        const precise = sockets.connectError();
        settle({ ok: false, error: event.error.code === 'TANDEM_ERR_RELAY_UNREACHABLE' && precise ? precise : event.error });
      } else if (event.type === 'joined' || event.type === 'ended') {
        settle({ ok: true, session, replay, connectError: () => sockets.connectError() });
      }
    });
    const timer = setTimeout(() => {
      // Paired already: the handshake has its own timer; the relay's part is done.
      if (['handshaking', 'consent', 'active'].includes(session.state)) return;
      session.fail(relayTimeoutError(relay.url, timeoutMs));
    }, Math.max(1, deadline - Date.now()));
    session.start();
  });
}
