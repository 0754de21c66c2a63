/**
 * Opens one route to a relay and records each step (issue 12): the DNS
 * lookup and TCP connection of the first hop (the relay, or the proxy),
 * CONNECT through the proxy (RFC 9110 §9.3.6) with Basic credentials when it
 * asks (RFC 7617), then TLS to the relay inside the tunnel with exactly the
 * checks of a direct connection (pinned fingerprint, else CA and host name).
 * Nothing is written to the relay before those checks passed: the socket is
 * handed on only after them. A certificate that fails them behind a proxy is
 * the proxy's own (TLS interception), and says so.
 */
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import tls from 'node:tls';
import { TandemError } from '@tandem/protocol';
import { certificateFingerprint, formatFingerprint } from '../transport/fingerprint.js';
import type { RouteAttempt } from './connection-trace.js';
import { describeRoute, type ProxyRoute, type ProxyServer } from './proxy-route.js';
import { ProxyResponseReader, offeredSchemes, type ProxyResponseHead } from './proxy-response.js';

/** What one dial needs. */
export interface DialOptions {
  /** The relay's URL as given, for messages. */
  relayUrl: string;
  host: string;
  port: number;
  secure: boolean;
  /** Pinned fingerprint, normalised. */
  fingerprint?: string | undefined;
  route: ProxyRoute;
  timeoutMs: number;
  /** Where the steps go. */
  attempt: RouteAttempt;
}

/** Errors a certificate check gives, from OpenSSL and Node. */
export const UNTRUSTED_CERT_CODES: ReadonlySet<string> = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Dials one route; resolves with the socket ready for HTTP (TLS checked when secure). */
export async function dialRoute(o: DialOptions): Promise<net.Socket> {
  const sockets: net.Socket[] = [];
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TandemError('TANDEM_ERR_TIMEOUT', `no connection to the relay at ${o.relayUrl}${viaText(o.route)} after ${o.timeoutMs} ms`)), o.timeoutMs);
  });
  try {
    return await Promise.race([steps(o, sockets), deadline]);
  } catch (err) {
    // Outermost first: destroying the TCP socket under a live TLS wrap crashes Node 20 (a segmentation fault, seen here on a refused pin).
    for (const s of [...sockets].reverse()) s.destroy();
    const error = classify(o, err);
    o.attempt.result = `${error.code}: ${error.message}`;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function viaText(route: ProxyRoute): string {
  return route.kind === 'proxy' ? ` through the proxy ${describeRoute(route).slice(6)}` : '';
}

async function steps(o: DialOptions, sockets: net.Socket[]): Promise<net.Socket> {
  const hop = o.route.kind === 'direct' ? { host: o.host, port: o.port } : o.route.proxy;
  let address = hop.host;
  if (net.isIP(hop.host) === 0) {
    try {
      address = (await lookup(hop.host)).address;
      o.attempt.dns = `${hop.host} → ${address}`;
    } catch (err) {
      o.attempt.dns = `${hop.host}: ${errorText(err)}`;
      throw err;
    }
  } else {
    o.attempt.dns = `${hop.host} (an address, no lookup)`;
  }
  if (o.route.kind === 'proxy') o.attempt.dns += `; the relay's name ${o.host} is resolved by the proxy`;
  const started = Date.now();
  const tcp = net.connect({ host: address, port: hop.port });
  sockets.push(tcp);
  try {
    await once(tcp, 'connect');
    o.attempt.tcp = `connected to ${address}:${hop.port} in ${Date.now() - started} ms`;
  } catch (err) {
    o.attempt.tcp = `${errorText(err)} after ${Date.now() - started} ms`;
    throw err;
  }
  if (o.route.kind === 'proxy') await connectThrough(tcp, o, o.route.proxy);
  if (!o.secure) return tcp;
  return secure(tcp, o, sockets);
}

/** Waits for `event` on the socket, rejecting on `error` or `close` first. */
function once(socket: net.Socket, event: 'connect' | 'secureConnect'): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      socket.off(event, ok);
      socket.off('error', fail);
      socket.off('close', closed);
    };
    const ok = (): void => {
      cleanup();
      resolve();
    };
    const fail = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const closed = (): void => fail(new Error('the connection was closed'));
    socket.once(event, ok);
    socket.once('error', fail);
    socket.once('close', closed);
  });
}

