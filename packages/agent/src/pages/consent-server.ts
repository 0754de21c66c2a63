/**
 * The local consent page's server: HTTP on 127.0.0.1 (a random port), for
 * the customer's own browser only (issue 7, item 9; docs/security.md §9).
 *
 * - The agent opens a one-time launch link, `/launch/TOKEN` (256 bits). It
 *   has to be given to the browser on its command line, which other local
 *   users can read (/proc/PID/cmdline), so it is worth nothing once used: its
 *   first use is answered with a random 256-bit cookie (HttpOnly,
 *   SameSite=Strict, Path=/, no Expires: it ends with the browser session and
 *   is useless once this process ends) and a redirect to `/`, a URL without
 *   any secret. A second use without that cookie is refused (403 and a page
 *   that says so) and reported through `onLaunchReused`: another program on
 *   this computer has raced the browser or tries the link after it.
 * - Every other request needs that cookie (403 otherwise): the page, its
 *   files, the event stream and every action.
 * - On Linux, before all of that, a connection whose client end belongs to
 *   another user of this computer is refused (loopback-peer.ts, 403 and
 *   `onForeignUser`): the link on a command line is no use to other users
 *   even before the browser used it, nor a cookie they got hold of.
 * - A Host header that is exactly `127.0.0.1:PORT` or `localhost:PORT`
 *   (403 otherwise): stops DNS-rebinding pages from reading it.
 * - For POST (every state change), on top of the cookie, an Origin header
 *   equal to the page's own origin and a JSON body (403 / 415 otherwise):
 *   stops cross-site requests even from a browser that holds the cookie.
 *
 * Browsers do not bind cookies to ports: the cookie of 127.0.0.1 goes to
 * every server on 127.0.0.1, so a server of another local user there reads
 * it if the customer's browser visits that server while this page is open.
 * On Linux that gains them nothing: they can replay it only over a
 * connection of their own, which the peer check refuses. Elsewhere what stops
 * it is that they must first lure the customer's browser to their server
 * during the session, and that the cookie is random per agent process (it
 * is worth nothing once this agent ends); the Host check does not help
 * against a replay from outside a browser (it is there against DNS
 * rebinding). The cookie's name carries the port so that two agents on one
 * computer keep their own. docs/security.md §9 weighs the rest.
 *
 * Live updates go to the page as Server-Sent Events on `/events`; actions
 * arrive as `POST /api/ACTION` with JSON.
 */
import http from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import { TandemError, toTandemError } from '@tandem/protocol';
import { sameUserPeerCheck, type PeerCheck } from './loopback-peer.js';

/** One Server-Sent Event. */
export interface ServerEvent {
  event: string;
  data: unknown;
}

/** Options of {@link ConsentServer.start}. */
export interface ConsentServerOptions {
  /**
   * Static files by URL name (e.g. `app.js`, `i18n/en.js`) → path on disk;
   * `index.html` serves `/`, `launch-refused.html` answers a reused launch link.
   */
  files: Record<string, string>;
  /** Events a newly connected page receives first (the current state, the chat so far). */
  snapshot(): ServerEvent[];
  /** Runs an action; its result is the JSON answer. Throw TandemError to refuse. */
  action(name: string, body: unknown): unknown;
  /** The launch link was used again by a client without the page's cookie (called once). */
  onLaunchReused?: () => void;
  /**
   * Which connections may be served at all; by default, on Linux, only those
   * of this process's user (loopback-peer.ts). Others get 403 before anything else.
   */
  peerCheck?: PeerCheck;
  /** A connection of another user was refused (called once). */
  onForeignUser?: () => void;
  /** The launch token; random by default (tests pass one). */
  launchToken?: string;
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
  // The launch link carries a secret: never send any URL of the page anywhere else.
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'cross-origin-resource-policy': 'same-origin',
};

const MAX_BODY_BYTES = 64 * 1024;
const HEARTBEAT_MS = 15_000;
const LAUNCH_PREFIX = '/launch/';

/** What the agent says on the terminal (stderr) when its launch link was used again. */
export const LAUNCH_REUSED_MESSAGE =
  "warning: the local page's one-time link was used again and refused. If you did not open it a second time yourself, " +
  'another program on this computer tried to reach the page before or after your browser. If your browser says ' +
  '"This link was already used", do not go on with this session: end it with Ctrl+C here.';

