/**
 * A VNC server stand-in for the bridge's tests: a real TCP server that speaks
 * the server side of the RFB 3.8 handshake with security None
 * (RFC 6143 §7.1-7.3) and then does what the test tells it: hold its
 * ProtocolVersion back (a server that answers slowly), stop reading (a
 * server that is stuck), or send any bytes (a server that breaks the
 * protocol). The real servers (x11vnc, Xvnc) are in the other bridge tests;
 * this one does what they cannot be made to do on purpose.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { ByteQueue, NATIVE_FORMAT, SECURITY, protocolVersion, serverInit } from '@tandem/rfb';
import { listeningPort } from './black-hole.js';
import { sleep } from './wait.js';

/** What the stand-in does. */
export interface StandInOptions {
  width?: number;
  height?: number;
  /** Send the ProtocolVersion only when {@link VncStandIn.sendVersion} is called. */
  holdVersion?: boolean;
  /** After ServerInit, read nothing more from the agent. */
  stopReading?: boolean;
}

/** One connection from the agent. */
export class StandInConnection {
  readonly socket: Socket;
  /** What the agent sent after ClientInit, while the stand-in reads. */
  readonly received = new ByteQueue();
  #q = new ByteQueue();
  #phase: 'version' | 'security' | 'init' | 'normal' = 'version';
  #ready: () => void = () => undefined;
  /** Resolves once ServerInit was sent. */
  readonly ready: Promise<void>;

  constructor(socket: Socket, readonly opts: StandInOptions) {
    this.socket = socket;
    this.ready = new Promise((resolve) => { this.#ready = resolve; });
    socket.on('data', (c: Buffer) => this.#data(c));
    socket.on('error', () => socket.destroy());
    if (!opts.holdVersion) this.sendVersion();
  }

  sendVersion(): void {
    this.socket.write(protocolVersion(8));
  }

  send(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  #data(c: Buffer): void {
    if (this.#phase === 'normal') {
      this.received.push(c);
      return;
    }
    this.#q.push(c);
    if (this.#phase === 'version' && this.#q.has(12)) {
      this.#q.skip(12);
      this.#phase = 'security';
      this.socket.write(Uint8Array.of(1, SECURITY.none));
    }
    if (this.#phase === 'security' && this.#q.has(1)) {
      this.#q.skip(1);
      this.#phase = 'init';
      this.socket.write(new Uint8Array(4));
    }
    if (this.#phase === 'init' && this.#q.has(1)) {
      this.#q.skip(1);
      this.#phase = 'normal';
      this.socket.write(serverInit(this.opts.width ?? 64, this.opts.height ?? 48, NATIVE_FORMAT, 'stand-in'));
      if (this.opts.stopReading) this.socket.pause();
      const rest = this.#q.take(this.#q.length);
      if (rest.length > 0) this.received.push(rest);
      this.#ready();
    }
  }
}

/** The stand-in server on 127.0.0.1 and a free port. */
export class VncStandIn {
  readonly connections: StandInConnection[] = [];
  #server: Server;
  port = 0;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(opts: StandInOptions = {}): Promise<VncStandIn> {
    const server = createServer();
    const standIn = new VncStandIn(server);
    server.on('connection', (s) => standIn.connections.push(new StandInConnection(s, opts)));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    standIn.port = listeningPort(server);
    return standIn;
  }

  /** The first connection, once it arrives. */
  async connection(ms = 15_000): Promise<StandInConnection> {
    const deadline = Date.now() + ms;
    for (;;) {
      const c = this.connections[0];
      if (c) return c;
      if (Date.now() > deadline) throw new Error(`the agent did not connect to the stand-in within ${ms} ms`);
      await sleep(50);
    }
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
