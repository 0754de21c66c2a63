/**
 * The local consent page's server: HTTP on 127.0.0.1 (a random port), for
 * the customer's own browser only. Every request must carry
 *
 * - the unguessable token (256 bits) as the first path segment: a wrong or
 *   missing token gets 404, so other local users and web pages cannot find
 *   the page;
 * - a Host header that is exactly `127.0.0.1:PORT` or `localhost:PORT`
 *   (403 otherwise): stops DNS-rebinding pages from reading it;
 * - for POST (every state change), an Origin header equal to the page's own
 *   origin and a JSON body (403 / 415 otherwise): stops cross-site requests.
 *
 * Live updates go to the page as Server-Sent Events on `TOKEN/events`;
 * actions arrive as `POST TOKEN/api/ACTION` with JSON.
 */
import http from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { TandemError, toTandemError } from '@tandem/protocol';

/** One Server-Sent Event. */
export interface ServerEvent {
  event: string;
  data: unknown;
}

/** Options of {@link ConsentServer.start}. */
export interface ConsentServerOptions {
  /** Static files by URL name (e.g. `app.js`) → path on disk; `index.html` serves `TOKEN/`. */
  files: Record<string, string>;
  /** Events a newly connected page receives first (the current state, the chat so far). */
  snapshot(): ServerEvent[];
  /** Runs an action; its result is the JSON answer. Throw TandemError to refuse. */
  action(name: string, body: unknown): unknown;
  /** The token; random by default (tests pass one). */
  token?: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // The token is in the URL: never send it anywhere else.
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'cross-origin-resource-policy': 'same-origin',
};

const MAX_BODY_BYTES = 64 * 1024;
const HEARTBEAT_MS = 15_000;

interface Asset {
  body: Buffer;
  type: string;
}

