/**
 * A TCP tap in front of a relay: clients given {@link RelayTap.url} reach
 * the relay through it, and it keeps every byte of every connection in both
 * directions. {@link RelayTap.find} then searches all of it for a secret:
 * the raw streams (HTTP requests and answers, WebSocket upgrades) and the
 * unmasked payload of every WebSocket frame (RFC 6455 §5.3: a client masks
 * what it sends, so a search of the raw bytes alone would miss the signals
 * the clients send). A search that finds nothing proves something only if
 * it could have found it: {@link RelayTap.plant} sends a secret through the
 * tap on a connection of its own, as a text signal and as a binary frame,
 * so a test shows the search finds each secret where it is.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { listeningPort } from './black-hole.js';
import { WsClient } from './signal-client.js';
import { parseWebSocketStream } from './ws-frames.js';

/** One connection through the tap: what the client sent, and what the relay sent back. */
interface TappedConnection {
  toRelay: Buffer[];
  fromRelay: Buffer[];
}

/** Where a secret was found: the connection's number (in order of arrival), the direction, and the frame's number or "stream". */
export interface TapHit {
  connection: number;
  direction: 'to-relay' | 'from-relay';
  where: string;
}

/** How {@link RelayTap.find} matches. */
export interface FindOptions {
  /**
   * For digits: a match counts only if no ASCII digit stands right before or
   * after it, so the secret half of a code is not "found" inside a
   * timestamp or a longer number that happens to hold the same digits.
   */
  standalone?: boolean;
}

const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;

/** True when `needle` occurs in `hay` (standalone: not inside a longer run of digits). */
function occurs(hay: Buffer, needle: Buffer, standalone: boolean): boolean {
  for (let at = hay.indexOf(needle); at >= 0; at = hay.indexOf(needle, at + 1)) {
    if (!standalone || (!isDigit(hay[at - 1]) && !isDigit(hay[at + needle.length]))) return true;
  }
  return false;
}

/** The tap on 127.0.0.1 and a free port. */
export class RelayTap {
  readonly #server: Server;
  readonly #connections: TappedConnection[] = [];
  readonly #sockets = new Set<Socket>();
  readonly port: number;

  private constructor(server: Server, port: number) {
    this.#server = server;
    this.port = port;
  }

  /** Starts a tap forwarding to the relay at `relayUrl` (http://127.0.0.1:PORT). */
  static async start(relayUrl: string): Promise<RelayTap> {
    const target = new URL(relayUrl);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const tap = new RelayTap(server, listeningPort(server));
    server.on('connection', (client) => tap.#forward(client, target.hostname, Number(target.port)));
    return tap;
  }

  #forward(client: Socket, host: string, port: number): void {
    const record: TappedConnection = { toRelay: [], fromRelay: [] };
    this.#connections.push(record);
    const upstream = createConnection({ host, port });
    for (const s of [client, upstream]) {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    }
    client.on('data', (d: Buffer) => {
      record.toRelay.push(Buffer.from(d));
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      record.fromRelay.push(Buffer.from(d));
      client.write(d);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    // Either side going away ends the other: the error is the test's to see in its clients, not the tap's.
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  }

  /** The relay's address through the tap (the support page's origin, as `RelayFixture.url`). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Its rendezvous endpoint through the tap. */
  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  /** Connections so far; {@link find}'s hits number them from 0 in this order. */
  get connectionCount(): number {
    return this.#connections.length;
  }

  /** Every WebSocket frame payload so far (unmasked), both directions, of every connection. */
  payloads(): Buffer[] {
    return this.#connections.flatMap((c) => [c.toRelay, c.fromRelay].flatMap((chunks) => parseWebSocketStream(Buffer.concat(chunks)).map((f) => f.payload)));
  }

  /** Every place `needle` (a string as UTF-8, or bytes) occurs in what passed the tap. */
  find(needle: string | Uint8Array, options: FindOptions = {}): TapHit[] {
    const bytes = typeof needle === 'string' ? Buffer.from(needle, 'utf8') : Buffer.from(needle);
    if (bytes.length === 0) throw new Error('RelayTap.find: an empty needle is found everywhere');
    const standalone = options.standalone === true;
    const hits: TapHit[] = [];
    this.#connections.forEach((c, connection) => {
      for (const [direction, chunks] of [['to-relay', c.toRelay], ['from-relay', c.fromRelay]] as const) {
        const stream = Buffer.concat(chunks);
        // A compressed frame (RFC 7692) would hide what it carries from the search: the relay must not have agreed to it.
        if (direction === 'from-relay' && /^sec-websocket-extensions:/im.test(stream.subarray(0, Math.max(0, stream.indexOf('\r\n\r\n'))).toString('latin1'))) {
          throw new Error(`RelayTap: connection ${connection} negotiated a WebSocket extension; its frames cannot be searched`);
        }
        if (occurs(stream, bytes, standalone)) hits.push({ connection, direction, where: 'stream' });
        parseWebSocketStream(stream).forEach((frame, i) => {
          if (occurs(frame.payload, bytes, standalone)) hits.push({ connection, direction, where: `frame ${i} (opcode ${frame.opcode})` });
        });
      }
    });
    return hits;
  }

  /**
   * The positive control: sends `secret` to the relay through the tap on a
   * connection of its own, in a text signal and in a binary frame (both
   * masked, as every client's are); resolves with that connection's number
   * once the relay answered or closed it.
   */
  async plant(secret: string | Uint8Array): Promise<number> {
    const connection = this.#connections.length;
    const client = new WsClient(this.wsUrl);
    await client.opened;
    // A signal the relay refuses (no such nameplate, or not one at all): it is read, answered and the connection closed.
    if (typeof secret === 'string') client.sendRaw(JSON.stringify({ t: 'claim', nameplate: secret }));
    client.sendRaw(Buffer.concat([Buffer.from([0]), typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret]));
    client.ws.close();
    await client.closed;
    return connection;
  }

  /** Closes every connection and stops listening. */
  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
