/**
 * A WebSocket-shaped channel that carries one RFB stream (RFC 6143) between
 * noVNC and the session's end-to-end encrypted rfb channel, so noVNC never
 * talks to the relay itself. noVNC's Websock.attach() (core/websock.js)
 * checks for `send`, `close`, `binaryType`, `onerror`, `onmessage`, `onopen`,
 * `protocol` and `readyState` by own property name or the direct prototype's,
 * and then assigns the handlers; they are plain own fields here so the check
 * and the assignments both work.
 */

/** The states noVNC understands (the RTCDataChannel spellings, which Websock accepts). */
export type RfbChannelState = 'connecting' | 'open' | 'closing' | 'closed';

/** What noVNC's message handler reads: `data` as an ArrayBuffer. */
export interface RfbMessageEvent {
  data: ArrayBuffer;
}

/** What noVNC's close handler reads. */
export interface RfbCloseEvent {
  code: number;
  reason: string;
  wasClean: boolean;
}

/** Where the bytes noVNC writes go, and who hears that the viewer closed the channel. */
export interface RfbChannelSink {
  /** Bytes of the client-to-server stream; the array is the channel's own copy. */
  send(bytes: Uint8Array): void;
  /** noVNC closed the channel (disconnect or protocol failure on its side). */
  closed?(): void;
}

/** One RFB stream's channel: buffers server bytes until the viewer opened it. */
export class RfbChannel {
  readyState: RfbChannelState = 'connecting';
  binaryType = 'arraybuffer';
  /** No WebSocket subprotocol: the stream is carried by the session, not negotiated per channel. */
  readonly protocol = '';
  onopen: ((event: Event | Record<string, never>) => void) | null = null;
  onmessage: ((event: RfbMessageEvent) => void) | null = null;
  onclose: ((event: RfbCloseEvent) => void) | null = null;
  onerror: ((event: Event | Record<string, never>) => void) | null = null;

  readonly #sink: RfbChannelSink;
  #pending: ArrayBuffer[] = [];
  #received = 0;
  #sent = 0;

  constructor(sink: RfbChannelSink) {
    this.#sink = sink;
  }

  /** Bytes received from the agent so far. */
  get received(): number {
    return this.#received;
  }

  /** Bytes noVNC sent so far. */
  get sent(): number {
    return this.#sent;
  }

  /**
   * Called by noVNC with its reusable send buffer (core/websock.js flush()
   * hands out a view of `_sQ`, which it overwrites next): copy before the
   * bytes leave, since the session encrypts them later.
   */
  send = (data: ArrayBufferView | ArrayBuffer): void => {
    if (this.readyState !== 'open') return;
    const view = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const copy = view.slice();
    this.#sent += copy.length;
    this.#sink.send(copy);
  };

  /** Called by noVNC when it disconnects: the stream is over for this viewer. */
  close = (): void => {
    if (this.readyState === 'closed' || this.readyState === 'closing') return;
    this.#finish({ code: 1000, reason: 'viewer closed', wasClean: true });
    this.#sink.closed?.();
  };

  /** Server bytes from the session's rfb events; kept until {@link open} when the viewer is not attached yet. */
  push(data: Uint8Array): void {
    if (this.readyState === 'closed' || this.readyState === 'closing') return;
    // An exact ArrayBuffer: noVNC wraps `data` in a Uint8Array, which would see a whole shared buffer otherwise.
    const buffer = data.slice().buffer;
    this.#received += data.length;
    if (this.readyState === 'connecting' || !this.onmessage) {
      this.#pending.push(buffer);
      return;
    }
    this.onmessage({ data: buffer });
  }

  /** The viewer has attached: report open and deliver what arrived meanwhile, in order. */
  open(): void {
    if (this.readyState !== 'connecting') return;
    this.readyState = 'open';
    this.onopen?.({});
    this.#flush();
  }

  /** The stream ended on the session's side (mode went down to chat, or the session ended). */
  end(reason = 'stream ended'): void {
    if (this.readyState === 'closed') return;
    this.#finish({ code: 1000, reason, wasClean: true });
  }

  #flush(): void {
    const pending = this.#pending;
    this.#pending = [];
    for (const data of pending) {
      if (this.readyState !== 'open' || !this.onmessage) {
        this.#pending.push(data);
        continue;
      }
      this.onmessage({ data });
    }
  }

  #finish(event: RfbCloseEvent): void {
    this.readyState = 'closed';
    this.#pending = [];
    const onclose = this.onclose;
    // Asynchronously, as a WebSocket does: noVNC's disconnect() calls close() and then expects the event later.
    queueMicrotask(() => onclose?.(event));
  }
}
