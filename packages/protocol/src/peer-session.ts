/**
 * What the technician's and the customer's sessions share: the relay
 * connection, the end-to-end layer, the state machine bookkeeping, ending on
 * purpose and failing. Each role adds its own states and messages.
 */
import type { AeadProvider } from './aead.js';
import { CHANNEL, LIMITS, TIMEOUTS, type EndReason, type Role } from './constants.js';
import { Emitter } from './emitter.js';
import { FileChannel } from './file-channel.js';
import { SysinfoChannel } from './sysinfo-channel.js';
import { TandemError, toTandemError } from './errors.js';
import { RelayConnection, type WebSocketFactory } from './relay-connection.js';
import { normaliseRelayOrigin } from './relay-origin.js';
import type { ClientSignal, RelaySignal } from './relay-messages.js';
import { SecureSession } from './secure-session.js';
import { StateMachine, type Transitions } from './state-machine.js';
import type { RandomBytes } from './session-code.js';
import {
  decodeChatMessage,
  decodeControlMessage,
  encodeSessionMessage,
  type ControlMessage,
} from './session-messages.js';

/** Bytes of the RFB stream (RFC 6143) arrived on the rfb channel. */
export interface RfbEvent {
  type: 'rfb';
  data: Uint8Array;
}

/** Final events every session emits exactly one of. */
export type FinalEvent = { type: 'ended'; reason: EndReason } | { type: 'failed'; error: TandemError };

/** Options both roles take. */
export interface PeerSessionOptions {
  relayUrl: string;
  aead: AeadProvider;
  connect: WebSocketFactory;
  random?: RandomBytes;
  now?: () => number;
  /** Hears every move of the session's state: for diagnostics, and for the tests that check every transition is taken. */
  onTransition?: (from: string, to: string) => void;
}

/** States every role has; roles add their own between `connecting` and `ended`. */
export type BaseState = 'idle' | 'connecting' | 'ended' | 'failed';

/** Shared machinery of {@link TechnicianSession} and {@link CustomerSession}. */
export abstract class PeerSession<S extends string, E extends { type: string } | RfbEvent> {
  protected readonly emitter = new Emitter<E | FinalEvent>();
  protected readonly options: PeerSessionOptions;
  protected readonly origin: string;
  protected relay: RelayConnection | undefined;
  protected secure: SecureSession | undefined;
  /** The files channel (file-channel.ts): transfers while the session is active, stopped when it ends. */
  readonly files: FileChannel;
  /** The system-information channel (sysinfo-channel.ts), while the session is active. */
  readonly sysinfo: SysinfoChannel;
  readonly #machine: StateMachine<S | BaseState>;
  #handshakeTimer: ReturnType<typeof setTimeout> | undefined;

