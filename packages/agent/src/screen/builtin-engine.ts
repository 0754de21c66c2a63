/**
 * The built-in engine behind the gatekeeper: the agent's RFB server
 * (packages/agent/src/rfb) over the platform's desktop driver (X11, or
 * Windows on win32), speaking on the session's rfb channel with security
 * None (the session is already authenticated end to end).
 */
import { Duplex } from 'node:stream';
import { TandemError } from '@tandem/protocol';
import type { DesktopSource } from '../desktop/desktop-source.js';
import { WindowsDesktop } from '../desktop/windows/windows-desktop.js';
import { X11Desktop } from '../desktop/x11-desktop.js';
import { builtinEncodingFilter } from '../gatekeeper/safe-encodings.js';
import { defaultEncoders } from '../rfb-server/encoders/registry.js';
import { serveRfb } from '../rfb-server/rfb-server.js';
import type { EngineContext, EngineFactory, ScreenEngine } from './screen-engine.js';

/** A desktop borrowed for one stream; release() closes it unless it is shared. */
export interface DesktopLease {
  desktop: DesktopSource;
  release(): Promise<void>;
}

/** Hands out desktops: a shared one (kept open for --rfb-listen) or a fresh one per stream. */
export interface DesktopProvider {
  acquire(): Promise<DesktopLease>;
}

/** The platform's desktop driver: Windows on win32 (GDI, SendInput), X11 (the display `display`, default $DISPLAY) elsewhere. */
export function openPlatformDesktop(display?: string, platform: NodeJS.Platform = process.platform): Promise<DesktopSource> {
  if (platform === 'win32') return WindowsDesktop.open();
  return X11Desktop.open(display !== undefined ? { display } : {});
}

/** What the built-in engine is called in messages, per platform. */
export function builtinEngineLabel(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? 'the built-in Windows engine' : 'the built-in X11 engine';
}

/** Opens the platform's desktop ({@link openPlatformDesktop}) per stream and closes it when the stream ends. */
export function platformDesktopProvider(display?: string): DesktopProvider {
  return {
    acquire: async () => {
      const desktop = await openPlatformDesktop(display);
      return { desktop, release: () => desktop.close() };
    },
  };
}

/** Lends one desktop that stays open (its owner closes it). */
export function sharedDesktopProvider(desktop: DesktopSource): DesktopProvider {
  return { acquire: () => Promise.resolve({ desktop, release: () => Promise.resolve() }) };
}

/** The built-in engine's factory. */
export function builtinEngine(desktops: DesktopProvider, name = 'Tandem'): EngineFactory {
  const encoders = defaultEncoders();
  return {
    label: builtinEngineLabel(),
    allowEncoding: builtinEncodingFilter(encoders.keys()),
    start: async (ctx: EngineContext): Promise<ScreenEngine> => {
      let lease: DesktopLease;
      try {
        lease = await desktops.acquire();
      } catch (err) {
        const e = err as Error;
        throw new TandemError(err instanceof TandemError ? err.code : 'TANDEM_ERR_INTERNAL', `the screen cannot be shared: ${e.message}`);
      }
      const channel = new ContextDuplex(ctx);
      // What the desktop tells about itself (the secure desktop on Windows) goes to the share, which tells both sides.
      const quiet = (): void => undefined;
      const stopNotices = lease.desktop.subscribe({ onChange: quiet, onResize: quiet, onCursor: quiet, onClosed: quiet, onNotice: (n) => ctx.notice(n) });
      let closing = false;
      const conn = serveRfb(channel, {
        desktop: lease.desktop,
        encoders,
        name,
        inputAllowed: ctx.inputAllowed,
        onClose: (err) => {
          if (closing) return;
          if (err === null) ctx.ended();
          else ctx.fail(err);
        },
      });
      return {
        deliver: (piece) => channel.deliver(piece.raw),
        // The server's own gate releases what this connection held (XTEST releaseAll).
        setInputAllowed: (allowed) => conn.setInputAllowed(allowed),
        close: async () => {
          closing = true;
          stopNotices();
          conn.close();
          await lease.release();
        },
      };
    },
  };
}

/** A Duplex whose writes go to the engine context (with its backpressure) and whose reads are delivered bytes. */
class ContextDuplex extends Duplex {
  readonly #ctx: EngineContext;
  #open = true;

  constructor(ctx: EngineContext) {
    super({ allowHalfOpen: false });
    this.#ctx = ctx;
  }

  deliver(bytes: Uint8Array): void {
    if (this.#open) this.push(bytes);
  }

  override _read(): void {
    // Bytes arrive through deliver(); there is nothing to pull.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.#open) {
      callback();
      return;
    }
    this.#ctx.send(chunk).then(() => callback(), (err: unknown) => callback(err as Error));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#open = false;
    callback(error);
  }
}
