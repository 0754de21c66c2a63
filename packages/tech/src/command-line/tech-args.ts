/**
 * Command-line parsing for the technician's scriptable client. The forms are
 * fixed (README, "Scriptable command lines"); scripts depend on them:
 *
 *   tandem tech session --relay URL --user NAME --password-file F [--case N]
 *               [--mode chat|view|control] [--relay-fingerprint HEX]
 *   tandem tech invitation FILE_OR_LINK --user NAME --password-file F
 *               [--invitation-password-file F] [--mode chat|view|control] [--case N]
 *               [--relay-fingerprint HEX] [--relay-timeout 30s]
 *
 * Parsing never touches the network or files; it only validates.
 */
import { LIMITS, MODES, type Mode } from '@tandem/protocol';
import {
  bad,
  limited,
  normaliseFingerprint,
  parseRelayUrl,
  relayTimeoutMs,
  required,
  scan,
  stringOption,
  type HelpArgs,
} from '@tandem/node-client';

/** `tandem tech session`. */
export interface TechSessionArgs {
  command: 'tech-session';
  relayUrl: string;
  user: string;
  passwordFile: string;
  caseNumber?: string;
  mode: Mode;
  fingerprint?: string;
}

/** `tandem tech invitation`. */
export interface TechInvitationArgs {
  command: 'tech-invitation';
  /** A file path or a link. */
  invitation: string;
  user: string;
  passwordFile: string;
  invitationPasswordFile?: string;
  mode: Mode;
  caseNumber?: string;
  fingerprint?: string;
  relayTimeoutMs: number;
}

export const TECH_SESSION_HELP = `Usage: tandem tech session --relay URL --user NAME --password-file F [options]

Signs in as a technician, creates a session code and runs the session:
prints "code: NNNNNNNN", then events and chat; each stdin line is sent as
chat once the customer accepted. End of stdin ends the session.

Options:
  --relay URL                the relay's address, https://host:port
  --user NAME                technician user name
  --password-file F          file holding the password (one trailing newline is ignored)
  --case N                   case number to attach to the session
  --mode chat|view|control   mode to ask for at the start (default chat)
  --relay-fingerprint HEX    accept exactly the relay certificate with this SHA-256 fingerprint
  --help                     show this help

Commands on stdin (a line starting with "/"; any other line is chat), run in
order: /request view|control, /extend, /end, and once the screen is shared
/snapshot FILE.png (lossless, as the technician sees it), /type TEXT ("\\n"
for Return), /click X Y, /sleep MS. They are sent whatever the mode: the
customer's agent decides what takes effect.
Output (stdout, one per line): "code: NNNNNNNN", "event: joined",
"event: sas NNN NNN", "event: accepted MODE", "event: refused",
"event: mode MODE", "event: decision MODE accepted|refused",
"event: extended ISO-TIME", "event: screen WIDTHxHEIGHT",
"event: snapshot FILE WIDTHxHEIGHT", "event: ended REASON", "chat: TEXT".
Failures print
"error: TANDEM_ERR_... message" on stderr and exit non-zero.
`;

export const TECH_HELP = `Usage: tandem tech session --relay URL --user NAME --password-file F [options]
       tandem tech invitation FILE_OR_LINK --user NAME --password-file F [options]

Run "tandem tech session --help" or "tandem tech invitation --help" for details.
`;

export const TECH_INVITATION_HELP = `Usage: tandem tech invitation FILE_OR_LINK --user NAME --password-file F [options]

Signs in as a technician and answers a customer's invitation (a .tandem file
or its link), trying the invitation's relays in order. Once connected it
behaves exactly like "tandem tech session" (same output lines and stdin
commands), without the code.

Options:
  --user NAME                        technician user name
  --password-file F                  file holding your sign-in password
  --invitation-password-file F       file holding the invitation's password (required when
                                     the invitation is password protected)
  --mode chat|view|control           mode to ask for at the start (default chat)
  --case N                           case number to attach to the session
  --relay-fingerprint HEX            pin this certificate for relays the invitation gives no
                                     fingerprint for
  --relay-timeout DURATION           wait this long for each relay before the next (default 30s)
  --help                             show this help

Output (stdout): first "invitation: ID from NAME, expires TIME (informative; the
customer's computer decides)", then the lines of tandem tech session.
`;

