/**
 * A raw WebSocket client of the relay's rendezvous endpoint: it sends the
 * client signals (protocol's `ClientSignal`), or any frame at all for
 * bad-input tests, and reads the relay's signals with protocol's own parser
 * (`parseRelaySignal`), so a test sees typed `RelaySignal`s and a relay that
 * sends a malformed one fails the test there. Tests play honest clients,
 * guessers and hostile technicians with it.
 */
import { parseRelaySignal, type ClientSignal, type RelaySignal } from '@tandem/protocol';
import { WebSocket, type RawData } from 'ws';

/** One relay signal of type `T`. */
export type SignalOf<T extends RelaySignal['t']> = Extract<RelaySignal, { t: T }>;

/** A message received on a {@link WsClient}: a relay signal (text frames), or bytes (binary frames). */
export type WsMessage = { text: RelaySignal } | { binary: Buffer };

/** What the receive queue holds: a message, or a text frame that is no valid relay signal. */
type Received = WsMessage | { invalid: Error };

/** `signal` if it is of type `t`; otherwise an error naming what came instead. */
export function narrowSignal<T extends RelaySignal['t']>(signal: RelaySignal, t: T): SignalOf<T> {
  if (!isSignal(signal, t)) throw new Error(`expected ${t}, got ${JSON.stringify(signal)}`);
  return signal;
}

function isSignal<T extends RelaySignal['t']>(signal: RelaySignal, t: T): signal is SignalOf<T> {
  return signal.t === t;
}

/** A WebSocket client with a queue of received messages and the close code. */
export class WsClient {
  readonly ws: WebSocket;
  /** Resolves once the connection is open; rejects when it cannot be opened. */
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #messages: Received[] = [];
  readonly #waiters: ((m: Received | undefined) => void)[] = [];
  #isClosed = false;

  constructor(url: string, options: { maxPayload?: number; headers?: Record<string, string>; localAddress?: string } = {}) {
    this.ws = new WebSocket(url, {
      rejectUnauthorized: false,
      maxPayload: options.maxPayload ?? 64 * 1024 * 1024,
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.localAddress !== undefined ? { localAddress: options.localAddress } : {}),
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    // Whoever awaits `opened` sees the failure; a client nobody awaits it for must not fail the run as an unhandled rejection.
    this.opened.catch(() => undefined);
    this.closed = new Promise((resolve) =>
      this.ws.on('close', (code, reason) => {
        this.#isClosed = true;
        for (const w of this.#waiters.splice(0)) w(undefined);
        resolve({ code, reason: reason.toString() });
      }),
    );
    // Socket errors end in `close` (and reject `opened`), where the tests look at them.
    this.ws.on('error', () => undefined);
    this.ws.on('message', (data, isBinary) => {
      const bytes = rawDataBytes(data);
      const message: Received = isBinary ? { binary: bytes } : readSignal(bytes.toString('utf8'));
      const waiter = this.#waiters.shift();
      if (waiter) waiter(message);
      else this.#messages.push(message);
    });
  }

  /** Sends a client signal as JSON text. */
  send(signal: ClientSignal): void {
    this.ws.send(JSON.stringify(signal));
  }

  /** Sends a frame as it is: a string as a text frame (malformed JSON, an unknown or oversized signal), bytes as a binary frame. */
  sendRaw(data: string | Uint8Array): void {
    this.ws.send(data);
  }

  /** The next message, or undefined when the socket closed first; fails on a malformed relay signal. */
  async next(timeoutMs = 10_000): Promise<WsMessage | undefined> {
    const received = await this.#next(timeoutMs);
    if (received !== undefined && 'invalid' in received) throw received.invalid;
    return received;
  }

  /** The next signal (fails on a binary frame or the close). */
  signal(timeoutMs?: number): Promise<RelaySignal>;
  /** The next signal, which must be of type `t`. */
  signal<T extends RelaySignal['t']>(t: T, timeoutMs?: number): Promise<SignalOf<T>>;
  async signal<T extends RelaySignal['t']>(tOrTimeout?: T | number, timeoutMs?: number): Promise<RelaySignal> {
    const m = await this.next(typeof tOrTimeout === 'number' ? tOrTimeout : timeoutMs);
    if (!m || !('text' in m)) throw new Error(`expected a signal, got ${m ? 'binary' : 'close'}`);
    return typeof tOrTimeout === 'string' ? narrowSignal(m.text, tOrTimeout) : m.text;
  }

  /** The next binary frame. */
  async binary(timeoutMs?: number): Promise<Buffer> {
    const m = await this.next(timeoutMs);
    if (!m || !('binary' in m)) throw new Error(`expected binary, got ${m ? JSON.stringify(m.text) : 'close'}`);
    return m.binary;
  }

  /** Waits for the `error` signal and the close; returns both. */
  async failure(): Promise<{ code: string; message: string; closeCode: number }> {
    const m = await this.signal('error');
    const { code } = await this.closed;
    return { code: m.code, message: m.message, closeCode: code };
  }

  #next(timeoutMs: number): Promise<Received | undefined> {
    const queued = this.#messages.shift();
    if (queued) return Promise.resolve(queued);
    if (this.#isClosed) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.#waiters.indexOf(waiter);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(new Error('no message in time'));
      }, timeoutMs);
      const waiter = (m: Received | undefined): void => {
        clearTimeout(timer);
        resolve(m);
      };
      this.#waiters.push(waiter);
    });
  }
}

/** A text frame from the relay, read as a relay signal. */
function readSignal(text: string): Received {
  try {
    return { text: parseRelaySignal(text) };
  } catch (err) {
    return { invalid: new Error(`the relay sent a malformed signal ${JSON.stringify(text.slice(0, 200))}: ${err instanceof Error ? err.message : String(err)}`) };
  }
}

/** The bytes of a message as `ws` hands it over (one buffer, fragments, or an ArrayBuffer). */
export function rawDataBytes(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
