/**
 * Command-line parsing for the invitation commands (issue 4):
 *
 *   tandem invite --relay URL [--relay URL ...] --expires DURATION
 *               [--relay-fingerprint HEX ...] [--password-stdin | --ask-password | --password-file F]
 *               [--name NAME] [--out FILE] [--no-browser] [--relay-timeout 30s] [--pac URL]
 *               [--max-wrong 5] [--event-log] [--vnc ... | --rfb-listen ...]
 *   tandem invitations
 *   tandem expire ID | --all
 *
 * Parsing never touches the network or files; it only validates.
 */
import { INVITATION_LIMITS, LIMITS, parseDuration, type InvitationRelay } from '@tandem/protocol';
import {
  bad,
  limited,
  parseRelayOptions,
  relayTimeoutMs,
  required,
  scan,
  stringOption,
  type HelpArgs,
  type HostPort,
  parsePacUrl,
} from '@tandem/node-client';
import { parseScreenOptions } from './screen-args.js';
import type { JoinDefaults } from './join-args.js';

/** Default number of wrong passwords after which an invitation expires. */
export const DEFAULT_MAX_WRONG = 5;

/** How `tandem invite` gets the password, if any. */
export type PasswordSource = { kind: 'none' } | { kind: 'stdin' } | { kind: 'ask' } | { kind: 'file'; path: string };

/** `tandem invite`. */
export interface InviteArgs {
  command: 'invite';
  relays: InvitationRelay[];
  /** Requested lifetime, seconds (the policy may shorten it). */
  lifetimeSeconds: number;
  password: PasswordSource;
  name?: string;
  out?: string;
  browser: boolean;
  relayTimeoutMs: number;
  /** --pac: the PAC script that names the proxy (docs/proxy.md). */
  pac?: string;
  maxWrong: number;
  eventLog: boolean;
  /** --files-dir: where received files go (default Downloads/Tandem in the home folder). */
  filesDir?: string;
  rfbListen?: HostPort;
  rfbPasswordFile?: string;
  vnc?: HostPort;
  vncPasswordFile?: string;
}

/** `tandem invitations`. */
export interface InvitationsArgs {
  command: 'invitations';
}

/** `tandem expire ID | --all`. */
export interface ExpireArgs {
  command: 'expire';
  /** The invitation's id (12 hex digits), or `'all'` for --all. */
  target: string;
}

export const INVITE_HELP = `Usage: tandem invite --relay URL [--relay URL ...] --expires DURATION [options]

Invites a technician: writes an invitation file (ID.tandem, mode 0600) and
prints the equivalent console link, then stays in the foreground holding the
invitation on the first relay that answers, until a technician uses it, you
expire it (tandem expire ID, or Ctrl+C) or it is refused too often. The
technician's connection goes through the same consent screen as a session
code; one invitation gives one session.

Options:
  --relay URL                a relay's address; give several for fallbacks, tried in order.
                             URL#HEX pins that relay's self-signed certificate fingerprint
  --relay-fingerprint HEX    the fingerprints instead, one per --relay, in the same order
  --expires DURATION         lifetime, e.g. 30m, 1h, 2d (capped by the local policy); decided
                             by this computer's clock only
  --password-file F          protect it with the password in F (first line); give the
                             password to the technician by another way (phone); at least
                             7 characters (8 with --max-wrong 10-99, 9 with 100-999),
                             best random digits or longer
  --password-stdin           read the password from the first line of stdin
  --ask-password             ask for the password on the terminal
                             (without a password option the file carries a random secret)
  --name NAME                your name as the technician sees it (default: your account's)
  --out FILE                 where to write the invitation (default ./ID.tandem)
  --no-browser               ask consent on the terminal: y or n on stdin, then chat lines
  --relay-timeout DURATION   wait this long for each relay before the next (default 30s)
  --pac URL                  find the proxy with this PAC script (docs/proxy.md)
  --max-wrong N              wrong passwords before the invitation expires (default 5)
  --event-log                keep a local event log in the system log (includes wrong passwords)
  --files-dir DIR            where files the technician sends are saved (default Downloads/Tandem)
  --vnc, --vnc-password-file, --rfb-listen, --rfb-password-file   as for tandem join
  --help                     show this help

Output (stdout): "invitation: FILE", "link: URL", "id: ID", "event: holding RELAY",
"event: attempt USER", "event: declined CODE", "event: wrong-password N",
then the lines of tandem join ("event: joined", "event: sas ...", "event: mode ...",
"chat: ...", "event: ended REASON"); "report: FILE" when no relay could be reached.
Exit 0 when the session ended or the invitation was expired by you; 1 on errors
or after too many wrong passwords.
`;

export const INVITATIONS_HELP = `Usage: tandem invitations

Lists the invitations made on this computer with their id, customer name,
expiry (local time), relays and status: open (held by a running tandem
invite, or not held), expired (by tandem expire or too many wrong passwords),
lapsed (past its lifetime) or used (a session took place).
`;

export const EXPIRE_HELP = `Usage: tandem expire ID
       tandem expire --all

Expires an invitation at once: a running tandem invite holding it stops
within a second, and every copy of the invitation then fails.
`;

/** `--expires`: an invitation's lifetime is whole seconds (docs/invitation-format.md), at least one. */
function lifetimeSeconds(text: string): number {
  const seconds = Math.round(parseDuration(text, '--expires') / 1000);
  if (seconds < 1) throw bad('--expires: must be at least 1 second');
  return seconds;
}

