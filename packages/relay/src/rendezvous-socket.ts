/**
 * What a {@link RendezvousConnection} needs of its WebSocket (RFC 6455), and
 * no more: messages in, sends that report when they are written, close and
 * terminate, ping and pong for the keep-alive, pause and resume for
 * backpressure, the ready state and the bytes queued. The `ws` package's
 * WebSocket has all of it; the relay's unit tests drive connections with a
 * socket in memory instead.
 */
import type { RawData } from 'ws';

/** The socket's ready states (RFC 6455 §4, as the WebSocket API numbers them). */
export const SOCKET_STATE = { connecting: 0, open: 1, closing: 2, closed: 3 } as const;

/** The part of a server-side WebSocket a rendezvous connection uses. */
export interface RendezvousSocket {
  /** One of {@link SOCKET_STATE}. */
  readonly readyState: number;
  /** Bytes queued for sending and not yet written. */
  readonly bufferedAmount: number;
  /** A whole message arrived: text (`isBinary` false, UTF-8) or binary. */
  on(event: 'message', listener: (data: RawData, isBinary: boolean) => void): unknown;
  /** The peer answered a ping. */
  on(event: 'pong', listener: () => void): unknown;
  /** A malformed or oversized frame: the socket has already answered with close 1002 or 1009. */
  on(event: 'error', listener: (err: Error) => void): unknown;
  /** The connection is gone, however it went. */
  on(event: 'close', listener: () => void): unknown;
  /** Queues `data`; `done` runs once it was written out (or could not be). */
  send(data: string | Buffer, options: { binary: boolean }, done?: (err?: Error) => void): void;
  /** Sends a ping; the peer owes a pong. */
  ping(): void;
  /** Stops reading from the peer (backpressure). */
  pause(): void;
  /** Reads from the peer again. */
  resume(): void;
  /** Starts the closing handshake with `code` and `reason`. */
  close(code: number, reason: string): void;
  /** Drops the TCP connection at once. */
  terminate(): void;
}
