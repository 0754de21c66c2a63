/**
 * Bridge mode (`tandem join --vnc HOST:PORT`): a VNC server already running
 * on the customer's machine serves the screen. Towards the technician the
 * agent is an RFB 3.8 server with security None (the session is already
 * authenticated) that sends the real server's ServerInit; from then on
 * server-to-technician bytes pass as they are, and technician-to-server
 * bytes only as the gatekeeper lets them. A fresh server connection per
 * stream.
 */
import type { Socket } from 'node:net';
import { TandemError } from '@tandem/protocol';
import { SECURITY, protocolVersion, type RfbMinorVersion } from '@tandem/rfb';
import type { GatePiece } from '../gatekeeper/gatekeeper.js';
import { isGatekeeperSafe } from '../gatekeeper/safe-encodings.js';
import type { EngineContext, EngineFactory, ScreenEngine } from './screen-engine.js';
import { connectVncUpstream, type VncUpstreamOptions } from './vnc-upstream.js';

/** The bridge's factory. */
export function bridgeEngine(upstream: VncUpstreamOptions): EngineFactory {
  return {
    label: `the VNC server at ${upstream.host}:${upstream.port}`,
    // What the server supports is its business (it ignores what it lacks, §7.5.2); the gatekeeper's limit is what matters.
    allowEncoding: isGatekeeperSafe,
    start: async (ctx: EngineContext): Promise<ScreenEngine> => {
      const up = await connectVncUpstream(upstream);
      return new BridgeEngine(ctx, up.socket, up.serverInit, up.leftover);
    },
  };
}

/** One bridged stream. States: handshake (answering the technician) → forwarding → closed. */
class BridgeEngine implements ScreenEngine {
  readonly #ctx: EngineContext;
  readonly #socket: Socket;
  readonly #serverInit: Uint8Array;
  #leftover: Uint8Array;
  #minor: RfbMinorVersion = 8;
  #state: 'handshake' | 'forwarding' | 'closed' = 'handshake';

  constructor(ctx: EngineContext, socket: Socket, serverInit: Uint8Array, leftover: Uint8Array) {
    this.#ctx = ctx;
    this.#socket = socket;
    this.#serverInit = serverInit;
    this.#leftover = leftover;
    socket.on('error', (err) => this.#end(new TandemError('TANDEM_ERR_PEER_LOST', `the VNC server's connection failed: ${err.message}`)));
    socket.on('close', () => this.#end(new TandemError('TANDEM_ERR_PEER_LOST', 'the VNC server closed the connection')));
    this.#send(protocolVersion(8));
  }

  deliver(piece: GatePiece): void {
    if (this.#state === 'closed') return;
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
        this.#send(this.#serverInit);
        this.#startForwarding();
        return;
      case 'message':
        this.#socket.write(piece.raw);
        return;
    }
  }

  setInputAllowed(allowed: boolean, releases: readonly Uint8Array[]): void {
    // The server is another program: what the technician holds is released by sending the releases.
    if (!allowed && this.#state === 'forwarding') for (const r of releases) this.#socket.write(r);
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#socket.destroy();
  }

  #send(bytes: Uint8Array): void {
    this.#ctx.send(bytes).catch((err: unknown) => this.#end(err instanceof TandemError ? err : new TandemError('TANDEM_ERR_INTERNAL', String(err))));
  }

  #startForwarding(): void {
    this.#state = 'forwarding';
    if (this.#leftover.length > 0) this.#send(this.#leftover);
    this.#leftover = new Uint8Array(0);
    // One chunk at a time: the socket is paused while the session's backlog is high.
    this.#socket.on('data', (chunk: Buffer) => {
      this.#socket.pause();
      this.#ctx.send(chunk).then(
        () => { if (this.#state === 'forwarding') this.#socket.resume(); },
        (err: unknown) => this.#end(err instanceof TandemError ? err : new TandemError('TANDEM_ERR_INTERNAL', String(err))),
      );
    });
    this.#socket.resume();
  }

  #end(err: TandemError | null): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#socket.destroy();
    this.#ctx.fail(err);
  }
}