function authority(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Sends CONNECT and reads the proxy's answer head. */
async function connectThrough(tcp: net.Socket, o: DialOptions, proxy: ProxyServer): Promise<void> {
  const target = authority(o.host, o.port);
  const lines = [`CONNECT ${target} HTTP/1.1`, `Host: ${target}`];
  const withCredentials = proxy.username !== undefined;
  if (withCredentials) {
    // RFC 7617 §2: user-id ":" password, UTF-8 (the charset the proxy may announce), base64.
    lines.push(`Proxy-Authorization: Basic ${Buffer.from(`${proxy.username ?? ''}:${proxy.password ?? ''}`, 'utf8').toString('base64')}`);
  }
  tcp.write(`${lines.join('\r\n')}\r\n\r\n`);
  const what = authority(proxy.host, proxy.port);
  const head = await readHead(tcp, new ProxyResponseReader(what));
  o.attempt.proxyStatus = head.statusLine;
  if (head.status === 407) throw authError(head, proxy, what, withCredentials);
  if (head.status < 200 || head.status > 299) {
    throw new TandemError('TANDEM_ERR_PROXY_REFUSED', `the proxy ${what} refused to open a tunnel to ${target}: ${head.statusLine}`);
  }
  if (head.rest.length > 0) {
    throw new TandemError('TANDEM_ERR_PROXY_REFUSED', `the proxy ${what} sent ${head.rest.length} bytes into the tunnel before the relay could have spoken`);
  }
}

function readHead(tcp: net.Socket, reader: ProxyResponseReader): Promise<ProxyResponseHead> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      tcp.off('data', data);
      tcp.off('error', fail);
      tcp.off('close', closed);
    };
    const fail = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const closed = (): void => fail(new TandemError('TANDEM_ERR_PROXY_REFUSED', 'the proxy closed the connection before answering CONNECT'));
    const data = (chunk: Buffer): void => {
      let head: ProxyResponseHead | undefined;
      try {
        head = reader.push(chunk);
      } catch (err) {
        fail(err as Error);
        return;
      }
      if (head === undefined) return;
      cleanup();
      tcp.pause();
      resolve(head);
    };
    tcp.on('data', data);
    tcp.once('error', fail);
    tcp.once('close', closed);
  });
}

/** A proxy asked for Basic credentials: which proxy, so that a person can be asked for them (the agent's page). */
export class ProxyAuthError extends TandemError {
  readonly proxy: { host: string; port: number };

  constructor(proxy: { host: string; port: number }, message: string) {
    super('TANDEM_ERR_PROXY_AUTH', message);
    this.proxy = { host: proxy.host, port: proxy.port };
  }
}

/** The proxy a failure (or what caused it) asked credentials for, if any. */
export function proxyAskingCredentials(err: unknown): { host: string; port: number } | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause) if (e instanceof ProxyAuthError) return e.proxy;
  return undefined;
}

function authError(head: ProxyResponseHead, proxy: ProxyServer, what: string, sent: boolean): TandemError {
  const schemes = offeredSchemes(head);
  if (schemes.some((s) => s.toLowerCase() === 'basic')) {
    return new ProxyAuthError(
      proxy,
      sent
        ? `the proxy ${what} refused the user name and password given for it (${head.statusLine}); check them and try again`
        : `the proxy ${what} asks for a user name and password (Basic); give them on Tandem's page, or in the proxy's address (http://user:password@host:port)`,
    );
  }
  const named = schemes.length > 0 ? schemes.join(', ') : 'a scheme it did not name';
  return new TandemError(
    'TANDEM_ERR_PROXY_AUTH_UNSUPPORTED',
    `the proxy ${what} asks to sign in with ${named}, which Tandem does not speak (only Basic); ` +
      'ask your IT department to let this computer reach the relay without it, or to enable Basic authentication',
  );
}

