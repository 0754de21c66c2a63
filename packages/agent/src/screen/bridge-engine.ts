/**
 * Bridge mode (`tandem join --vnc HOST:PORT`): a VNC server already running
 * on the customer's machine serves the screen. Towards the technician the
 * agent is an RFB 3.8 server with security None (the session is already
 * authenticated) that sends the real server's ServerInit; from then on
 * technician-to-server bytes pass only as the gatekeeper lets them, and
 * server-to-technician bytes only as the server gate frames and filters
 * them (gatekeeper/server-gate.ts: the customer's clipboard stays home). A
 * fresh server connection per stream.
 *
 * Both directions have backpressure. Towards the technician the server's
 * socket is paused while the session's backlog is high. Towards the server,
 * a write the socket cannot take at once waits in a queue until `drain`;
 * the technician cannot be paused, so that queue is bounded
 * ({@link MAX_VNC_BACKLOG_BYTES}) and a server that stops reading ends the
 * stream instead of growing the agent's memory.
 */
import type { Socket } from 'node:net';
import { StateMachine, TandemError, toTandemError, type Transitions } from '@tandem/protocol';
import { SECURITY, defaultRectFramers, protocolVersion, type RfbMinorVersion } from '@tandem/rfb';
import type { GatePiece } from '../gatekeeper/gatekeeper.js';
import { bridgeEncodingFilter } from '../gatekeeper/safe-encodings.js';
import { ServerGate } from '../gatekeeper/server-gate.js';
import type { EngineContext, EngineFactory, ScreenEngine } from './screen-engine.js';
import { connectVncUpstream, type VncUpstreamOptions } from './vnc-upstream.js';

/**
 * Most bytes of the technician's stream that may wait for a VNC server that
 * does not read (the socket's own buffer included). Above the largest
 * client message the gatekeeper passes (a 1 MiB ClientCutText), so only a
 * stuck server reaches it.
 */
export const MAX_VNC_BACKLOG_BYTES = 2 * 1024 * 1024;

/** The bridge's factory. */
export function bridgeEngine(upstream: VncUpstreamOptions): EngineFactory {
  const label = `the VNC server at ${upstream.host}:${upstream.port}`;
  const framers = defaultRectFramers();
  return {
    label,
    // Exactly the encodings whose rectangles the server gate frames: a server may only send what was asked for.
    allowEncoding: bridgeEncodingFilter(framers.keys()),
    start: async (ctx: EngineContext): Promise<ScreenEngine> => {
      const up = await connectVncUpstream(upstream);
      let gate: ServerGate;
      try {
        gate = new ServerGate({ serverInit: up.serverInit, label, framers });
      } catch (err) {
        up.socket.destroy();
        throw err;
      }
      return new BridgeEngine(ctx, { label, socket: up.socket, serverInit: up.serverInit, leftover: up.leftover, gate });
    },
  };
}

/**
 * States: `answering` (the technician's side of the handshake) →
 * `forwarding` ⇄ `backed-up` (the server's socket is full: the technician's
 * bytes wait for `drain`) → `closed`.
 */
type BridgeState = 'answering' | 'forwarding' | 'backed-up' | 'closed';

const TRANSITIONS: Transitions<BridgeState> = {
  answering: ['forwarding', 'closed'],
  forwarding: ['backed-up', 'closed'],
  'backed-up': ['forwarding', 'closed'],
  closed: [],
};

/** What a bridged stream is made of. */
interface BridgeParts {
  label: string;
  socket: Socket;
  serverInit: Uint8Array;
  /** Bytes the server sent after ServerInit, read with it during the handshake. */
  leftover: Uint8Array;
  gate: ServerGate;
}

/** One bridged stream. */
class BridgeEngine implements ScreenEngine {
  readonly #machine = new StateMachine<BridgeState>({ name: 'vnc bridge', initial: 'answering', transitions: TRANSITIONS });
  readonly #ctx: EngineContext;
  readonly #parts: BridgeParts;
  #minor: RfbMinorVersion = 8;
  /** The technician's bytes waiting for the server's socket to drain, and their total. */
  #waiting: Uint8Array[] = [];
  #waitingBytes = 0;

