/**
 * Command-line parsing for `tandem`. The forms are fixed by issue 2
 * ("Scriptable command lines"); scripts depend on them:
 *
 *   tandem join CODE --relay URL [--no-browser] [--relay-fingerprint HEX]
 *               [--name NAME] [--customer-number N] [--case N] [--event-log]
 *               [--rfb-listen 127.0.0.1:PORT --rfb-password-file F]
 *               [--vnc HOST:PORT [--vnc-password-file F]]
 *   tandem tech session --relay URL --user NAME --password-file F [--case N]
 *               [--mode chat|view|control] [--relay-fingerprint HEX]
 *
 * and, for invitations (issue 4), the forms in invite-args.ts.
 *
 * Parsing never touches the network or files; it only validates.
 */
import { LIMITS, MODES, parseCode, type Mode } from '@tandem/protocol';
import { normaliseFingerprint } from './fingerprint.js';
import { bad, limited, parseRelayUrl, parseScreenOptions, required, scan, stringOption, type HostPort } from './cli-scan.js';
import { parseExpire, parseInvitations, parseInvite, parseTechInvitation, type ExpireArgs, type InvitationsArgs, type InviteArgs, type TechInvitationArgs } from './invite-args.js';

/** `tandem join`. */
export interface JoinArgs {
  command: 'join';
  /** The code as typed (validated with parseCode). */
  code: string;
  /** Relay origin, http(s)://host:port. */
  relayUrl: string;
  /** False with --no-browser: consent on the terminal. */
  browser: boolean;
  fingerprint?: string;
  name?: string;
  customerNumber?: string;
  caseNumber?: string;
  eventLog: boolean;
  /** --rfb-listen: also serve the built-in engine to local RFB clients (loopback only). */
  rfbListen?: HostPort;
  /** --rfb-password-file: VNC password for --rfb-listen (required with it). */
  rfbPasswordFile?: string;
  /** --vnc: bridge to this VNC server instead of the built-in engine. */
  vnc?: HostPort;
  /** --vnc-password-file: the VNC server's password. */
  vncPasswordFile?: string;
}

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

/** `--help` anywhere: print this text and exit 0. */
export interface HelpArgs {
  command: 'help';
  text: string;
}

/** Any parsed command line. */
export type CliArgs = JoinArgs | TechSessionArgs | InviteArgs | InvitationsArgs | ExpireArgs | TechInvitationArgs | HelpArgs;

export const MAIN_HELP = `Usage: tandem COMMAND ...

Commands:
  join CODE --relay URL ...      join a support session with the code the technician gave you
  invite --relay URL --expires D invite a technician with an invitation file and link, and wait
  invitations                    list the invitations made on this computer
  expire ID | --all              expire an invitation at once (every copy stops working)
  tech session --relay URL ...   run a technician session from a script
  tech invitation FILE_OR_LINK   answer a customer's invitation from a script

Run "tandem COMMAND --help" for the options of each command.
`;

export const JOIN_HELP = `Usage: tandem join CODE --relay URL [options]

Joins the support session whose code (8 digits by default) the technician
read out to you. Nothing is shared before you accept on the consent page
(opened in your browser) or, with --no-browser, on this terminal.

Options:
  --relay URL                the relay's address, https://host:port (or http:// behind a TLS proxy)
  --relay-fingerprint HEX    accept exactly the relay certificate with this SHA-256 fingerprint
  --no-browser               ask on the terminal: answer y or n on stdin, further lines are chat
  --name NAME                your name (default: your account's full name)
  --customer-number N        your customer number
  --case N                   the case number (default: the technician's, if set)
  --event-log                keep a local event log in the system log (terminal mode)
  --vnc HOST:PORT            share the screen through the VNC server already running there
                             (x11vnc, TigerVNC, ...) instead of the built-in X11 engine
  --vnc-password-file F      that server's VNC password: plain text (first line) or a
                             vncpasswd / x11vnc -storepasswd file
  --rfb-listen HOST:PORT     also serve the built-in engine to local VNC viewers on this
                             loopback address (port 0: any free port); prints
                             "rfb-listen: HOST:PORT"
  --rfb-password-file F      VNC password those viewers must give, in either format above
                             (required with --rfb-listen)
  --help                     show this help

The screen is shared only while you allow view or control: the built-in
engine reads the X display in $DISPLAY. In shared control you take control
back at any time with the page's button, "/stop-control" on this terminal,
or the hotkey Ctrl+Alt+Shift+S on your own keyboard; the session then goes
on in view only.

Output (stdout, one per line): "event: joined", "event: sas NNN NNN",
"event: mode MODE", "event: ended REASON", "chat: TEXT"; with the consent page
first "page: URL". In terminal mode the commands /stop-control, /mode chat|view
and /end are understood. Failures print "error: TANDEM_ERR_... message" on
stderr and exit non-zero.
`;

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

