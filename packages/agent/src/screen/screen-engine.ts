/**
 * What serves the customer's screen behind the gatekeeper: the built-in
 * engine (an RFB server over the X11 or Windows desktop) or a bridge to a VNC server
 * already running. One engine instance serves one RFB stream.
 */
import type { TandemError } from '@tandem/protocol';
import type { DesktopNotice } from '../desktop/desktop-source.js';
import type { GatePiece } from '../gatekeeper/gatekeeper.js';

/** One running engine, fed by the gatekeeper. */
export interface ScreenEngine {
  /** Forwards one piece of the technician's stream that the gatekeeper accepted. */
  deliver(piece: GatePiece): void;
  /**
   * Turns input on or off. Off releases every key and button still held;
   * `releases` are the client messages that do so, for engines that can only
   * release by sending them (the bridge).
   */
  setInputAllowed(allowed: boolean, releases: readonly Uint8Array[]): void;
  /** Ends the stream and frees what it used. */
  close(): Promise<void>;
}

/** What an engine gets from the stream it serves. */
export interface EngineContext {
  /** Sends server-to-technician bytes; resolves when the network can take more. */
  send(bytes: Uint8Array): Promise<void>;
  /** The engine's stream ended on its own, cleanly (its server closed it in order). */
  ended(): void;
  /** The engine's stream failed on its own, with `err`. */
  fail(err: TandemError): void;
  /** The desktop has something to tell both sides (the secure desktop on Windows); the stream goes on. */
  notice(notice: DesktopNotice): void;
  /** Input allowed at the start (control). */
  inputAllowed: boolean;
}

/** Makes engines, one per stream. */
export interface EngineFactory {
  /** For messages: "the built-in X11 engine", "the built-in Windows engine", "the VNC server at HOST:PORT". */
  readonly label: string;
  /** Which SetEncodings entries may pass to this engine. */
  readonly allowEncoding: (encoding: number) => boolean;
  /** Starts an engine for a fresh stream; rejects with a clear TandemError when the screen is not available. */
  start(ctx: EngineContext): Promise<ScreenEngine>;
}