/** TLS inside the tunnel (or directly), checked before the socket is handed on. */
async function secure(tcp: net.Socket, o: DialOptions, sockets: net.Socket[]): Promise<net.Socket> {
  const servername = net.isIP(o.host) ? '' : o.host;
  // Checked by hand below (authorized / the pin) so that a refused certificate's fingerprint can be reported.
  const tlsSocket = tls.connect({ socket: tcp, host: o.host, servername, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
  sockets.push(tlsSocket);
  tcp.resume();
  try {
    await once(tlsSocket, 'secureConnect');
  } catch (err) {
    o.attempt.tls = `failed: ${errorText(err)}`;
    throw err;
  }
  const cert = tlsSocket.getPeerCertificate();
  const actual = cert?.raw ? certificateFingerprint(cert.raw) : '(no certificate)';
  o.attempt.fingerprint = formatFingerprint(actual);
  const issuer = typeof cert?.issuer?.CN === 'string' ? cert.issuer.CN : undefined;
  const pinned = o.fingerprint;
  if (pinned !== undefined ? actual !== pinned : !tlsSocket.authorized) {
    const reason = pinned !== undefined ? 'the fingerprint is not the pinned one' : String(tlsSocket.authorizationError ?? 'untrusted');
    o.attempt.tls = `refused: ${reason}${issuer !== undefined ? ` (issued by ${issuer})` : ''}`;
    if (o.route.kind === 'proxy') throw intercepted(o, actual, issuer);
    if (pinned !== undefined) {
      throw new TandemError(
        'TANDEM_ERR_TLS_FINGERPRINT',
        `the relay at ${o.relayUrl} presented a certificate with SHA-256 fingerprint ${formatFingerprint(actual)}, ` +
          `but --relay-fingerprint expects ${formatFingerprint(pinned)}: refusing to connect`,
      );
    }
    throw Object.assign(new Error(reason), { code: reason });
  }
  o.attempt.tls = `ok (${tlsSocket.getProtocol() ?? 'TLS'}${pinned !== undefined ? ', pinned fingerprint matches' : ', CA-verified'})`;
  return tlsSocket;
}

function intercepted(o: DialOptions, actual: string, issuer: string | undefined): TandemError {
  return new TandemError(
    'TANDEM_ERR_TLS_INTERCEPTED',
    `the network between this computer and the relay inspects encrypted traffic: through the proxy ${describeRoute(o.route).slice(6)} ` +
      `the relay at ${o.relayUrl} answered with a certificate that is not the relay's ` +
      `(SHA-256 ${formatFingerprint(actual)}${issuer !== undefined ? `, issued by "${issuer}"` : ''}), so Tandem refused to connect. ` +
      `Ask your IT department to exempt ${authority(o.host, o.port)} from TLS inspection. ` +
      '(The session itself would stay protected by its end-to-end encryption either way.)',
  );
}

/** Turns any failure of a dial into the TandemError a person can act on. */
function classify(o: DialOptions, err: unknown): TandemError {
  if (err instanceof TandemError) return err;
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : '';
  if (UNTRUSTED_CERT_CODES.has(code)) {
    return new TandemError(
      'TANDEM_ERR_TLS_FINGERPRINT',
      `the relay at ${o.relayUrl} presented a certificate this computer does not trust (${errorText(err)}); ` +
        'if it is your relay with its self-signed certificate, pass --relay-fingerprint with the fingerprint the relay printed at start',
      { cause: err },
    );
  }
  return new TandemError('TANDEM_ERR_RELAY_UNREACHABLE', `cannot reach the relay at ${o.relayUrl}${viaText(o.route)}: ${errorText(err)}`, { cause: err });
}
