/**
 * Command-line parsing for `tandem join`. The form is fixed (README,
 * "Scriptable command lines"); scripts depend on it:
 *
 *   tandem join CODE --relay URL [--no-browser] [--relay-fingerprint HEX]
 *               [--name NAME] [--customer-number N] [--case N] [--event-log]
 *               [--rfb-listen 127.0.0.1:PORT --rfb-password-file F]
 *               [--vnc HOST:PORT [--vnc-password-file F]]
 *
 * Parsing never touches the network or files; it only validates.
 */
import { LIMITS, normaliseRelayOrigin, parseCode } from '@tandem/protocol';
import { bad, limited, normaliseFingerprint, required, scan, stringOption, type HelpArgs, type HostPort } from '@tandem/node-client';
import { parseScreenOptions } from './screen-args.js';

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

/** Parses `tandem join`'s arguments. */
export function parseJoin(argv: readonly string[]): JoinArgs | HelpArgs {
  const { positionals, options } = scan(argv, {
    relay: { value: true },
    'relay-fingerprint': { value: true },
    help: { value: false },
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
  const [code, extra] = positionals;
  if (code === undefined) throw bad('join: the session CODE is missing (tandem join CODE --relay URL)');
  if (extra !== undefined) throw bad(`join: unexpected argument ${extra}`);
  parseCode(code);
  const args: JoinArgs = {
    command: 'join',
    code,
    relayUrl: normaliseRelayOrigin(required(options, 'relay', 'join'), '--relay'),
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