/** Creates a fresh 256-bit token for the page's URL. */
export function newPageToken(): string {
  return randomBytes(32).toString('base64url');
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The local consent page's HTTP server. */
export class ConsentServer {
  readonly #server: http.Server;
  readonly #token: string;
  readonly #options: ConsentServerOptions;
  readonly #assets = new Map<string, Asset>();
  readonly #streams = new Set<http.ServerResponse>();
  #port = 0;
  #heartbeat: ReturnType<typeof setInterval> | undefined;

  private constructor(options: ConsentServerOptions) {
    this.#options = options;
    this.#token = options.token ?? newPageToken();
    for (const [name, path] of Object.entries(options.files)) {
      const ext = name.slice(name.lastIndexOf('.'));
      // Read once at start: the page needs no files after that.
      this.#assets.set(name, { body: readFileSync(path), type: CONTENT_TYPES[ext] ?? 'application/octet-stream' });
    }
    this.#server = http.createServer((req, res) => this.#handle(req, res));
    this.#server.headersTimeout = 10_000;
    this.#server.requestTimeout = 30_000;
  }

  /** Starts listening on 127.0.0.1 at a random port. */
  static async start(options: ConsentServerOptions): Promise<ConsentServer> {
    const server = new ConsentServer(options);
    await new Promise<void>((resolve, reject) => {
      server.#server.once('error', reject);
      server.#server.listen(0, '127.0.0.1', () => resolve());
    });
    server.#port = (server.#server.address() as AddressInfo).port;
    server.#heartbeat = setInterval(() => {
      for (const res of server.#streams) res.write(': keep-alive\n\n');
    }, HEARTBEAT_MS);
    server.#heartbeat.unref();
    return server;
  }

  /** The page's URL, with the token. */
  get url(): string {
    return `http://127.0.0.1:${this.#port}/${this.#token}/`;
  }

  /** The port it listens on. */
  get port(): number {
    return this.#port;
  }

  /** Number of pages connected to the event stream. */
  get connectedPages(): number {
    return this.#streams.size;
  }

  /** Sends an event to every connected page. */
  broadcast(event: ServerEvent): void {
    const text = formatEvent(event);
    for (const res of this.#streams) res.write(text);
  }

  /** Closes the event streams and the server. */
  async close(): Promise<void> {
    if (this.#heartbeat !== undefined) clearInterval(this.#heartbeat);
    for (const res of this.#streams) res.end();
    this.#streams.clear();
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${this.#port}` && host !== `localhost:${this.#port}`) {
      this.#fail(res, 403, 'wrong Host header');
      return;
    }
    const path = (req.url ?? '').split('?')[0] as string;
    const segments = path.split('/');
    // segments[0] is '' (the path starts with '/'); segments[1] must be the token.
    if (segments.length < 2 || !sameToken(segments[1] as string, this.#token)) {
      this.#fail(res, 404, 'not found');
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${host}`) {
      this.#fail(res, 403, 'wrong Origin header');
      return;
    }
    const rest = segments.slice(2).join('/');
    if (segments.length === 2) {
      res.writeHead(308, { ...SECURITY_HEADERS, location: `/${this.#token}/` }).end();
      return;
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (rest === 'events') {
        this.#openStream(res);
        return;
      }
      const asset = this.#assets.get(rest === '' ? 'index.html' : rest);
      if (asset === undefined) {
        this.#fail(res, 404, 'not found');
        return;
      }
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': asset.type, 'content-length': asset.body.length });
      res.end(req.method === 'HEAD' ? undefined : asset.body);
      return;
    }
    if (req.method === 'POST' && rest.startsWith('api/')) {
      // State changes need the page's own Origin: browsers always send it on POST.
      if (origin === undefined) {
        this.#fail(res, 403, 'missing Origin header');
        return;
      }
      if (!/^application\/json(;|$)/.test(req.headers['content-type'] ?? '')) {
        this.#fail(res, 415, 'the body must be application/json');
        return;
      }
      this.#action(rest.slice(4), req, res);
      return;
    }
    res.setHeader('allow', 'GET, HEAD, POST');
    this.#fail(res, 405, 'method not allowed');
  }

  #openStream(res: http.ServerResponse): void {
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    for (const event of this.#options.snapshot()) res.write(formatEvent(event));
    this.#streams.add(res);
    res.once('close', () => this.#streams.delete(res));
  }

  #action(name: string, req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.once('end', () => {
      if (tooLarge) {
        this.#fail(res, 413, 'body too large');
        return;
      }
      let body: unknown;
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        body = text === '' ? {} : JSON.parse(text);
      } catch {
        // Reported to the page as bad input right below.
        this.#fail(res, 400, 'the body is not valid JSON');
        return;
      }
      let answer: unknown;
      try {
        if (!/^[a-z-]{1,32}$/.test(name)) throw new TandemError('TANDEM_ERR_NOT_FOUND', 'no such action');
        answer = this.#options.action(name, body) ?? {};
      } catch (err) {
        const error = toTandemError(err);
        this.#json(res, error.httpStatus, error.toJSON());
        return;
      }
      this.#json(res, 200, answer);
    });
  }

  #json(res: http.ServerResponse, status: number, value: unknown): void {
    const body = Buffer.from(JSON.stringify(value), 'utf8');
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    res.end(body);
  }

  #fail(res: http.ServerResponse, status: number, message: string): void {
    const body = Buffer.from(`${message}\n`, 'utf8');
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length, connection: 'close' });
    res.end(body);
  }
}

function formatEvent(event: ServerEvent): string {
  // JSON never contains a raw newline, so one data line is enough.
  return `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/** The page's files: the agent's page/ folder and i18next's browser build. */
export function pageFiles(pageDir: string, i18nextEsm: string): Record<string, string> {
  return {
    'index.html': join(pageDir, 'index.html'),
    'app.js': join(pageDir, 'app.js'),
    'i18n.js': join(pageDir, 'i18n.js'),
    'style.css': join(pageDir, 'style.css'),
    'vendor/i18next.js': i18nextEsm,
  };
}
