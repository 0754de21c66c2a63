/**
 * The Node WebSocketFactory the sessions use: `ws` over the relay transport
 * (TLS pinning, clear connection errors). The browser passes
 * `url => new WebSocket(url)` instead.
 */
import WebSocket from 'ws';
import { LIMITS, TandemError, type WebSocketFactory, type WebSocketLike } from '@tandem/protocol';
import type { ConnectionTrace } from '../proxy/connection-trace.js';
import { describeConnectError, relayCreateConnection, type RouteFinder } from './relay-transport.js';

/** A factory plus what it learnt about failures the session may only see as "error". */
export interface RelaySocketFactory {
  /** Opens a WebSocket to a ws:// or wss:// URL. */
  connect: WebSocketFactory;
  /**
   * The error that stopped the last socket before it opened (unreachable,
   * untrusted or mismatched certificate, HTTP refusal), if any. The session
   * may report such a failure in general terms; this is the precise cause.
   */
  connectError(): TandemError | undefined;
}

/** Options for {@link createRelaySocketFactory}. */
export interface RelaySocketOptions {
  /** The relay URL as the person gave it, for messages. */
  relayUrl: string;
  /** Pinned certificate fingerprint, normalised. */
  fingerprint?: string | undefined;
  /** The routes to try (proxies found by a ProxyResolver); without, directly. */
  routes?: RouteFinder | undefined;
  /** Where each attempt's steps go, for the diagnostic report. */
  trace?: ConnectionTrace | undefined;
}

/** Makes the WebSocket factory for one relay. */
export function createRelaySocketFactory(options: RelaySocketOptions): RelaySocketFactory {
  let lastError: TandemError | undefined;
  const connect: WebSocketFactory = (url: string): WebSocketLike => {
    const parsed = new URL(url);
    if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
      throw new TandemError('TANDEM_ERR_BAD_INPUT', `relay socket url: must be ws:// or wss://, got ${parsed.protocol}`);
    }
    lastError = undefined;
    const createConnection = relayCreateConnection({
      relayUrl: options.relayUrl,
      secure: parsed.protocol === 'wss:',
      fingerprint: options.fingerprint,
      routes: options.routes,
      trace: options.trace,
    });
    const socket = new WebSocket(url, {
      // The transport hands over a socket only once the pin or CA check passed.
      createConnection: createConnection as unknown as WebSocket.ClientOptions['createConnection'],
      maxPayload: LIMITS.maxFrameBytes,
      perMessageDeflate: false,
      handshakeTimeout: 20_000,
    });
    let opened = false;
    socket.once('upgrade', (res) => options.trace?.noteUpgrade(options.relayUrl, `HTTP ${res.statusCode ?? '?'} ${res.statusMessage ?? ''}`.trim()));
    socket.once('open', () => {
      opened = true;
    });
    socket.once('unexpected-response', (_req, res) => {
      options.trace?.noteUpgrade(options.relayUrl, `refused: HTTP ${res.statusCode ?? '?'} ${res.statusMessage ?? ''}`.trim());
      lastError = new TandemError(
        'TANDEM_ERR_RELAY_UNREACHABLE',
        `the relay at ${options.relayUrl} refused the WebSocket upgrade with HTTP ${res.statusCode ?? '?'}`,
      );
      socket.terminate();
    });
    socket.on('error', (err) => {
      if (!opened && lastError === undefined) lastError = describeConnectError(options.relayUrl, err);
    });
    return socket as unknown as WebSocketLike;
  };
  return { connect, connectError: () => lastError };
}
