/**
 * Sets up screen sharing for `tandem join` from its options: the engine
 * (built-in, on the X11 or the Windows desktop driver as the platform has
 * it, or a bridge to a VNC server), the optional local RFB
 * listener (--rfb-listen), the stop-control hotkey, and the
 * {@link ScreenShare} that follows the session.
 */
import { TandemError, toTandemError } from '@tandem/protocol';
import type { HostPort, LineOutput } from '@tandem/node-client';
import type { DesktopSource } from '../desktop/desktop-source.js';
import type { JoinController } from '../session/join-controller.js';
import { startRfbServer, type RfbTcpServer } from '../rfb-server/rfb-server.js';
import { builtinEngine, openPlatformDesktop, platformDesktopProvider, sharedDesktopProvider } from './builtin-engine.js';
import { bridgeEngine } from './bridge-engine.js';
import { readVncPasswordFile } from './password-file.js';
import type { EngineFactory } from './screen-engine.js';
import { ScreenShare, type ScreenSession } from './screen-share.js';
import { StopHotkey, stopHotkeyLabel } from './stop-hotkey.js';
import { WindowsStopHotkey } from './windows-stop-hotkey.js';

/** The screen options of `tandem join`. */
export interface ScreenArgs {
  rfbListen?: HostPort;
  rfbPasswordFile?: string;
  vnc?: HostPort;
  vncPasswordFile?: string;
}

/** What {@link setUpScreen} started; close() stops all of it. */
export interface ScreenSetup {
  share: ScreenShare;
  /** The --rfb-listen server, when asked for. */
  listener: RfbTcpServer | null;
  close(): Promise<void>;
}

/** "127.0.0.1:5900", "[::1]:5900". */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Reads the password files, opens the listener if asked (printing
 * `rfb-listen: HOST:PORT`), and starts following `session`. Throws a clear
 * TandemError for a bad password file or a listener that cannot start.
 */
export async function setUpScreen(opts: {
  args: ScreenArgs;
  session: ScreenSession;
  controller: JoinController;
  out: LineOutput;
  env: NodeJS.ProcessEnv;
}): Promise<ScreenSetup> {
  const { args, controller, out, env } = opts;
  let shared: DesktopSource | null = null;
  let listener: RfbTcpServer | null = null;
  let engine: EngineFactory;
  if (args.vnc !== undefined) {
    const password = args.vncPasswordFile !== undefined ? await readVncPasswordFile(args.vncPasswordFile, '--vnc-password-file') : undefined;
    engine = bridgeEngine({ host: args.vnc.host, port: args.vnc.port, ...(password !== undefined ? { password } : {}) });
  } else if (args.rfbListen !== undefined) {
    // The command line refuses --rfb-listen without --rfb-password-file (screen-args.ts); the check repeats it for embedders.
    if (args.rfbPasswordFile === undefined) throw new TandemError('TANDEM_ERR_BAD_INPUT', '--rfb-listen needs --rfb-password-file F');
    const password = await readVncPasswordFile(args.rfbPasswordFile, '--rfb-password-file');
    const desktop = await openPlatformDesktop(env.DISPLAY);
    shared = desktop;
    try {
      // The customer's own viewers on loopback, with the customer's password: input allowed, as on the screen itself.
      listener = await startRfbServer({ desktop, listen: args.rfbListen, password, name: 'Tandem' });
    } catch (err) {
      await desktop.close();
      throw toTandemError(err, 'TANDEM_ERR_BAD_INPUT');
    }
    out.line(`rfb-listen: ${formatHostPort(listener.host, listener.port)}`);
    engine = builtinEngine(sharedDesktopProvider(desktop));
  } else {
    engine = builtinEngine(platformDesktopProvider(env.DISPLAY));
  }

  const windows = process.platform === 'win32';
  const label = stopHotkeyLabel();
  let hotkey: { setActive(active: boolean): void; close(): void } | null = null;
  let hotkeyState: 'none' | 'opening' | 'open' | 'unavailable' = windows || env.DISPLAY ? 'none' : 'unavailable';
  let inControl = false;
  const onPress = (key?: string): void => controller.takeBackControl(key);
  const onError = (err: Error): void => out.say(`The ${label} hotkey is not available (${err.message}); use the page's button or /stop-control.`);
  // Windows: a low-level keyboard hook (Esc and Ctrl+Alt+Shift+S); X11: a key grab on the root window.
  const openHotkey = (): Promise<{ setActive(active: boolean): void; close(): void }> =>
    windows ? WindowsStopHotkey.open({ onPress, onError }) : StopHotkey.open({ display: env.DISPLAY ?? '', onPress, onError });
  const onControl = (control: boolean): void => {
    inControl = control;
    if (hotkeyState === 'open') hotkey?.setActive(control);
    if (!control || hotkeyState !== 'none') return;
    hotkeyState = 'opening';
    openHotkey().then(
      (h) => {
        if (hotkeyState !== 'opening') {
          h.close();
          return;
        }
        hotkey = h;
        hotkeyState = 'open';
        h.setActive(inControl);
      },
      (err: unknown) => {
        hotkeyState = 'unavailable';
        out.say(`The ${label} hotkey is not available (${toTandemError(err).message}); use the page's button or /stop-control.`);
      },
    );
  };

  const share = new ScreenShare({
    session: opts.session,
    engine,
    report: (err: TandemError) => {
      out.error(err);
      controller.notice('system.screenError', { message: err.message });
    },
    stepDown: (mode) => controller.stepDown(mode),
    onControl,
    onNotice: (notice) => {
      const key = notice === 'secure-desktop' ? 'system.secureDesktop' : 'system.secureDesktopGone';
      controller.notice(key);
      out.say(notice === 'secure-desktop'
        ? 'Windows is showing its secure screen (a permission prompt, Ctrl+Alt+Del or the lock screen): your technician cannot see or use it; answer it yourself.'
        : 'Your own screen is back: your technician sees it again.');
    },
  });

  return {
    share,
    listener,
    close: async () => {
      hotkeyState = 'unavailable';
      hotkey?.close();
      hotkey = null;
      await listener?.close();
      await shared?.close();
    },
  };
}
