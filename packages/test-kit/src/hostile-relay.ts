/**
 * Servers a test runs against `tandem tech ...` to see where a technician's
 * credentials go: a hostile "relay" (HTTP or HTTPS) that counts every TCP
 * connection it accepts, before any TLS or HTTP (so not even a TLS
 * ClientHello goes unseen), and records every request,
 * and a counting TCP forwarder in front of the real relay.
 */
import { X509Certificate } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { generate } from 'selfsigned';
import { listeningPort } from './black-hole.js';

/** What a hostile server saw of one request. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A self-signed certificate for 127.0.0.1 and its SHA-256 fingerprint. */
export async function selfSignedCertificate(): Promise<{ key: string; cert: string; fingerprint: string }> {
  const pems = await generate([{ name: 'commonName', value: 'Hostile relay' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  // The form the relay prints and `--relay-fingerprint` takes (SHA-256 of the DER certificate, lower-case hex),
  // computed here on its own rather than by the relay's code under test.
  const fingerprint = new X509Certificate(pems.cert).fingerprint256.replace(/:/g, '').toLowerCase();
  return { key: pems.private, cert: pems.cert, fingerprint };
}

/**
 * A server posing as a relay. It answers a sign-in with a token, as a real
 * relay would, so that a client that trusts it goes on to open its
 * WebSocket (recorded too, then cut).
 */
export class HostileServer {
  /** TCP connections accepted, counted before any byte is read. */
  connections = 0;
  readonly requests: RecordedRequest[] = [];
  readonly #server: http.Server;
  readonly #sockets = new Set<Socket>();
  readonly #scheme: 'http' | 'https';

  constructor(tls?: { key: string; cert: string }) {
    const answer = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ token: 'stolen'.padEnd(43, 'x'), user: { username: 'tanaka', displayName: 'Tanaka', team: '', role: 'technician' } }));
      });
    };
    this.#scheme = tls ? 'https' : 'http';
    this.#server = tls ? https.createServer(tls, answer) : http.createServer(answer);
    // For the HTTPS server too this is the raw TCP connection, before the TLS handshake.
    this.#server.on('connection', (socket: Socket) => {
      this.connections++;
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    this.#server.on('upgrade', (req: http.IncomingMessage, socket: Socket) => {
      this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: '' });
      socket.destroy();
    });
  }

  /** Listens on `host` (a free port); resolves with its URL. */
  async start(host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, host, () => resolve()));
    const port = listeningPort(this.#server);
    return `${this.#scheme}://${host}:${port}`;
  }

  /** True when nothing at all reached it. */
  get untouched(): boolean {
    return this.connections === 0 && this.requests.length === 0;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** A TCP forwarder to a real relay that counts the connections it accepts. */
export class CountingForwarder {
  connections = 0;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  constructor(target: { host: string; port: number }) {
    this.#server = createServer((client) => {
      this.connections++;
      const upstream = connect(target.port, target.host);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        // Either end going away ends the pair; nothing to report.
        s.on('error', () => s.destroy());
        s.on('close', () => {
          this.#sockets.delete(s);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }

  /** Listens on a free loopback port; resolves with its http:// URL. */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', () => resolve()));
    const port = listeningPort(this.#server);
    return `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
