/**
 * Command-line parsing for `tandem join`. The form is fixed (README,
 * "Scriptable command lines"); scripts depend on it:
 *
 *   tandem join CODE --relay URL [--no-browser] [--relay-fingerprint HEX] [--pac URL]
 *               [--name NAME] [--customer-number N] [--case N] [--event-log]
 *               [--rfb-listen 127.0.0.1:PORT --rfb-password-file F]
 *               [--vnc HOST:PORT [--vnc-password-file F]]
 *
 * Without CODE the agent asks for it (on its page, or "Code: " on the
 * terminal) and again after a wrong one. A downloaded agent
 * (docs/agent-file.md) passes {@link JoinDefaults}: its relay's stamp is the
 * default for --relay (the stamped fingerprint only for that relay), and
 * --remove-when-done (on by default) / --no-remove-when-done say whether
 * it removes its own file when it ends.
 *
 * Parsing never touches the network or files; it only validates.
 */
import { LIMITS, normaliseRelayOrigin, parseCode, type AgentStamp } from '@tandem/protocol';
import { bad, limited, normaliseFingerprint, parsePacUrl, required, scan, stringOption, type HelpArgs, type HostPort } from '@tandem/node-client';
import { parseScreenOptions } from './screen-args.js';

/** `tandem join`. */
export interface JoinArgs {
  command: 'join';
  /** The code as typed (validated with parseCode); undefined: ask for it (code-entry.ts). */
  code?: string;
  /** The help desk's name from the downloaded agent's stamp (shown where the code is asked for). */
  helpDesk?: string;
  /** A downloaded agent: whether it removes its own file when it ends (--remove-when-done, the default). */
  removeWhenDone?: boolean;
  /** Relay origin, http(s)://host:port. */
  relayUrl: string;
  /** False with --no-browser: consent on the terminal. */
  browser: boolean;
  fingerprint?: string;
  /** --pac: the PAC script that names the proxy (docs/proxy.md). */
  pac?: string;
  name?: string;
  customerNumber?: string;
  caseNumber?: string;
  eventLog: boolean;
  /** --files-dir: where received files go (default Downloads/Tandem in the home folder). */
  filesDir?: string;
  /** --rfb-listen: also serve the built-in engine to local RFB clients (loopback only). */
  rfbListen?: HostPort;
  /** --rfb-password-file: VNC password for --rfb-listen (required with it). */
  rfbPasswordFile?: string;
  /** --vnc: bridge to this VNC server instead of the built-in engine. */
  vnc?: HostPort;
  /** --vnc-password-file: the VNC server's password. */
  vncPasswordFile?: string;
}

/** What a downloaded agent brings to `join` (agent-executable.ts). */
export interface JoinDefaults {
  /** The relay's stamp: its relay is the default for --relay, its fingerprint pins only that relay. */
  stamp?: AgentStamp;
  /** True for a downloaded agent: --remove-when-done (the default) and --no-remove-when-done are understood. */
  removable?: boolean;
}

export const JOIN_HELP = `Usage: tandem join CODE --relay URL [options]

Joins the support session whose code (8 digits by default) the technician
read out to you. Without CODE it asks for the code (on the local page, or
"Code: " on this terminal) and again after a wrong one. Nothing is shared before you accept on the consent page
(opened in your browser) or, with --no-browser, on this terminal.

Options:
  --relay URL                the relay's address, https://host:port (or http:// behind a TLS proxy)
  --relay-fingerprint HEX    accept exactly the relay certificate with this SHA-256 fingerprint
  --pac URL                  find the proxy with this PAC script (docs/proxy.md: otherwise
                             the policy, proxy.txt, the environment, the desktop's settings)
  --no-browser               ask on the terminal: answer y or n on stdin, further lines are chat
  --name NAME                your name (default: your account's full name)
  --customer-number N        your customer number
  --case N                   the case number (default: the technician's, if set)
  --event-log                keep a local event log in the system log (terminal mode)
  --files-dir DIR            where files the technician sends are saved (default Downloads/Tandem)
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

/** The lines the help of a downloaded agent adds. */
function downloadedHelp(defaults: JoinDefaults): string {
  const relay = defaults.stamp?.relay;
  return `
This is a downloaded Tandem agent${relay !== undefined ? `: --relay defaults to ${relay}` : ''}.
  --remove-when-done         remove this program's file when it ends (the default)
  --no-remove-when-done      keep it
`;
}

/** Parses `tandem join`'s arguments; a downloaded agent passes its {@link JoinDefaults}. */
export function parseJoin(argv: readonly string[], defaults: JoinDefaults = {}): JoinArgs | HelpArgs {
  const removable = defaults.removable === true;
  const { positionals, options } = scan(argv, {
    ...(removable ? { 'remove-when-done': { value: false }, 'no-remove-when-done': { value: false } } : {}),
    relay: { value: true },
    'relay-fingerprint': { value: true },
    pac: { value: true },
    help: { value: false },
    'no-browser': { value: false },
    name: { value: true },
    'customer-number': { value: true },
    case: { value: true },
    'event-log': { value: false },
    'files-dir': { value: true },
    'rfb-listen': { value: true },
    'rfb-password-file': { value: true },
    vnc: { value: true },
    'vnc-password-file': { value: true },
  });
  if (options.has('help')) return { command: 'help', text: removable ? JOIN_HELP + downloadedHelp(defaults) : JOIN_HELP };
  const [code, extra] = positionals;
  if (extra !== undefined) throw bad(`join: unexpected argument ${extra}`);
  if (code !== undefined) parseCode(code);
  const stamp = defaults.stamp;
  const given = stringOption(options, 'relay');
  const relayUrl = given === undefined && stamp !== undefined ? stamp.relay : normaliseRelayOrigin(required(options, 'relay', 'join'), '--relay');
  const args: JoinArgs = {
    command: 'join',
    ...(code !== undefined ? { code } : {}),
    relayUrl,
    browser: !options.has('no-browser'),
    eventLog: options.has('event-log'),
  };
  const pac = stringOption(options, 'pac');
  if (pac !== undefined) args.pac = parsePacUrl(pac);
  const fp = stringOption(options, 'relay-fingerprint');
  if (fp !== undefined) args.fingerprint = normaliseFingerprint(fp);
  // The stamped fingerprint is that relay's certificate: it never pins another relay given with --relay.
  else if (stamp?.fingerprint !== undefined && relayUrl === stamp.relay) args.fingerprint = stamp.fingerprint;
  if (stamp?.helpDesk !== undefined && relayUrl === stamp.relay) args.helpDesk = stamp.helpDesk;
  if (removable) {
    if (options.has('remove-when-done') && options.has('no-remove-when-done')) throw bad('join: --remove-when-done and --no-remove-when-done contradict each other');
    args.removeWhenDone = !options.has('no-remove-when-done');
  }
  const name = limited(stringOption(options, 'name'), 'name', LIMITS.maxNameChars);
  if (name !== undefined) args.name = name;
  const customerNumber = limited(stringOption(options, 'customer-number'), 'customer-number', LIMITS.maxNumberChars);
  if (customerNumber !== undefined) args.customerNumber = customerNumber;
  const caseNumber = limited(stringOption(options, 'case'), 'case', LIMITS.maxNumberChars);
  if (caseNumber !== undefined) args.caseNumber = caseNumber;
  const filesDir = stringOption(options, 'files-dir');
  if (filesDir !== undefined) args.filesDir = filesDir;
  parseScreenOptions(options, args);
  return args;
}
