/**
 * Command-line parsing for the technician's scriptable client. The forms are
 * fixed (README, "Scriptable command lines"); scripts depend on them:
 *
 *   tandem tech session --relay URL --user NAME --password-file F [--case N]
 *               [--mode chat|view|control] [--relay-fingerprint HEX] [--renew-burnt-code]
 *   tandem tech invitation FILE_OR_LINK --relay URL [--relay URL ...] --user NAME
 *               --password-file F [--relay-fingerprint HEX ...] [--invitation-password-file F]
 *               [--mode chat|view|control] [--case N] [--relay-timeout 30s]
 *
 * Every `--relay` is the technician's own: the password goes to no other, and
 * over http:// only to this computer (sign-in.ts). Parsing never touches the
 * network or files; it only validates.
 */
import { INVITATION_LIMITS, LIMITS, MODES, type Mode } from '@tandem/protocol';
import {
  bad,
  limited,
  parseRelayOptions,
  relayTimeoutMs,
  required,
  scan,
  parsePacUrl,
  stringOption,
  type HelpArgs,
  type PinnedRelay,
} from '@tandem/node-client';
import { assertCredentialsStayEncrypted } from '../commands/sign-in.js';
import { stdinCommandsHelp } from '../driver/stdin-commands.js';

/** What both commands take: who signs in, and what to ask for. */
interface SignInArgs {
  user: string;
  passwordFile: string;
  /** A one-time code of the account's authenticator app (or a recovery code), for an account with a second factor. */
  totp?: string;
  mode: Mode;
  caseNumber?: string;
  /** --pac: the PAC script that names the proxy (docs/proxy.md). */
  pac?: string;
  /** Where `/get` saves (`--files-dir`; the current folder when absent). */
  filesDir?: string;
}

/** `tandem tech session`. */
export interface TechSessionArgs extends SignInArgs {
  command: 'tech-session';
  relayUrl: string;
  fingerprint?: string;
  /** On a burnt code, allocate a fresh one on the same sign-in instead of failing. */
  renewBurntCode: boolean;
}

/** `tandem tech invitation`. */
export interface TechInvitationArgs extends SignInArgs {
  command: 'tech-invitation';
  /** A file path or a link. */
  invitation: string;
  /** The technician's relays, in the order to try, each with the technician's pin if any (possibly none: then nothing is tried). */
  relays: PinnedRelay[];
  invitationPasswordFile?: string;
  relayTimeoutMs: number;
}

const OUTPUT_HELP = `Output (stdout, one per line): "code: NNNNNNNN", "event: joined",
"event: sas NNN NNN", "event: accepted MODE", "event: refused",
"event: mode MODE", "event: decision MODE accepted|refused",
"event: extended ISO-TIME", "event: burnt", "event: screen WIDTHxHEIGHT",
"event: snapshot FILE WIDTHxHEIGHT", "event: ended REASON", "chat: TEXT",
"event: file-sent NAME BYTES SHA256", "event: file-refused NAME|PATH",
"event: file-received LOCALPATH BYTES SHA256", "event: file-progress NAME BYTES SIZE",
"event: file-cancelled NAME", "event: file-failed NAME", "transfer: ..." (the log).
Failures print "error: TANDEM_ERR_... message" on stderr and exit non-zero.`;

export const TECH_SESSION_HELP = `Usage: tandem tech session --relay URL --user NAME --password-file F [options]

Signs in as a technician, creates a session code and runs the session:
prints "code: NNNNNNNN", then events and chat; each stdin line is sent as
chat once the customer accepted. End of stdin ends the session.

Options:
  --relay URL                your relay's address, https://host[:port] (http:// only for a relay
                             on this computer: your password must not cross the network unencrypted);
                             URL#HEX pins its self-signed certificate
  --user NAME                technician user name
  --password-file F          file holding the password (one trailing newline is ignored)
  --totp CODE                the current code of your authenticator app (or a
                             recovery code), when your account has one
  --case N                   case number to attach to the session
  --mode chat|view|control   mode to ask for at the start (default chat)
  --files-dir DIR            where /get saves the customer's files (default the current folder)
  --relay-fingerprint HEX    accept exactly the relay certificate with this SHA-256 fingerprint
  --pac URL                  find the proxy with this PAC script (docs/proxy.md: otherwise
                             proxy.txt, the environment, the desktop's settings)
  --renew-burnt-code         when a code is burnt (a wrong code, a failed handshake), print
                             "event: burnt" and at once a fresh "code: NNNNNNNN" on the same
                             sign-in, and go on waiting (without it: "event: burnt", then the
                             error, exit 1)
  --help                     show this help

Commands on stdin (a line starting with "/"; any other line is chat). They
run in order once the customer accepted; those marked * act at once before
that. They are sent whatever the mode: the customer's agent decides what
takes effect. A mistyped line gets "error: TANDEM_ERR_BAD_INPUT ..." at once
and is not sent.
${stdinCommandsHelp()}
/snapshot, /type and /click need the screen: ask with /request view or control.

${OUTPUT_HELP}
`;

export const TECH_HELP = `Usage: tandem tech session --relay URL --user NAME --password-file F [options]
       tandem tech invitation FILE_OR_LINK --relay URL --user NAME --password-file F [options]

Run "tandem tech session --help" or "tandem tech invitation --help" for details.
`;