/** What the agent says on the terminal (stderr) when another user's program tried to reach the page. */
export const FOREIGN_USER_MESSAGE =
  "warning: a program of another user of this computer tried to reach the local page, and was refused. Nothing was shown to it; if this happens again, tell your administrator.";

/** The page's warning when its launch link was used again (page/src/i18n: `warnings.launchReused`). */
export const LAUNCH_REUSED_WARNING: ServerEvent = { event: 'warning', data: { key: 'launchReused' } };

interface Asset {
  body: Buffer;
  type: string;
}

/** Where the one-time launch link stands: not used yet, used once, used again (refused). */
type LaunchState = 'unused' | 'used' | 'reused';

/** Creates a fresh 256-bit secret (a launch token or a cookie value). */
export function newPageToken(): string {
  return randomBytes(32).toString('base64url');
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The values of every cookie named `name` in a Cookie header (RFC 6265 §5.4: `a=1; b=2`). */
function cookieValues(header: string | undefined, name: string): string[] {
  if (header === undefined) return [];
  const values: string[] = [];
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) values.push(pair.slice(eq + 1).trim());
  }
  return values;
}

/** The local consent page's HTTP server. */
export class ConsentServer {
  readonly #server: http.Server;
  readonly #launchToken: string;
  /** The page's cookie value, random per process: the only credential after the launch. */
  readonly #cookie = newPageToken();
  readonly #options: ConsentServerOptions;
  readonly #assets = new Map<string, Asset>();
  readonly #streams = new Set<http.ServerResponse>();
  readonly #peerCheck: PeerCheck | undefined;
  /** Connections refused by the peer check, decided once when each one opens. */
  readonly #foreign = new WeakSet<Socket>();
  #foreignSeen = false;
  #launch: LaunchState = 'unused';
  #port = 0;
  #heartbeat: ReturnType<typeof setInterval> | undefined;

  private constructor(options: ConsentServerOptions) {
    this.#options = options;
    this.#launchToken = options.launchToken ?? newPageToken();
    for (const [name, path] of Object.entries(options.files)) {
      const ext = name.slice(name.lastIndexOf('.'));
      // Read once at start: the page needs no files after that.
      this.#assets.set(name, { body: readFileSync(path), type: CONTENT_TYPES[ext] ?? 'application/octet-stream' });
    }
    this.#peerCheck = options.peerCheck ?? sameUserPeerCheck();
    this.#server = http.createServer((req, res) => this.#handle(req, res));
    // Decided when the connection opens, while its client end surely exists.
    this.#server.on('connection', (socket: Socket) => {
      if (this.#peerCheck !== undefined && !this.#peerCheck(socket)) this.#foreign.add(socket);
    });
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

  /** The one-time launch link the agent opens (and prints as `page: URL`). */
  get url(): string {
    return `http://127.0.0.1:${this.#port}${LAUNCH_PREFIX}${this.#launchToken}`;
  }

  /** The port it listens on. */
  get port(): number {
    return this.#port;
  }

