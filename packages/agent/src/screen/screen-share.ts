/**
 * Carries the customer's screen over the session by the rule of the rfb
 * stream's life (docs/protocol.md): each time the mode goes from chat to view
 * or control a fresh RFB stream starts, with the agent as the server; going
 * down to chat ends it; view <-> control only changes input gating. Every
 * byte from the technician goes through a {@link Gatekeeper} whose mode is
 * switched synchronously with the session's mode event, before any further
 * byte is forwarded.
 */
import { ERROR_CATALOGUE, TandemError, toTandemError, type CustomerEvent, type CustomerSession, type Mode } from '@tandem/protocol';
import type { DesktopNotice } from '../desktop/desktop-source.js';
import { Gatekeeper, type GateMode } from '../gatekeeper/gatekeeper.js';
import { sendWithBackpressure } from './rfb-channel.js';
import type { EngineFactory, ScreenEngine } from './screen-engine.js';

/** The session operations the screen share uses. */
export type ScreenSession = Pick<CustomerSession, 'onEvent' | 'sendRfb' | 'bufferedAmount' | 'fail' | 'sendChat' | 'state'>;

/** Options of {@link ScreenShare}. */
export interface ScreenShareOptions {
  session: ScreenSession;
  engine: EngineFactory;
  /** Shows a problem to the customer (terminal, page). */
  report(err: TandemError): void;
  /** Steps the session down (the controller, so the page and log follow). */
  stepDown(mode: Mode): void;
  /** Told whenever control starts or ends (the hotkey grab follows it). */
  onControl?(inControl: boolean): void;
  /** Told what the desktop tells about itself (the secure desktop on Windows), for the customer's page and terminal; the technician is told by the share. */
  onNotice?(notice: DesktopNotice): void;
  /** How long a notice to the technician gets before the session is failed, ms. */
  noticeGraceMs?: number;
}

/**
 * Most bytes of the technician's stream held while the engine starts (a
 * bridge may wait seconds for its VNC server). An RFB client speaks only
 * after the server's ProtocolVersion (RFC 6143 §7.1.1), which the engine
 * sends once it runs, so an honest technician sends nothing here; past this
 * the stream ends as a protocol violation.
 */
export const MAX_PENDING_RFB_BYTES = 64 * 1024;

/** States of one stream: starting (engine opening, bytes queued) → running → closed. */
type StreamState = 'starting' | 'running' | 'closed';

/** One RFB stream: its gatekeeper and its engine. */
class ScreenStream {
  readonly gate: Gatekeeper;
  state: StreamState = 'starting';
  engine: ScreenEngine | null = null;
  readonly pending: Uint8Array[] = [];
  /** Bytes in {@link pending}, bounded by {@link MAX_PENDING_RFB_BYTES}. */
  pendingBytes = 0;

  constructor(mode: GateMode, allowEncoding: (e: number) => boolean) {
    this.gate = new Gatekeeper({ mode, allowEncoding });
  }
}

/** Follows one customer session and serves its screen while the mode allows. */
export class ScreenShare {
  readonly #opts: ScreenShareOptions;
  #stream: ScreenStream | null = null;
  #mode: Mode | undefined;
  #ending = false;

  constructor(opts: ScreenShareOptions) {
    this.#opts = opts;
    opts.session.onEvent((event) => this.#onEvent(event));
  }

  /** The live stream's gatekeeper (diagnostics and tests). */
  get gatekeeper(): Gatekeeper | null {
    return this.#stream?.gate ?? null;
  }

  #onEvent(event: CustomerEvent): void {
    try {
      this.#handle(event);
    } catch (err) {
      // Nothing may escape into the session's emitter: a broken stream ends here, with the reason shown.
      const stream = this.#stream;
      if (stream !== null) this.#streamFailed(stream, toTandemError(err));
      else this.#opts.report(toTandemError(err));
    }
  }