/**
 * Parses `tandem invite`'s arguments. A downloaded agent passes its
 * {@link JoinDefaults}: without --relay, its stamped relay (with the stamped
 * fingerprint) is the one relay, as for `join`; any --relay replaces it.
 */
export function parseInvite(argv: readonly string[], defaults: JoinDefaults = {}): InviteArgs | HelpArgs {
  const scanned = scan(argv, {
    relay: { value: true, repeat: true },
    'relay-fingerprint': { value: true, repeat: true },
    expires: { value: true },
    'password-stdin': { value: false },
    'ask-password': { value: false },
    'password-file': { value: true },
    name: { value: true },
    out: { value: true },
    'no-browser': { value: false },
    'relay-timeout': { value: true },
    pac: { value: true },
    'max-wrong': { value: true },
    'event-log': { value: false },
    'files-dir': { value: true },
    'rfb-listen': { value: true },
    'rfb-password-file': { value: true },
    vnc: { value: true },
    'vnc-password-file': { value: true },
    help: { value: false },
  });
  const { positionals, options, lists } = scanned;
  if (options.has('help')) return { command: 'help', text: INVITE_HELP };
  if (positionals.length > 0) throw bad(`invite: unexpected argument ${positionals[0]}`);
  const urls = lists.get('relay') ?? [];
  const stamp = defaults.stamp;
  if (urls.length === 0 && stamp === undefined) throw bad('invite: --relay is required (one or more)');
  if (urls.length > INVITATION_LIMITS.maxRelays) throw bad(`invite: at most ${INVITATION_LIMITS.maxRelays} relays`);
  const fingerprints = lists.get('relay-fingerprint') ?? [];
  if (urls.length === 0 && fingerprints.length > 0) throw bad('invite: --relay-fingerprint goes with --relay (the stamped relay has its own)');
  const relays: InvitationRelay[] =
    urls.length === 0 && stamp !== undefined
      ? [{ url: stamp.relay, ...(stamp.fingerprint !== undefined ? { fingerprint: stamp.fingerprint } : {}) }]
      : parseRelayOptions(urls, fingerprints, 'invite');
  const sources = ['password-stdin', 'ask-password', 'password-file'].filter((n) => options.has(n));
  if (sources.length > 1) throw bad(`invite: choose one of --password-stdin, --ask-password, --password-file (got ${sources.map((s) => `--${s}`).join(', ')})`);
  const pwFile = stringOption(options, 'password-file');
  const password: PasswordSource = options.has('password-stdin')
    ? { kind: 'stdin' }
    : options.has('ask-password')
      ? { kind: 'ask' }
      : pwFile !== undefined
        ? { kind: 'file', path: pwFile }
        : { kind: 'none' };
  const maxWrongText = stringOption(options, 'max-wrong');
  let maxWrong = DEFAULT_MAX_WRONG;
  if (maxWrongText !== undefined) {
    if (!/^\d{1,3}$/.test(maxWrongText) || Number(maxWrongText) < 1) throw bad(`--max-wrong: must be a whole number from 1 to 999, got ${maxWrongText}`);
    maxWrong = Number(maxWrongText);
  }
  const args: InviteArgs = {
    command: 'invite',
    relays,
    lifetimeSeconds: lifetimeSeconds(required(options, 'expires', 'invite')),
    password,
    browser: !options.has('no-browser'),
    relayTimeoutMs: relayTimeoutMs(options),
    maxWrong,
    eventLog: options.has('event-log'),
  };
  const name = limited(stringOption(options, 'name'), 'name', LIMITS.maxNameChars);
  if (name !== undefined) args.name = name;
  const out = stringOption(options, 'out');
  if (out !== undefined) {
    if (out === '') throw bad('--out needs a file name');
    args.out = out;
  }
  const pac = stringOption(options, 'pac');
  if (pac !== undefined) args.pac = parsePacUrl(pac);
  const filesDir = stringOption(options, 'files-dir');
  if (filesDir !== undefined) args.filesDir = filesDir;
  parseScreenOptions(options, args);
  return args;
}

/** Parses `tandem invitations`. */
export function parseInvitations(argv: readonly string[]): InvitationsArgs | HelpArgs {
  const { positionals, options } = scan(argv, { help: { value: false } });
  if (options.has('help')) return { command: 'help', text: INVITATIONS_HELP };
  if (positionals.length > 0) throw bad(`invitations: unexpected argument ${positionals[0]}`);
  return { command: 'invitations' };
}

/** Parses `tandem expire ID | --all`. */
export function parseExpire(argv: readonly string[]): ExpireArgs | HelpArgs {
  const { positionals, options } = scan(argv, { all: { value: false }, help: { value: false } });
  if (options.has('help')) return { command: 'help', text: EXPIRE_HELP };
  if (options.has('all')) {
    if (positionals.length > 0) throw bad('expire: give an ID or --all, not both');
    return { command: 'expire', target: 'all' };
  }
  const [id] = positionals;
  if (positionals.length !== 1 || id === undefined) throw bad('expire: give the invitation ID (see tandem invitations) or --all');
  if (!/^[0-9a-f]{12}$/.test(id)) throw bad(`expire: ${JSON.stringify(id)} is not an invitation id (12 hex digits, see tandem invitations)`);
  return { command: 'expire', target: id };
}