const COMMON = { relay: { value: true }, 'relay-fingerprint': { value: true }, help: { value: false } } as const;

/** Parses `tandem tech session`'s arguments. */
export function parseTechSession(argv: readonly string[]): TechSessionArgs | HelpArgs {
  const { positionals, options } = scan(argv, {
    ...COMMON,
    user: { value: true },
    'password-file': { value: true },
    case: { value: true },
    mode: { value: true },
  });
  if (options.has('help')) return { command: 'help', text: TECH_SESSION_HELP };
  if (positionals.length > 0) throw bad(`tech session: unexpected argument ${positionals[0]}`);
  const mode = stringOption(options, 'mode') ?? 'chat';
  if (!(MODES as readonly string[]).includes(mode)) throw bad(`--mode: must be one of ${MODES.join(', ')}, got ${mode}`);
  const user = required(options, 'user', 'tech session');
  if (user.length > LIMITS.maxUserNameChars) throw bad(`--user: must be at most ${LIMITS.maxUserNameChars} characters`);
  const args: TechSessionArgs = {
    command: 'tech-session',
    relayUrl: parseRelayUrl(required(options, 'relay', 'tech session')),
    user,
    passwordFile: required(options, 'password-file', 'tech session'),
    mode: mode as Mode,
  };
  const caseNumber = limited(stringOption(options, 'case'), 'case', LIMITS.maxNumberChars);
  if (caseNumber !== undefined) args.caseNumber = caseNumber;
  const fp = stringOption(options, 'relay-fingerprint');
  if (fp !== undefined) args.fingerprint = normaliseFingerprint(fp);
  return args;
}

/** Parses `tandem tech invitation`'s arguments. */
export function parseTechInvitation(argv: readonly string[]): TechInvitationArgs | HelpArgs {
  const scanned = scan(argv, {
    user: { value: true },
    'password-file': { value: true },
    'invitation-password-file': { value: true },
    mode: { value: true },
    case: { value: true },
    'relay-fingerprint': { value: true },
    'relay-timeout': { value: true },
    help: { value: false },
  });
  const { positionals, options } = scanned;
  if (options.has('help')) return { command: 'help', text: TECH_INVITATION_HELP };
  if (positionals.length === 0) throw bad('tech invitation: the invitation FILE_OR_LINK is missing');
  if (positionals.length > 1) throw bad(`tech invitation: unexpected argument ${positionals[1]}`);
  const mode = stringOption(options, 'mode') ?? 'chat';
  if (!(MODES as readonly string[]).includes(mode)) throw bad(`--mode: must be one of ${MODES.join(', ')}, got ${mode}`);
  const user = required(options, 'user', 'tech invitation');
  if (user.length > LIMITS.maxUserNameChars) throw bad(`--user: must be at most ${LIMITS.maxUserNameChars} characters`);
  const args: TechInvitationArgs = {
    command: 'tech-invitation',
    invitation: positionals[0] as string,
    user,
    passwordFile: required(options, 'password-file', 'tech invitation'),
    mode: mode as Mode,
    relayTimeoutMs: relayTimeoutMs(options),
  };
  const invPw = stringOption(options, 'invitation-password-file');
  if (invPw !== undefined) args.invitationPasswordFile = invPw;
  const caseNumber = limited(stringOption(options, 'case'), 'case', LIMITS.maxNumberChars);
  if (caseNumber !== undefined) args.caseNumber = caseNumber;
  const fp = stringOption(options, 'relay-fingerprint');
  if (fp !== undefined) args.fingerprint = normaliseFingerprint(fp);
  return args;
}