  /** The page cookie's name: per port, so that two agents on one computer keep their own. */
  get cookieName(): string {
    return `tandem-page-${this.#port}`;
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
    if (this.#foreign.has(req.socket)) {
      // Another user of this computer: nothing of the page, and the launch link stays as it was.
      this.#reply(res, 403, 'this page belongs to another user of this computer');
      if (!this.#foreignSeen) {
        this.#foreignSeen = true;
        this.#options.onForeignUser?.();
      }
      return;
    }
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${this.#port}` && host !== `localhost:${this.#port}`) {
      this.#reply(res, 403, 'wrong Host header');
      return;
    }
    const [path = ''] = (req.url ?? '').split('?');
    const hasCookie = cookieValues(req.headers.cookie, this.cookieName).some((value) => sameToken(value, this.#cookie));
    if (path.startsWith(LAUNCH_PREFIX)) {
      this.#launchRequest(req, res, path.slice(LAUNCH_PREFIX.length), hasCookie);
      return;
    }
    if (!hasCookie) {
      this.#reply(res, 403, 'this page opens only from the link the Tandem agent opened in your browser');
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${host}`) {
      this.#reply(res, 403, 'wrong Origin header');
      return;
    }
    const rest = path.slice(1);
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (rest === 'events') {
        this.#openStream(res);
        return;
      }
      const asset = rest === 'launch-refused.html' ? undefined : this.#assets.get(rest === '' ? 'index.html' : rest);
      if (asset === undefined) {
        this.#reply(res, 404, 'not found');
        return;
      }
      this.#asset(req, res, 200, asset);
      return;
    }
    if (req.method === 'POST' && rest.startsWith('api/')) {
      // State changes need the page's own Origin: browsers always send it on POST.
      if (origin === undefined) {
        this.#reply(res, 403, 'missing Origin header');
        return;
      }
      if (!/^application\/json(;|$)/.test(req.headers['content-type'] ?? '')) {
        this.#reply(res, 415, 'the body must be application/json');
        return;
      }
      this.#action(rest.slice(4), req, res);
      return;
    }
    res.setHeader('allow', 'GET, HEAD, POST');
    this.#reply(res, 405, 'method not allowed');
  }

  /**
   * `GET /launch/TOKEN`: the first use sets the cookie; the browser that has
   * it is sent on to the page again (a reload of the link); any other use of
   * the right token is refused and reported, a wrong token just refused.
   */
  #launchRequest(req: http.IncomingMessage, res: http.ServerResponse, token: string, hasCookie: boolean): void {
    if (req.method !== 'GET') {
      // Only a browser's navigation opens the link; anything else is refused like a request without the cookie.
      this.#reply(res, 403, 'the launch link opens with GET only');
      return;
    }
    if (hasCookie) {
      this.#redirectToPage(res, []);
      return;
    }
    if (!sameToken(token, this.#launchToken)) {
      this.#reply(res, 403, 'unknown link: open the page from the Tandem agent that is running now');
      return;
    }
    if (this.#launch === 'unused') {
      this.#launch = 'used';
      // No Expires or Max-Age: a session cookie, gone with the browser session; Path=/ so every page request carries it.
      this.#redirectToPage(res, [`${this.cookieName}=${this.#cookie}; HttpOnly; SameSite=Strict; Path=/`]);
      return;
    }
    const refused = this.#assets.get('launch-refused.html') ?? { body: Buffer.from('this link was already used\n'), type: 'text/plain; charset=utf-8' };
    this.#asset(req, res, 403, refused);
    if (this.#launch === 'used') {
      this.#launch = 'reused';
      this.broadcast(LAUNCH_REUSED_WARNING);
      this.#options.onLaunchReused?.();
    }
  }

  #redirectToPage(res: http.ServerResponse, setCookie: string[]): void {
    // 303: the browser GETs the page itself; its URL carries no secret.
    res.writeHead(303, { ...SECURITY_HEADERS, location: '/', 'content-length': 0, ...(setCookie.length > 0 ? { 'set-cookie': setCookie } : {}) });
    res.end();
  }

  #asset(req: http.IncomingMessage, res: http.ServerResponse, status: number, asset: Asset): void {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': asset.type, 'content-length': asset.body.length });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
  }

  #openStream(res: http.ServerResponse): void {
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    for (const event of this.#options.snapshot()) res.write(formatEvent(event));
    if (this.#launch === 'reused') res.write(formatEvent(LAUNCH_REUSED_WARNING));
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
        this.#reply(res, 413, 'body too large');
        return;
      }
      let body: unknown;
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        body = text === '' ? {} : JSON.parse(text);
      } catch {
        // Reported to the page as bad input right below.
        this.#reply(res, 400, 'the body is not valid JSON');
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

  /** An error reply: `status` with `message` as plain text, and the connection closed. */
  #reply(res: http.ServerResponse, status: number, message: string): void {
    const body = Buffer.from(`${message}\n`, 'utf8');
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length, connection: 'close' });
    res.end(body);
  }
}

function formatEvent(event: ServerEvent): string {
  // JSON never contains a raw newline, so one data line is enough.
  return `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/**
 * The page's files: the static ones of the agent's page/ folder, every
 * script compiled from page/src (the page's ES modules, by their path under
 * `scriptsDir`) and i18next's browser build as `vendor/i18next.js`.
 */
export function pageFiles(pageDir: string, scriptsDir: string, i18nextEsm: string): Record<string, string> {
  const files: Record<string, string> = {
    'index.html': join(pageDir, 'index.html'),
    'style.css': join(pageDir, 'style.css'),
    'launch-refused.html': join(pageDir, 'launch-refused.html'),
    'vendor/i18next.js': i18nextEsm,
  };
  for (const name of readdirSync(scriptsDir, { recursive: true, encoding: 'utf8' })) {
    if (name.endsWith('.js')) files[name.split(sep).join('/')] = join(scriptsDir, name);
  }
  return files;
}