export const TECH_INVITATION_HELP = `Usage: tandem tech invitation FILE_OR_LINK --relay URL [--relay URL ...] --user NAME --password-file F [options]

Signs in as a technician and answers a customer's invitation (a .tandem file
or its link). Your password goes only to the relays you give with --relay,
never to those the invitation names (anyone can write an invitation): the
relays tried are yours that the invitation also names, in your order. An
invitation naming none of them fails with TANDEM_ERR_RELAY_NOT_CONFIGURED
and nothing is contacted. Once connected it behaves exactly like
"tandem tech session" (same output lines and stdin commands), without the code.

Options:
  --relay URL                        a relay of yours, https://host[:port] (http:// only for one on this
                                     computer); repeat for several, in the order to try. URL#HEX pins
                                     its self-signed certificate
  --relay-fingerprint HEX            the fingerprints instead, one per --relay, in the same order (the
                                     invitation's fingerprints are never used)
  --user NAME                        technician user name
  --password-file F                  file holding your sign-in password
  --totp CODE                        the current code of your authenticator app
                                     (or a recovery code), when your account has one
  --invitation-password-file F       file holding the invitation's password (required when
                                     the invitation is password protected)
  --mode chat|view|control           mode to ask for at the start (default chat)
  --case N                           case number to attach to the session
  --files-dir DIR                    where /get saves the customer's files (default the current folder)
  --relay-timeout DURATION           wait this long for each relay before the next (default 30s)
  --help                             show this help

Output (stdout): first "invitation: ID from NAME, expires TIME (informative; the
customer's computer decides)", then the lines of tandem tech session.
Exit 2 without --relay or without a needed --invitation-password-file.
`;

/** Parses `--user`, `--password-file`, `--totp`, `--mode` and `--case`. */
function parseSignIn(options: Map<string, string | true>, command: string): SignInArgs {
  const mode = MODES.find((m) => m === (stringOption(options, 'mode') ?? 'chat'));
  if (mode === undefined) throw bad(`--mode: must be one of ${MODES.join(', ')}, got ${stringOption(options, 'mode') ?? ''}`);
  const user = required(options, 'user', command);
  if (user.length > LIMITS.maxUserNameChars) throw bad(`--user: must be at most ${LIMITS.maxUserNameChars} characters`);
  const args: SignInArgs = { user, passwordFile: required(options, 'password-file', command), mode };
  const caseNumber = limited(stringOption(options, 'case'), 'case', LIMITS.maxNumberChars);
  if (caseNumber !== undefined) args.caseNumber = caseNumber;
  const pac = stringOption(options, 'pac');
  if (pac !== undefined) args.pac = parsePacUrl(pac);
  const filesDir = stringOption(options, 'files-dir');
  if (filesDir !== undefined) args.filesDir = filesDir;
  const totp = limited(stringOption(options, 'totp'), 'totp', 64);
  if (totp !== undefined) args.totp = totp;
  return args;
}

/** The technician's relays: parsed, pinned as given, and none that would carry the password in the clear. */
function parseTechRelays(urls: readonly string[], fingerprints: readonly string[], command: string): PinnedRelay[] {
  const relays = parseRelayOptions(urls, fingerprints, command);
  for (const relay of relays) assertCredentialsStayEncrypted(relay.url);
  return relays;
}

const SIGN_IN_OPTIONS = {
  user: { value: true },
  'password-file': { value: true },
  totp: { value: true },
  case: { value: true },
  mode: { value: true },
  pac: { value: true },
  'files-dir': { value: true },
  help: { value: false },
} as const;

/** Parses `tandem tech session`'s arguments. */
export function parseTechSession(argv: readonly string[]): TechSessionArgs | HelpArgs {
  const { positionals, options } = scan(argv, {
    ...SIGN_IN_OPTIONS,
    relay: { value: true },
    'relay-fingerprint': { value: true },
    'renew-burnt-code': { value: false },
  });
  if (options.has('help')) return { command: 'help', text: TECH_SESSION_HELP };
  if (positionals.length > 0) throw bad(`tech session: unexpected argument ${positionals[0]}`);
  const signIn = parseSignIn(options, 'tech session');
  const fp = stringOption(options, 'relay-fingerprint');
  const [relay] = parseTechRelays([required(options, 'relay', 'tech session')], fp === undefined ? [] : [fp], 'tech session');
  if (relay === undefined) throw bad('tech session: --relay is required');
  const args: TechSessionArgs = { command: 'tech-session', relayUrl: relay.url, ...signIn, renewBurntCode: options.has('renew-burnt-code') };
  if (relay.fingerprint !== undefined) args.fingerprint = relay.fingerprint;
  return args;
}

/** Parses `tandem tech invitation`'s arguments. */
export function parseTechInvitation(argv: readonly string[]): TechInvitationArgs | HelpArgs {
  const { positionals, options, lists } = scan(argv, {
    ...SIGN_IN_OPTIONS,
    relay: { value: true, repeat: true },
    'relay-fingerprint': { value: true, repeat: true },
    'invitation-password-file': { value: true },
    'relay-timeout': { value: true },
  });
  if (options.has('help')) return { command: 'help', text: TECH_INVITATION_HELP };
  const [invitation, extra] = positionals;
  if (invitation === undefined) throw bad('tech invitation: the invitation FILE_OR_LINK is missing');
  if (extra !== undefined) throw bad(`tech invitation: unexpected argument ${extra}`);
  const signIn = parseSignIn(options, 'tech invitation');
  const urls = lists.get('relay') ?? [];
  if (urls.length > INVITATION_LIMITS.maxRelays) throw bad(`tech invitation: at most ${INVITATION_LIMITS.maxRelays} relays`);
  const args: TechInvitationArgs = {
    command: 'tech-invitation',
    invitation,
    relays: parseTechRelays(urls, lists.get('relay-fingerprint') ?? [], 'tech invitation'),
    ...signIn,
    relayTimeoutMs: relayTimeoutMs(options),
  };
  const invPw = stringOption(options, 'invitation-password-file');
  if (invPw !== undefined) args.invitationPasswordFile = invPw;
  return args;
}