  constructor(ctx: EngineContext, parts: BridgeParts) {
    this.#ctx = ctx;
    this.#parts = parts;
    const { socket } = parts;
    socket.on('error', (err) => this.#fail(new TandemError('TANDEM_ERR_PEER_LOST', `${parts.label}: the connection failed: ${err.message}`)));
    socket.on('close', () => this.#fail(new TandemError('TANDEM_ERR_PEER_LOST', `${parts.label} closed the connection`)));
    socket.on('drain', () => this.#drained());
    this.#send(protocolVersion(8));
  }

  deliver(piece: GatePiece): void {
    if (this.#machine.is('closed')) return;
    switch (piece.phase) {
      case 'version':
        this.#minor = piece.minor;
        // §7.1.2: 3.3 gets the server's choice as a u32; 3.7 and 3.8 get the list (only None).
        this.#send(piece.minor === 3 ? Uint8Array.of(0, 0, 0, SECURITY.none) : Uint8Array.of(1, SECURITY.none));
        return;
      case 'security':
        // §7.1.3: SecurityResult after None only in 3.8.
        if (this.#minor === 8) this.#send(new Uint8Array(4));
        return;
      case 'init':
        this.#send(this.#parts.serverInit);
        this.#startForwarding();
        return;
      case 'message':
        try {
          // The server gate learns of the message as the server will: a pixel format or encodings change what it may send.
          this.#parts.gate.clientSent(piece.message);
        } catch (err) {
          this.#fail(toTandemError(err, 'TANDEM_ERR_PROTOCOL'));
          return;
        }
        this.#toServer(piece.raw);
        return;
    }
  }

  setInputAllowed(allowed: boolean, releases: readonly Uint8Array[]): void {
    // The server is another program: what the technician holds is released by sending the releases.
    if (allowed || this.#machine.is('answering', 'closed')) return;
    for (const r of releases) this.#toServer(r);
  }

  close(): Promise<void> {
    this.#shutDown();
    return Promise.resolve();
  }

  #send(bytes: Uint8Array): void {
    this.#ctx.send(bytes).catch((err: unknown) => this.#fail(toTandemError(err)));
  }

  #startForwarding(): void {
    this.#machine.to('forwarding');
    const { socket, leftover } = this.#parts;
    // One chunk at a time: the socket is paused while the session's backlog is high.
    socket.on('data', (chunk: Buffer) => this.#fromServer(chunk));
    this.#fromServer(leftover);
  }

  /** Frames the server's bytes, passes what the gate lets through, and reads on when the session can take more. */
  #fromServer(chunk: Uint8Array): void {
    if (this.#machine.is('closed')) return;
    const { socket, gate } = this.#parts;
    let pieces: Uint8Array[];
    try {
      pieces = chunk.length > 0 ? gate.push(chunk) : [];
    } catch (err) {
      this.#fail(toTandemError(err, 'TANDEM_ERR_PROTOCOL'));
      return;
    }
    if (pieces.length === 0) {
      socket.resume();
      return;
    }
    socket.pause();
    this.#ctx.send(pieces.length === 1 ? pieces[0] as Uint8Array : Buffer.concat(pieces)).then(
      () => { if (!this.#machine.is('closed')) socket.resume(); },
      (err: unknown) => this.#fail(toTandemError(err)),
    );
  }

  /** Writes the technician's bytes to the server, or queues them while its socket is full (bounded). */
  #toServer(bytes: Uint8Array): void {
    if (this.#machine.is('closed')) return;
    const { socket } = this.#parts;
    if (this.#machine.is('backed-up')) {
      this.#waiting.push(bytes);
      this.#waitingBytes += bytes.length;
    } else if (!socket.write(bytes)) {
      this.#machine.to('backed-up');
    }
    this.#checkBacklog();
  }

  #drained(): void {
    if (!this.#machine.is('backed-up')) return;
    const { socket } = this.#parts;
    while (this.#waiting.length > 0) {
      const next = this.#waiting.shift() as Uint8Array;
      this.#waitingBytes -= next.length;
      if (!socket.write(next)) return;
    }
    this.#machine.to('forwarding');
  }

  #checkBacklog(): void {
    const backlog = this.#waitingBytes + this.#parts.socket.writableLength;
    if (backlog <= MAX_VNC_BACKLOG_BYTES) return;
    this.#fail(new TandemError('TANDEM_ERR_MESSAGE_TOO_LARGE', `${this.#parts.label} is not reading: more than ${MAX_VNC_BACKLOG_BYTES} bytes from the technician wait for it`));
  }

  /** The stream broke on its own: the one way the bridge tells its owner. */
  #fail(err: TandemError): void {
    if (this.#machine.is('closed')) return;
    this.#shutDown();
    this.#ctx.fail(err);
  }

  /** Teardown, one path: closed, nothing queued, the server's connection gone. */
  #shutDown(): void {
    if (this.#machine.is('closed')) return;
    this.#machine.to('closed');
    this.#waiting = [];
    this.#waitingBytes = 0;
    this.#parts.gate.close();
    this.#parts.socket.destroy();
  }
}
