/**
 * Outbound connections to the relay, shared by the WebSocket and the HTTP
 * client, with the TLS rules of the agent and the technician CLI:
 *
 * - with a pinned fingerprint (`--relay-fingerprint`): accept exactly the
 *   certificate whose DER hashes to it, whoever signed it, and nothing else;
 * - without: ordinary CA and host-name verification (Node's defaults).
 *
 * The same rules hold through an HTTP proxy: TLS runs to the relay inside
 * the CONNECT tunnel (proxy/route-dialer.ts). The routes (directly, or each
 * proxy a PAC script names) are tried in order, each with the connect
 * timeout. The check runs after the TLS handshake and before the socket is
 * handed to HTTP, so not one byte of a request reaches a relay that failed
 * it. Errors come out as TandemErrors that say what to do.
 */
import type { Duplex } from 'node:stream';
import { TandemError, type TandemErrorCode } from '@tandem/protocol';
import type { ConnectionTrace } from '../proxy/connection-trace.js';
import { DIRECT_ROUTE, describeRoute, type ProxyRoute } from '../proxy/proxy-route.js';
import { UNTRUSTED_CERT_CODES, dialRoute } from '../proxy/route-dialer.js';

/** Says which routes to try for a relay URL, in order (a {@link ProxyResolver} does). */
export interface RouteFinder {
  routesFor(relayUrl: string): Promise<readonly ProxyRoute[]>;
}

/** How to reach one relay. */
export interface RelayTransportOptions {
  /** The relay's URL as given on the command line, for messages. */
  relayUrl: string;
  /** TLS (https:/wss:) or plain TCP (http:/ws:). */
  secure: boolean;
  /** Pinned SHA-256 fingerprint, normalised (64 lower-case hex digits). */
  fingerprint?: string | undefined;
  /** Give up connecting through one route after this long, ms. */
  connectTimeoutMs?: number;
  /** The routes to try; without, directly. */
  routes?: RouteFinder | undefined;
  /** Where each attempt's steps are recorded for the diagnostic report. */
  trace?: ConnectionTrace | undefined;
}

/** The callback form of `createConnection` that http.request and `ws` accept. */
export type CreateConnection = (options: Record<string, unknown>, callback: (err: Error | null, socket?: Duplex) => void) => undefined;

/** Turns a connection error into the TandemError a person can act on. */
export function describeConnectError(relayUrl: string, err: unknown): TandemError {
  if (err instanceof TandemError) return err;
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : '';
  const message = err instanceof Error ? err.message : String(err);
  if (UNTRUSTED_CERT_CODES.has(code)) {
    return new TandemError(
      'TANDEM_ERR_TLS_FINGERPRINT',
      `the relay at ${relayUrl} presented a certificate this computer does not trust (${message}); ` +
        'if it is your relay with its self-signed certificate, pass --relay-fingerprint with the fingerprint the relay printed at start',
      { cause: err },
    );
  }
  return new TandemError('TANDEM_ERR_RELAY_UNREACHABLE', `cannot reach the relay at ${relayUrl}: ${message}`, { cause: err });
}

/** The most telling failure first: what a person must act on beats "unreachable". */
const TELLING: readonly TandemErrorCode[] = [
  'TANDEM_ERR_TLS_INTERCEPTED',
  'TANDEM_ERR_TLS_FINGERPRINT',
  'TANDEM_ERR_PROXY_AUTH_UNSUPPORTED',
  'TANDEM_ERR_PROXY_AUTH',
  'TANDEM_ERR_PROXY_REFUSED',
];

function rank(err: TandemError): number {
  const i = TELLING.indexOf(err.code);
  return i < 0 ? TELLING.length : i;
}

/** One error for all routes of a relay: the most telling, naming the others when there were several. */
export function routesFailed(failures: readonly { route: ProxyRoute; error: TandemError }[]): TandemError {
  const sorted = [...failures].sort((a, b) => rank(a.error) - rank(b.error));
  const first = sorted[0];
  if (first === undefined) return new TandemError('TANDEM_ERR_INTERNAL', 'no route to try');
  if (failures.length === 1) return first.error;
  const others = failures.filter((f) => f !== first).map((f) => `${describeRoute(f.route)}: ${f.error.code}`);
  return new TandemError(first.error.code, `${first.error.message} (also tried ${others.join('; ')})`, { cause: first.error });
}

/**
 * Makes a `createConnection` for http.request / `ws` that opens TCP (for
 * http: URLs) or TLS (for https:) to the relay through each route in turn
 * and applies the rules above.
 */
export function relayCreateConnection(options: RelayTransportOptions): CreateConnection {
  const timeoutMs = options.connectTimeoutMs ?? 15_000;
  return (requestOptions, callback) => {
    const named = requestOptions.host ?? requestOptions.hostname;
    const host = (typeof named === 'string' && named !== '' ? named : 'localhost').replace(/^\[(.*)\]$/, '$1');
    const port = Number(requestOptions.port);
    const attemptAll = async (): Promise<Duplex> => {
      const routes = options.routes === undefined ? [DIRECT_ROUTE] : await options.routes.routesFor(options.relayUrl);
      const failures: { route: ProxyRoute; error: TandemError }[] = [];
      for (const route of routes) {
        const attempt = options.trace?.begin(options.relayUrl, describeRoute(route)) ?? { relay: options.relayUrl, route: describeRoute(route) };
        try {
          const socket = await dialRoute({ relayUrl: options.relayUrl, host, port, secure: options.secure, fingerprint: options.fingerprint, route, timeoutMs, attempt });
          attempt.result = 'connected';
          return socket;
        } catch (err) {
          failures.push({ route, error: describeConnectError(options.relayUrl, err) });
        }
      }
      throw routesFailed(failures);
    };
    attemptAll().then(
      (socket) => callback(null, socket),
      (err: unknown) => callback(describeConnectError(options.relayUrl, err)),
    );
    return undefined;
  };
}