export { parseRelayUrl, parseHostPort, isLoopbackHost, type HostPort } from './cli-scan.js';

export const COMMON = { relay: { value: true }, 'relay-fingerprint': { value: true }, help: { value: false } } as const;

function parseJoin(argv: readonly string[]): JoinArgs | HelpArgs {
  const { positionals, options } = scan(argv, {
    ...COMMON,
    'no-browser': { value: false },
    name: { value: true },
    'customer-number': { value: true },
    case: { value: true },
    'event-log': { value: false },
    'rfb-listen': { value: true },
    'rfb-password-file': { value: true },
    vnc: { value: true },
    'vnc-password-file': { value: true },
  });
  if (options.has('help')) return { command: 'help', text: JOIN_HELP };
  if (positionals.length === 0) throw bad('join: the session CODE is missing (tandem join CODE --relay URL)');
  if (positionals.length > 1) throw bad(`join: unexpected argument ${positionals[1]}`);
  const code = positionals[0] as string;
  parseCode(code);
  const args: JoinArgs = {
    command: 'join',
    code,
    relayUrl: parseRelayUrl(required(options, 'relay', 'join')),
    browser: !options.has('no-browser'),
    eventLog: options.has('event-log'),
  };
  const fp = stringOption(options, 'relay-fingerprint');
  if (fp !== undefined) args.fingerprint = normaliseFingerprint(fp);
  const name = limited(stringOption(options, 'name'), 'name', LIMITS.maxNameChars);
  if (name !== undefined) args.name = name;
  const customerNumber = limited(stringOption(options, 'customer-number'), 'customer-number', LIMITS.maxNumberChars);
  if (customerNumber !== undefined) args.customerNumber = customerNumber;
  const caseNumber = limited(stringOption(options, 'case'), 'case', LIMITS.maxNumberChars);
  if (caseNumber !== undefined) args.caseNumber = caseNumber;
  parseScreenOptions(options, args);
  return args;
}

function parseTechSession(argv: readonly string[]): TechSessionArgs | HelpArgs {
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

/**
 * Parses `tandem`'s arguments (without `node` and the script path).
 * Throws TANDEM_ERR_BAD_INPUT with a one-line message on any mistake.
 */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      throw bad('a command is missing: tandem join CODE --relay URL, or tandem tech session ...');
    case '--help':
    case '-h':
    case 'help':
      return { command: 'help', text: MAIN_HELP };
    case 'join':
      return parseJoin(rest);
    case 'invite':
      return parseInvite(rest);
    case 'invitations':
      return parseInvitations(rest);
    case 'expire':
      return parseExpire(rest);
    case 'tech': {
      const [sub, ...more] = rest;
      if (sub === 'session') return parseTechSession(more);
      if (sub === 'invitation') return parseTechInvitation(more);
      if (sub === '--help' || sub === '-h') return { command: 'help', text: TECH_HELP };
      if (sub === undefined) throw bad('tech: a command is missing: tandem tech session --relay URL --user NAME --password-file F');
      throw bad(`tech: unknown command ${sub} (did you mean "tandem tech session" or "tandem tech invitation"?)`);
    }
    default:
      throw bad(`unknown command ${command}`);
  }
}
