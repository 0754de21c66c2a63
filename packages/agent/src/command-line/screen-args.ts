/**
 * The screen options `tandem join` and `tandem invite` share: the built-in
 * engine's local listener and the bridge to a VNC server already running.
 */
import { bad, isLoopbackHost, parseHostPort, stringOption, type HostPort } from '@tandem/node-client';

/** The screen options `tandem join` and `tandem invite` share. */
export interface ScreenOptionArgs {
  rfbListen?: HostPort;
  rfbPasswordFile?: string;
  vnc?: HostPort;
  vncPasswordFile?: string;
}

/** Parses --rfb-listen, --rfb-password-file, --vnc, --vnc-password-file into `args`. */
export function parseScreenOptions(options: Map<string, string | true>, args: ScreenOptionArgs): void {
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