  #handle(event: CustomerEvent): void {
    switch (event.type) {
      case 'mode':
        this.#onMode(event.mode);
        return;
      case 'rfb':
        this.#receive(event.data);
        return;
      case 'ended':
      case 'failed':
        this.#mode = undefined;
        this.#opts.onControl?.(false);
        this.#stop();
        return;
      default:
        return;
    }
  }

  #onMode(mode: Mode): void {
    const from = this.#mode;
    this.#mode = mode;
    this.#applyMode(from, mode);
    this.#opts.onControl?.(mode === 'control');
  }

  #applyMode(from: Mode | undefined, mode: Mode): void {
    if (mode === 'chat') {
      this.#stop();
      return;
    }
    if (from === 'chat' || from === undefined) {
      // chat → view/control (or the first accept): a fresh stream, whatever was there before.
      this.#stop();
      this.#start(mode);
      return;
    }
    const stream = this.#stream;
    // A stream that failed is not restarted on view <-> control: only chat → view starts one.
    if (stream === null) return;
    // view <-> control: the gate switches now, before any further byte is judged.
    const releases = stream.gate.setMode(mode);
    stream.engine?.setInputAllowed(mode === 'control', releases);
  }

  #start(mode: GateMode): void {
    const stream = new ScreenStream(mode, this.#opts.engine.allowEncoding);
    this.#stream = stream;
    const session = this.#opts.session;
    const live = (): boolean => stream.state !== 'closed' && session.state === 'active';
    this.#opts.engine.start({
      inputAllowed: mode === 'control',
      send: (bytes) => (live() ? sendWithBackpressure(session, bytes, live) : Promise.resolve()),
      ended: () => {
        if (stream.state === 'closed') return;
        this.#streamFailed(stream, new TandemError('TANDEM_ERR_PEER_LOST', `${this.#opts.engine.label} ended the screen stream`));
      },
      fail: (err) => {
        if (stream.state === 'closed') return;
        this.#streamFailed(stream, err);
      },
      notice: (notice) => {
        if (!live()) return;
        this.#tellTechnician(notice);
        this.#opts.onNotice?.(notice);
      },
    }).then(
      (engine) => {
        if (stream.state === 'closed') {
          engine.close().catch((err: unknown) => this.#opts.report(toTandemError(err)));
          return;
        }
        stream.engine = engine;
        stream.state = 'running';
        // The gate's mode may have changed while the engine opened; the engine follows it now.
        engine.setInputAllowed(stream.gate.mode === 'control', []);
        const queued = stream.pending.splice(0);
        stream.pendingBytes = 0;
        for (const bytes of queued) this.#feed(stream, bytes);
      },
      (err: unknown) => {
        if (stream.state === 'closed') return;
        this.#streamFailed(stream, toTandemError(err));
      },
    );
  }

  #receive(bytes: Uint8Array): void {
    const stream = this.#stream;
    // Bytes of a stream that is over (sent before the technician saw the step down) are dropped.
    if (stream === null || stream.state === 'closed') return;
    if (stream.state === 'starting') {
      stream.pendingBytes += bytes.length;
      if (stream.pendingBytes > MAX_PENDING_RFB_BYTES) {
        this.#protocolViolation(stream, new TandemError('TANDEM_ERR_PROTOCOL', `the technician sent more than ${MAX_PENDING_RFB_BYTES} bytes on the screen stream before the screen engine started (an RFB client speaks only after the server's ProtocolVersion, RFC 6143 §7.1.1)`));
        return;
      }
      stream.pending.push(bytes);
      return;
    }
    this.#feed(stream, bytes);
  }

  #feed(stream: ScreenStream, bytes: Uint8Array): void {
    const engine = stream.engine as ScreenEngine;
    let pieces;
    try {
      pieces = stream.gate.push(bytes);
    } catch (err) {
      this.#protocolViolation(stream, toTandemError(err, 'TANDEM_ERR_PROTOCOL'));
      return;
    }
    for (const piece of pieces) {
      if (stream.state !== 'running') return;
      engine.deliver(piece);
    }
  }

  /** The technician learns in the chat what the customer's desktop told (a line of the agent's, as for a screen that cannot be shared). */
  #tellTechnician(notice: DesktopNotice): void {
    const text = notice === 'secure-desktop'
      ? `[tandem] TANDEM_ERR_SECURE_DESKTOP: ${ERROR_CATALOGUE.TANDEM_ERR_SECURE_DESKTOP.summary}`
      : "[tandem] The customer's own desktop is back: the picture and input work again.";
    try {
      this.#opts.session.sendChat(text);
    } catch (err) {
      this.#opts.report(toTandemError(err));
    }
  }

  /** The technician's stream broke the protocol: the session ends, and both sides learn why. */
  #protocolViolation(stream: ScreenStream, err: TandemError): void {
    this.#closeStream(stream);
    if (this.#ending) return;
    this.#ending = true;
    // The session's failure below is what the terminal and the page show.
    const session = this.#opts.session;
    try {
      session.sendChat(`[tandem] ${err.code}: ${err.message}. The customer's agent ended the session.`);
    } catch (chatErr) {
      // The session may already be over; failing it below is what matters.
      void chatErr;
    }
    // The notice is sealed and sent asynchronously; give it a moment to leave before the close.
    setTimeout(() => session.fail(err), this.#opts.noticeGraceMs ?? 300);
  }

  /** The screen could not be served: the customer sees why, the technician is told, the session goes on in chat. */
  #streamFailed(stream: ScreenStream, err: TandemError): void {
    if (err.code === 'TANDEM_ERR_PROTOCOL') {
      this.#protocolViolation(stream, err);
      return;
    }
    this.#closeStream(stream);
    this.#opts.report(err);
    const session = this.#opts.session;
    if (session.state !== 'active') return;
    try {
      session.sendChat(`[tandem] The customer's screen cannot be shared: ${err.message}`);
      if (this.#mode !== 'chat') this.#opts.stepDown('chat');
    } catch (notice) {
      this.#opts.report(toTandemError(notice));
    }
  }

  #closeStream(stream: ScreenStream): void {
    if (stream.state === 'closed') return;
    stream.state = 'closed';
    stream.gate.close();
    stream.pending.length = 0;
    stream.pendingBytes = 0;
    if (this.#stream === stream) this.#stream = null;
    const engine = stream.engine;
    stream.engine = null;
    engine?.close().catch((err: unknown) => this.#opts.report(toTandemError(err)));
  }

  #stop(): void {
    if (this.#stream !== null) this.#closeStream(this.#stream);
  }
}
