/**
 * A small JSON client for the relay's HTTP API (docs/protocol.md, "Relay
 * HTTP API") over the same transport as the WebSocket: pinned or CA-checked
 * TLS, clear errors.
 */
import http from 'node:http';
import { ERROR_CATALOGUE, TandemError, isTandemErrorCode } from '@tandem/protocol';
import { relayCreateConnection, type RouteFinder } from './relay-transport.js';

/** Where and how to reach the relay's HTTP API. */
export interface RelayHttpOptions {
  /** http(s)://host:port of the relay. */
  relayUrl: string;
  /** Pinned certificate fingerprint, normalised. */
  fingerprint?: string | undefined;
  /** The routes to try (proxies found by a ProxyResolver); without, directly. */
  routes?: RouteFinder | undefined;
  /** Bearer token for signed-in calls. */
  token?: string;
  /** Give up after this long, ms (the whole request, connection included). */
  timeoutMs?: number;
}

const MAX_RESPONSE_BYTES = 1 << 20;

/** Sends one JSON request and returns the parsed JSON answer; non-2xx answers throw their `{code, message}`. */
export function requestJson(options: RelayHttpOptions, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const base = new URL(options.relayUrl);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    return Promise.reject(new TandemError('TANDEM_ERR_BAD_INPUT', `--relay: must be an http:// or https:// URL, got ${options.relayUrl}`));
  }
  const url = new URL(path, base.origin);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (payload) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(payload.length);
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const createConnection = relayCreateConnection({
    relayUrl: options.relayUrl,
    secure: base.protocol === 'https:',
    fingerprint: options.fingerprint,
    routes: options.routes,
  });
  return new Promise((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 20_000;
    // The socket's idle timeout starts only once connected: this one covers connecting too (a black-holed address).
    const deadline = setTimeout(() => req.destroy(new TandemError('TANDEM_ERR_TIMEOUT', `the relay at ${options.relayUrl} did not answer ${method} ${url.pathname} within ${timeoutMs} ms`)), timeoutMs);
    const settle = <A extends unknown[]>(fn: (...a: A) => void) => (...a: A): void => {
      clearTimeout(deadline);
      fn(...a);
    };
    resolve = settle(resolve);
    reject = settle(reject);
    const req = http.request({
      method,
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port || (base.protocol === 'https:' ? 443 : 80),
      path: url.pathname + url.search,
      headers,
      // No agent (and not `agent: false`, which makes a fresh default Agent that
      // ignores createConnection): each call gets its own checked connection.
      createConnection: createConnection as unknown as http.RequestOptions['createConnection'],
      timeout: timeoutMs,
    });
    req.once('timeout', () => req.destroy(new TandemError('TANDEM_ERR_TIMEOUT', `the relay at ${options.relayUrl} did not answer ${method} ${url.pathname} in time`)));
    req.once('error', (err) => reject(err instanceof TandemError ? err : new TandemError('TANDEM_ERR_RELAY_UNREACHABLE', `cannot reach the relay at ${options.relayUrl}: ${err.message}`, { cause: err })));
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) {
          req.destroy(new TandemError('TANDEM_ERR_MESSAGE_TOO_LARGE', `the relay's answer to ${method} ${url.pathname} is larger than ${MAX_RESPONSE_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.once('error', (err) => reject(new TandemError('TANDEM_ERR_RELAY_UNREACHABLE', `the relay at ${options.relayUrl} broke off its answer: ${err.message}`, { cause: err })));
      res.once('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let value: unknown;
        try {
          value = text === '' ? {} : JSON.parse(text);
        } catch {
          // Not JSON: the status line below says what happened.
          value = undefined;
        }
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300 && value !== undefined) {
          resolve(value);
          return;
        }
        reject(errorFromAnswer(status, value, `${method} ${url.pathname}`));
      });
    });
    req.end(payload);
  });
}

/** Builds the TandemError for a failed HTTP answer, using the relay's `{code, message}` when it sent one. */
export function errorFromAnswer(status: number, value: unknown, what: string): TandemError {
  if (typeof value === 'object' && value !== null) {
    const { code, message } = value as { code?: unknown; message?: unknown };
    if (isTandemErrorCode(code)) {
      return new TandemError(code, typeof message === 'string' ? message : ERROR_CATALOGUE[code].summary);
    }
  }
  const code = status === 401 ? 'TANDEM_ERR_UNAUTHORIZED' : status === 404 ? 'TANDEM_ERR_NOT_FOUND' : 'TANDEM_ERR_INTERNAL';
  return new TandemError(code, `the relay answered ${what} with HTTP ${status}`);
}
