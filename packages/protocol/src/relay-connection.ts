/**
 * One client's WebSocket to the relay: JSON signals in text frames, the
 * end-to-end stream in binary frames. Works over the browser's WebSocket and
 * over the `ws` package's, both passed in as a {@link WebSocketFactory}.
 */
import { RELAY_WS_PATH } from './constants.js';
import { TandemError } from './errors.js';
import { normaliseRelayOrigin } from './relay-origin.js';
import { encodeSignal, parseRelaySignal, type ClientSignal, type RelaySignal } from './relay-messages.js';

/** The part of the WebSocket interface the session needs. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (event: never) => void): void;
}

/** Opens a WebSocket to a `ws:` or `wss:` URL. */
export type WebSocketFactory = (url: string) => WebSocketLike;

/** What a relay connection reports. */
export interface RelayConnectionHandlers {
  open(): void;
  signal(signal: RelaySignal): void;
  binary(frame: Uint8Array): void;
  /** The connection closed; `opened` tells whether it ever opened. */
  closed(info: { code: number; reason: string; opened: boolean }): void;
  /** A message from the relay was malformed. */
  invalid(error: TandemError): void;
}

const OPEN = 1;

/** The relay's rendezvous WebSocket URL for a relay address. */
export function relayWebSocketUrl(relayUrl: string): string {
  const origin = normaliseRelayOrigin(relayUrl);
  return origin.replace(/^http/, 'ws') + RELAY_WS_PATH;
}

/** A client's connection to the relay. */
export class RelayConnection {
  #socket: WebSocketLike;
  #opened = false;
  #reportedClose = false;

  constructor(relayUrl: string, connect: WebSocketFactory, handlers: RelayConnectionHandlers) {
    this.#socket = connect(relayWebSocketUrl(relayUrl));
    this.#socket.binaryType = 'arraybuffer';
    this.#socket.addEventListener('open', () => {
      this.#opened = true;
      handlers.open();
    });
    this.#socket.addEventListener('message', (event: { data: unknown }) => {
      const data = event.data;
      if (typeof data === 'string') {
        let signal: RelaySignal;
        try {
          signal = parseRelaySignal(data);
        } catch (err) {
          handlers.invalid(err instanceof TandemError ? err : new TandemError('TANDEM_ERR_PROTOCOL', String(err)));
          return;
        }
        handlers.signal(signal);
      } else if (data instanceof ArrayBuffer) {
        handlers.binary(new Uint8Array(data));
      } else if (ArrayBuffer.isView(data)) {
        handlers.binary(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      } else {
        handlers.invalid(new TandemError('TANDEM_ERR_PROTOCOL', 'relay sent a frame of an unexpected kind'));
      }
    });
    // 'error' is always followed by 'close', which carries what we report.
    this.#socket.addEventListener('error', () => undefined);
    this.#socket.addEventListener('close', (event: { code?: number; reason?: string }) => {
      if (this.#reportedClose) return;
      this.#reportedClose = true;
      handlers.closed({ code: event.code ?? 1006, reason: event.reason ?? '', opened: this.#opened });
    });
  }

  /** True while the socket is open. */
  get isOpen(): boolean {
    return this.#socket.readyState === OPEN;
  }

  /** Bytes queued in the socket and not yet sent. */
  get bufferedAmount(): number {
    return this.#socket.bufferedAmount;
  }

  /** Sends a signal; silently dropped once the socket is closing, since the session is over then. */
  sendSignal(signal: ClientSignal): void {
    if (this.isOpen) this.#socket.send(encodeSignal(signal));
  }

  /** Sends an end-to-end frame to the peer. */
  sendBinary(frame: Uint8Array): void {
    if (this.isOpen) this.#socket.send(frame);
  }

  /** Closes the socket. */
  close(code = 1000, reason = ''): void {
    this.#socket.close(code, reason);
  }
}
