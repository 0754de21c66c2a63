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
 * Parsing never touches the network or files; it only validates.
 */
import { LIMITS, MODES, TandemError, parseCode, type Mode } from '@tandem/protocol';
import { normaliseFingerprint } from './fingerprint.js';

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

/** A TCP address from the command line. */
export interface HostPort {
  host: string;
  port: number;
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
export type CliArgs = JoinArgs | TechSessionArgs | HelpArgs;

export const MAIN_HELP = `Usage: tandem COMMAND ...

Commands:
  join CODE --relay URL ...      join a support session with the code the technician gave you
  tech session --relay URL ...   run a technician session from a script

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

Commands on stdin: /request view|control, /extend, /end.
Output (stdout, one per line): "code: NNNNNNNN", "event: joined",
"event: sas NNN NNN", "event: accepted MODE", "event: refused",
"event: mode MODE", "event: decision MODE accepted|refused",
"event: ended REASON", "chat: TEXT". Failures print
"error: TANDEM_ERR_... message" on stderr and exit non-zero.
`;

export const TECH_HELP = `Usage: tandem tech session --relay URL --user NAME --password-file F [options]

Run "tandem tech session --help" for details.
`;

interface OptionSpec {
  /** Takes a value (`--x VALUE` or `--x=VALUE`) or is a flag. */
  value: boolean;
}

function bad(message: string): TandemError {
  return new TandemError('TANDEM_ERR_BAD_INPUT', message);
}

/** Splits argv into positionals and options against a spec; rejects unknown and repeated options. */
function scan(argv: readonly string[], spec: Record<string, OptionSpec>): { positionals: string[]; options: Map<string, string | true> } {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] === '-h' ? '--help' : (argv[i] as string);
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg.length > 1) throw bad(`unknown option ${arg}`);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const opt = spec[name];
    if (!opt) throw bad(`unknown option --${name}`);
    if (options.has(name)) throw bad(`--${name} given twice`);
    if (!opt.value) {
      if (eq !== -1) throw bad(`--${name} takes no value`);
      options.set(name, true);
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw bad(`--${name} needs a value`);
      i++;
    }
    options.set(name, value);
  }
  return { positionals, options };
}

function stringOption(options: Map<string, string | true>, name: string): string | undefined {
  const v = options.get(name);
  return typeof v === 'string' ? v : undefined;
}

function required(options: Map<string, string | true>, name: string, command: string): string {
  const v = stringOption(options, name);
  if (v === undefined || v === '') throw bad(`${command}: --${name} is required`);
  return v;
}

/** Validates --relay: an http(s) URL; returns its origin. */
export function parseRelayUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw bad(`--relay: not a URL: ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw bad(`--relay: must start with https:// or http://, got ${value}`);
  if (url.username || url.password) throw bad('--relay: must not contain a user name or password');
  if (url.pathname !== '/' || url.search || url.hash) throw bad(`--relay: give only the relay's address (scheme, host, port), got ${value}`);
  return url.origin;
}

function limited(value: string | undefined, name: string, max: number): string | undefined {
  if (value === undefined) return undefined;
  if (value.length > max) throw bad(`--${name}: must be at most ${max} characters`);
  // eslint-disable-next-line no-control-regex -- matching control characters is the point: they must not reach audit rows or terminals
  if (/[\u0000-\u001f\u007f]/.test(value)) throw bad(`--${name}: must not contain control characters`);
  return value;
}

const COMMON = { relay: { value: true }, 'relay-fingerprint': { value: true }, help: { value: false } } as const;

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

/** Parses HOST:PORT (IPv6 in brackets: [::1]:5900). */
export function parseHostPort(value: string, option: string): HostPort {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  if (!m) throw bad(`--${option}: expected HOST:PORT, got ${value}`);
  const port = Number(m[3]);
  if (port > 65535) throw bad(`--${option}: port ${port} is out of range`);
  const host = (m[1] ?? m[2]) as string;
  if (host.length > 255) throw bad(`--${option}: host name too long`);
  return { host, port };
}

/** True for loopback addresses: 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function parseScreenOptions(options: Map<string, string | true>, args: JoinArgs): void {
  const listen = stringOption(options, 'rfb-listen');
  const listenPw = stringOption(options, 'rfb-password-file');
  const vnc = stringOption(options, 'vnc');
  const vncPw = stringOption(options, 'vnc-password-file');
  if (listen !== undefined) {
    const hp = parseHostPort(listen, 'rfb-listen');
    // A VNC password is weak (8 bytes, DES challenge): the listener is for local viewers only.
    if (!isLoopbackHost(hp.host)) throw bad(`--rfb-listen: ${hp.host} is not a loopback address; only 127.0.0.1, ::1 or localhost are allowed`);
    if (listenPw === undefined || listenPw === '') throw bad('--rfb-listen needs --rfb-password-file F');
    if (vnc !== undefined) throw bad('--rfb-listen serves the built-in engine; it cannot be combined with --vnc');
    args.rfbListen = hp;
    args.rfbPasswordFile = listenPw;
  } else if (listenPw !== undefined) {
    throw bad('--rfb-password-file is only for --rfb-listen');
  }
  if (vnc !== undefined) args.vnc = parseHostPort(vnc, 'vnc');
  if (vncPw !== undefined) {
    if (vnc === undefined) throw bad('--vnc-password-file is only for --vnc');
    if (vncPw === '') throw bad('--vnc-password-file needs a file name');
    args.vncPasswordFile = vncPw;
  }
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
    case 'tech': {
      const [sub, ...more] = rest;
      if (sub === 'session') return parseTechSession(more);
      if (sub === '--help' || sub === '-h') return { command: 'help', text: TECH_HELP };
      if (sub === undefined) throw bad('tech: a command is missing: tandem tech session --relay URL --user NAME --password-file F');
      throw bad(`tech: unknown command ${sub} (did you mean "tandem tech session"?)`);
    }
    default:
      throw bad(`unknown command ${command}`);
  }
}