  protected constructor(
    options: PeerSessionOptions,
    protected readonly role: Role,
    transitions: Transitions<S | BaseState>,
  ) {
    this.options = options;
    this.origin = normaliseRelayOrigin(options.relayUrl);
    this.#machine = new StateMachine<S | BaseState>({ name: `${role} session`, initial: 'idle', transitions, onTransition: options.onTransition });
    this.files = new FileChannel({
      role,
      send: async (payload) => this.#sendOn(CHANNEL.files, payload),
      isOpen: () => this.state === 'active',
      backlog: () => this.bufferedAmount,
    });
    this.sysinfo = new SysinfoChannel({ role, send: async (payload) => this.#sendOn(CHANNEL.sysinfo, payload), isOpen: () => this.state === 'active' });
  }

  /** Subscribes to events; returns a function that unsubscribes. */
  onEvent(listener: (event: E | FinalEvent) => void): () => void {
    return this.emitter.on(listener);
  }

  /** The current state. */
  get state(): S | BaseState {
    return this.#machine.state;
  }

  /** The short authentication string once the handshake is done. */
  get sas(): string | undefined {
    return this.secure?.state === 'open' || this.secure?.state === 'closed' ? this.secure.sas : undefined;
  }

  /** True once the session has ended or failed. */
  get finished(): boolean {
    return this.#machine.is('ended', 'failed');
  }

  /** Connects to the relay. */
  start(): void {
    this.to('connecting');
    try {
      this.relay = new RelayConnection(this.options.relayUrl, this.options.connect, {
        open: () => this.guard(() => this.onRelayOpen()),
        signal: (signal) => this.guard(() => this.#onSignal(signal)),
        binary: (frame) => this.guard(() => this.#onBinary(frame)),
        closed: (info) => this.#onRelayClosed(info),
        invalid: (error) => this.fail(error),
      });
    } catch (err) {
      this.fail(toTandemError(err, 'TANDEM_ERR_RELAY_UNREACHABLE'));
    }
  }

  /** Ends the session on purpose: tells the peer (encrypted) and the relay. */
  async end(): Promise<void> {
    if (this.finished) return;
    const reason: EndReason = this.role === 'technician' ? 'technician-ended' : 'customer-ended';
    await this.finishWith(reason, true);
  }

  /**
   * Ends the session with `reason`: end message, close frame, `bye`, socket
   * closed. Never rejects: once the state is `ended`, the `ended` event is
   * emitted whatever the goodbye's fate.
   */
  protected async finishWith(reason: EndReason, announce: boolean): Promise<void> {
    if (this.finished) return;
    const secure = this.secure;
    this.to('ended');
    this.#clearHandshakeTimer();
    this.files.close();
    try {
      if (secure?.state === 'open') {
        if (announce) await secure.send(CHANNEL.control, encodeSessionMessage({ type: 'end', reason }));
        await secure.close();
      }
      if (announce) this.relay?.sendSignal({ t: 'bye' });
      this.relay?.close(1000, reason);
    } catch (err) {
      // The session is over either way; a goodbye that could not be sent only means the peer
      // learns of the end from the relay (and shows it as truncation, docs/protocol.md).
      this.relay?.close(1000, reason);
      void err;
    } finally {
      this.emitter.emit({ type: 'ended', reason });
    }
  }

  /** {@link finishWith} from an event handler, which cannot wait for it. */
  #finishNow(reason: EndReason): void {
    this.finishWith(reason, false).catch((err: unknown) => this.fail(toTandemError(err)));
  }

  /** Fails the session once: the one teardown path for errors. */
  fail(error: TandemError): void {
    if (this.finished) return;
    this.to('failed');
    this.#clearHandshakeTimer();
    this.files.close();
    if (this.secure !== undefined) this.secure.fail(error);
    if (error.code === 'TANDEM_ERR_WRONG_CODE' || error.code === 'TANDEM_ERR_PROTOCOL' || error.code === 'TANDEM_ERR_RECORD_AUTH') {
      // Tell the relay why, so it burns the code and audits the failure (metadata only).
      this.relay?.sendSignal({ t: 'abort', code: error.code });
    }
    this.relay?.close(error.closeCode >= 4000 ? error.closeCode : 1000, error.code);
    this.emitter.emit({ type: 'failed', error });
  }

  /** Moves to `next`; the table (protocol's StateMachine) refuses any other move as our bug. */
  protected to(next: S | BaseState): void {
    this.#machine.to(next);
  }

  /** For what the relay or the peer sent: unless the state is one of `states`, TANDEM_ERR_PROTOCOL naming `what`. */
  protected expect(states: readonly (S | BaseState)[], what: string): void {
    this.#machine.expect(states, what);
  }

  /** Runs `fn`, failing the session on any error instead of throwing into the socket's event loop. */
  protected guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.fail(toTandemError(err, 'TANDEM_ERR_PROTOCOL'));
    }
  }

  protected sendSignal(signal: ClientSignal): void {
    this.relay?.sendSignal(signal);
  }

  /** Sends a control message; a failure to send fails the session. */
  protected sendControl(message: ControlMessage): void {
    this.#post(this.#sendOn(CHANNEL.control, encodeSessionMessage(message)));
  }

  /**
   * Sends a control message and resolves once its sealed record went to the
   * relay, for callers whose next signal to the relay must not overtake it.
   * Never rejects: a failure to send fails the session.
   */
  protected sendControlAndWait(message: ControlMessage): Promise<void> {
    return this.#sendOn(CHANNEL.control, encodeSessionMessage(message)).catch((err: unknown) => this.fail(toTandemError(err)));
  }

  /** Sends a chat message; a failure to send fails the session. */
  protected sendChatText(text: string): void {
    this.#post(this.#sendOn(CHANNEL.chat, encodeSessionMessage({ type: 'chat', text })));
  }

  /** A record whose sending nobody waits for: its failure fails the session. */
  #post(sent: Promise<void>): void {
    sent.catch((err: unknown) => this.fail(toTandemError(err)));
  }

