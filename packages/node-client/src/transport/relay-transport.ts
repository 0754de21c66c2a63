/**
 * Outbound connections to the relay, shared by the WebSocket and the HTTP
 * client, with the TLS rules of the agent and the technician CLI:
 *
 * - with a pinned fingerprint (`--relay-fingerprint`): accept exactly the
 *   certificate whose DER hashes to it, whoever signed it, and nothing else;
 * - without: ordinary CA and host-name verification (Node's defaults).
 *
 * The check runs after the TLS handshake and before the socket is handed to
 * HTTP, so not one byte of a request reaches a relay that failed it. Errors
 * come out as TandemErrors that say what to do.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { TandemError } from '@tandem/protocol';
import { certificateFingerprint, formatFingerprint } from './fingerprint.js';

/** How to reach one relay. */
export interface RelayTransportOptions {
  /** The relay's URL as given on the command line, for messages. */
  relayUrl: string;
  /** TLS (https:/wss:) or plain TCP (http:/ws:). */
  secure: boolean;
  /** Pinned SHA-256 fingerprint, normalised (64 lower-case hex digits). */
  fingerprint?: string | undefined;
  /** Give up connecting after this long, ms. */
  connectTimeoutMs?: number;
}

/** The callback form of `createConnection` that http.request and `ws` accept. */
export type CreateConnection = (options: Record<string, unknown>, callback: (err: Error | null, socket?: Duplex) => void) => undefined;

/** Certificate verification failures reported by OpenSSL and Node. */
const UNTRUSTED_CERT_CODES = new Set([
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

/**
 * Makes a `createConnection` for http.request / `ws` that opens TCP (for
 * http: URLs) or TLS (for https:) to the relay and applies the rules above.
 */
export function relayCreateConnection(options: RelayTransportOptions): CreateConnection {
  const timeoutMs = options.connectTimeoutMs ?? 15_000;
  return (requestOptions, callback) => {
    const named = requestOptions.host ?? requestOptions.hostname;
    const host = (typeof named === 'string' && named !== '' ? named : 'localhost').replace(/^\[(.*)\]$/, '$1');
    const port = Number(requestOptions.port);
    const secure = options.secure;
    let settled = false;
    const finish = (err: Error | null, socket: Duplex): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        socket.destroy();
        callback(describeConnectError(options.relayUrl, err));
      } else {
        callback(null, socket);
      }
    };
    let socket: net.Socket;
    if (secure) {
      const pinned = options.fingerprint;
      const tlsSocket = tls.connect({
        host,
        port,
        servername: net.isIP(host) ? '' : host,
        // With a pin, the CA chain does not matter: the certificate is checked
        // by its fingerprint below before any byte is written.
        rejectUnauthorized: pinned === undefined,
        ALPNProtocols: ['http/1.1'],
      });
      tlsSocket.once('secureConnect', () => {
        if (pinned !== undefined) {
          const cert = tlsSocket.getPeerCertificate();
          const actual = cert?.raw ? certificateFingerprint(cert.raw) : '(no certificate)';
          if (actual !== pinned) {
            finish(
              new TandemError(
                'TANDEM_ERR_TLS_FINGERPRINT',
                `the relay at ${options.relayUrl} presented a certificate with SHA-256 fingerprint ${formatFingerprint(actual)}, ` +
                  `but --relay-fingerprint expects ${formatFingerprint(pinned)}: refusing to connect`,
              ),
              tlsSocket,
            );
            return;
          }
        }
        finish(null, tlsSocket);
      });
      socket = tlsSocket;
    } else {
      socket = net.connect({ host, port });
      socket.once('connect', () => finish(null, socket));
    }
    socket.once('error', (err) => finish(err, socket));
    const timer = setTimeout(() => finish(new Error(`no connection after ${timeoutMs} ms`), socket), timeoutMs);
    return undefined;
  };
}