  #sendOn(channel: number, payload: Uint8Array): Promise<void> {
    const secure = this.secure;
    if (secure === undefined || secure.state !== 'open') {
      throw new TandemError('TANDEM_ERR_PROTOCOL', `${this.role} session: not connected end to end`);
    }
    return secure.send(channel, payload);
  }

  /** Bytes queued on the relay socket and not yet sent: bulk senders wait while this is high. */
  get bufferedAmount(): number {
    return this.relay?.bufferedAmount ?? 0;
  }

  /**
   * Sends bytes of the RFB stream on the rfb channel, in records of at most
   * `LIMITS.rfbChunkBytes`. Only while active; which side may send what in
   * which mode is the agent's gatekeeper's business, not the transport's.
   */
  sendRfb(data: Uint8Array): Promise<void> {
    if (this.state !== 'active') throw new TandemError('TANDEM_ERR_PROTOCOL', `cannot send screen data in state ${this.state}`);
    // Records leave in order, so waiting for the last one waits for all; each one's failure fails the session.
    let last: Promise<void> = Promise.resolve();
    for (let offset = 0; offset < data.length; offset += LIMITS.rfbChunkBytes) {
      last = this.#sendOn(CHANNEL.rfb, data.subarray(offset, Math.min(data.length, offset + LIMITS.rfbChunkBytes))).catch((err: unknown) => this.fail(toTandemError(err)));
    }
    return last;
  }

  /** Starts the end-to-end layer once the relay has paired both sides. */
  protected startSecure(args: { secret: Uint8Array; nameplate: string; sessionId: string }): void {
    this.secure = new SecureSession({
      role: this.role,
      secret: args.secret,
      relayOrigin: this.origin,
      nameplate: args.nameplate,
      sessionId: args.sessionId,
      aead: this.options.aead,
      ...(this.options.random ? { random: this.options.random } : {}),
      sendFrame: (frame) => this.relay?.sendBinary(frame),
      handlers: {
        open: (sas) => this.guard(() => {
          this.#clearHandshakeTimer();
          // The relay is blind to the handshake: our word that keys are confirmed lets it audit unconfirmed ends as failed codes.
          this.sendSignal({ t: 'confirmed' });
          this.onSecureOpen(sas);
        }),
        message: (channel, payload) => this.guard(() => this.#onMessage(channel, payload)),
        closed: () => this.guard(() => this.onPeerClosed()),
        failed: (error) => this.fail(error),
      },
    });
    this.#handshakeTimer = setTimeout(
      () => this.fail(new TandemError('TANDEM_ERR_TIMEOUT', 'The other side did not complete the secure handshake in time.')),
      TIMEOUTS.handshakeMs,
    );
    this.secure.start();
  }

  #clearHandshakeTimer(): void {
    if (this.#handshakeTimer !== undefined) clearTimeout(this.#handshakeTimer);
    this.#handshakeTimer = undefined;
  }

  #onSignal(signal: RelaySignal): void {
    if (this.finished) return;
    switch (signal.t) {
      case 'error':
        this.fail(new TandemError(signal.code, signal.message));
        return;
      case 'peer-left': {
        // The peer's last records came before this signal on the same socket but are
        // opened asynchronously: let them speak first (an encrypted `end` or refusal
        // is the peer's own word, the relay's is not).
        const reason = signal.reason;
        const before = this.secure?.settled() ?? Promise.resolve();
        before.then(
          () => this.guard(() => {
            if (!this.finished) this.#onPeerLeft(reason);
          }),
          (err: unknown) => this.fail(toTandemError(err)),
        );
        return;
      }
      default:
        this.onRelaySignal(signal);
    }
  }

  #onPeerLeft(reason: EndReason): void {
    // The relay's word is not authenticated. Once keys are confirmed, a session ends normally only by the
    // peer's own encrypted `end` (#onMessage), refusal (onControl) or close frame (onPeerClosed), all of
    // which arrived before this signal if the peer sent them; anything else is truncation, whatever the
    // relay says. Before keys are confirmed nothing can be authenticated: the relay's reason stands.
    if (this.secure?.state === 'open') {
      this.fail(
        new TandemError(
          'TANDEM_ERR_TRUNCATED',
          `The session was cut off: the other side's authenticated end never arrived (the relay reports "${reason}", which it cannot prove).`,
        ),
      );
      return;
    }
    switch (reason) {
      case 'wrong-code':
        this.fail(new TandemError('TANDEM_ERR_WRONG_CODE', 'The code is wrong: the other side used a different secret. This code is now burnt; ask for a new one.'));
        return;
      case 'refused':
        this.fail(new TandemError('TANDEM_ERR_REFUSED'));
        return;
      case 'customer-ended':
      case 'technician-ended':
        this.#finishNow(reason);
        return;
      default:
        this.fail(new TandemError('TANDEM_ERR_PEER_LOST', `The other side's connection was lost (${reason}).`));
    }
  }

  #onBinary(frame: Uint8Array): void {
    if (this.secure === undefined) throw new TandemError('TANDEM_ERR_PROTOCOL', 'end-to-end frame before pairing');
    this.secure.receive(frame);
  }

  #onMessage(channel: number, payload: Uint8Array): void {
    if (this.finished) return;
    if (channel === CHANNEL.control) {
      const message = decodeControlMessage(payload);
      if (message.type === 'end') {
        this.#finishNow(message.reason);
        return;
      }
      this.onControl(message);
    } else if (channel === CHANNEL.chat) {
      this.onChat(decodeChatMessage(payload).text);
    } else {
      this.onChannel(channel, payload);
    }
  }

  #onRelayClosed(info: { code: number; reason: string; opened: boolean }): void {
    if (this.finished) return;
    // As for `peer-left`: the peer's last records came before the close and may still be being
    // opened; its authenticated end or close frame must be heard before the stream counts as cut.
    const before = this.secure?.settled() ?? Promise.resolve();
    before.then(
      () => this.#judgeRelayClosed(info),
      (err: unknown) => this.fail(toTandemError(err)),
    );
  }

  #judgeRelayClosed(info: { code: number; reason: string; opened: boolean }): void {
    if (this.finished) return;
    this.secure?.transportEnded();
    if (this.finished) return;
    if (!info.opened) {
      this.fail(new TandemError('TANDEM_ERR_RELAY_UNREACHABLE', `Could not connect to the relay at ${this.origin}.`));
    } else {
      this.fail(new TandemError('TANDEM_ERR_PEER_LOST', `The connection to the relay closed (${info.code}${info.reason ? ` ${info.reason}` : ''}).`));
    }
  }

  /** The relay connection opened: send the first signal. */
  protected abstract onRelayOpen(): void;
  /** A role-specific relay signal arrived. */
  protected abstract onRelaySignal(signal: RelaySignal): void;
  /** Keys are confirmed both ways. */
  protected abstract onSecureOpen(sas: string): void;
  /** A control message other than `end` arrived. */
  protected abstract onControl(message: ControlMessage): void;
  /** A chat message arrived. */
  protected abstract onChat(text: string): void;
  /** A message arrived on another channel: rfb is delivered as is; unknown channels are protocol errors. */
  protected onChannel(channel: number, payload: Uint8Array): void {
    if (channel === CHANNEL.rfb && this.state === 'active') {
      this.emitter.emit({ type: 'rfb', data: payload } as RfbEvent as E);
      return;
    }
    if (channel === CHANNEL.files && this.state === 'active') {
      this.files.receive(payload);
      return;
    }
    if (channel === CHANNEL.sysinfo && this.state === 'active') {
      this.sysinfo.receive(payload);
      return;
    }
    throw new TandemError('TANDEM_ERR_PROTOCOL', `no handler for channel ${channel} in state ${this.state}`);
  }
  /** The peer sent its authenticated close without an `end` message first. */
  protected onPeerClosed(): void {
    this.#finishNow(this.role === 'technician' ? 'customer-ended' : 'technician-ended');
  }
}
