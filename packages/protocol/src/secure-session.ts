/**
 * The end-to-end part of a session: CPace shares, key confirmation, then AEAD
 * records carrying multiplexed channels (docs/protocol.md). It sees only the
 * binary frames the relay forwards and knows nothing of the relay's signals.
 *
 * States: idle → shares (own share sent) → confirming (keys derived; the
 * technician's tag sent, the customer's only once the technician's verified)
 * → open → closed | failed. Every transition goes through
 * {@link SecureSession.#to}; every teardown through {@link SecureSession.fail}.
 */
import type { Aead, AeadProvider } from './aead.js';
import { assertBytes, assertInteger, assertThat } from './assert.js';
import { concatBytes, utf8 } from './bytes.js';
import { FRAME_TYPE, PROTOCOL_LABEL, type Role } from './constants.js';
import { cpaceDeriveIsk, cpaceStart, lvCat, type CpaceStart } from './cpace.js';
import { TandemError, toTandemError } from './errors.js';
import { confirmationTag, deriveSessionKeys, verifyConfirmationTag, type SessionKeys } from './key-schedule.js';
import { RecordOpener, RecordSealer } from './record-layer.js';
import type { RandomBytes } from './session-code.js';

/** States of the end-to-end layer. */
export const SECURE_SESSION_STATES = ['idle', 'shares', 'confirming', 'open', 'closed', 'failed'] as const;
/** A state of the end-to-end layer. */
export type SecureSessionState = (typeof SECURE_SESSION_STATES)[number];

const TRANSITIONS: Record<SecureSessionState, readonly SecureSessionState[]> = {
  idle: ['shares', 'failed'],
  shares: ['confirming', 'failed'],
  confirming: ['open', 'failed'],
  open: ['closed', 'failed'],
  closed: [],
  failed: [],
};

/** Byte length of a ristretto255 share and of a confirmation tag. */
const SHARE_BYTES = 32;
const TAG_BYTES = 64;

/** What the end-to-end layer reports upwards. */
export interface SecureSessionHandlers {
  /** Keys confirmed both ways: records may flow. */
  open(sas: string): void;
  /** A record arrived on `channel`. */
  message(channel: number, payload: Uint8Array): void;
  /** The peer closed the stream with its authenticated close frame. */
  closed(): void;
  /** The layer failed; nothing more will be sent or delivered. */
  failed(error: TandemError): void;
}

/** Inputs of the end-to-end layer. */
export interface SecureSessionOptions {
  role: Role;
  /** The PAKE secret: the code's secret digits, or an invitation's secret. */
  secret: Uint8Array;
  /** The relay's origin as this side reached it (bound into CPace's CI). */
  relayOrigin: string;
  /** The nameplate or ticket id (bound into CPace's CI). */
  nameplate: string;
  /** The relay's session id (CPace's sid). */
  sessionId: string;
  aead: AeadProvider;
  random?: RandomBytes;
  /** Sends one binary frame to the peer through the relay. */
  sendFrame(frame: Uint8Array): void;
  handlers: SecureSessionHandlers;
}

/** The end-to-end state machine of one session. */
export class SecureSession {
  #state: SecureSessionState = 'idle';
  #options: SecureSessionOptions;
  #ci: Uint8Array;
  #sid: Uint8Array;
  #cpace: CpaceStart | undefined;
  #keys: SessionKeys | undefined;
  #transcript: Uint8Array | undefined;
  #sealer: RecordSealer | undefined;
  #opener: RecordOpener | undefined;
  /** Inbound frames are handled strictly one after another, in arrival order. */
  #inbound: Promise<void> = Promise.resolve();
  /** Outbound frames leave strictly in the order they were sealed. */
  #outbound: Promise<void> = Promise.resolve();
  #error: TandemError | undefined;

  constructor(options: SecureSessionOptions) {
    assertBytes(options.secret, 'secret');
    assertThat(options.secret.length > 0, 'secret', 'must not be empty');
    this.#options = options;
    // CPace draft §3.1 (channel identifier): binds the protocol, the relay and the code.
    this.#ci = lvCat(utf8(PROTOCOL_LABEL), utf8(options.relayOrigin), utf8(options.nameplate));
    this.#sid = utf8(options.sessionId);
  }

  /** The current state. */
  get state(): SecureSessionState {
    return this.#state;
  }

  /** The short authentication string, once keys are derived. */
  get sas(): string | undefined {
    return this.#keys?.sas;
  }

  /** Sends this side's CPace share. */
  start(): void {
    this.#to('shares');
    try {
      this.#cpace = cpaceStart({ prs: this.#options.secret, ci: this.#ci, sid: this.#sid }, this.#options.random);
    } catch (err) {
      this.fail(toTandemError(err));
      return;
    }
    this.#options.sendFrame(concatBytes(Uint8Array.of(FRAME_TYPE.share), this.#cpace.share));
  }

  /** Feeds one binary frame from the peer. Frames are processed in order. */
  receive(frame: Uint8Array): void {
    this.#inbound = this.#inbound.then(async () => {
      if (this.#state === 'failed' || this.#state === 'closed') return;
      try {
        await this.#handle(frame);
      } catch (err) {
        this.fail(toTandemError(err, 'TANDEM_ERR_PROTOCOL'));
      }
    });
  }

  /** Sends `payload` on `channel`. Only while open. */
  send(channel: number, payload: Uint8Array): Promise<void> {
    assertInteger(channel, 'channel', 0, 255);
    assertBytes(payload, 'payload');
    if (this.#state !== 'open' || this.#sealer === undefined) {
      return Promise.reject(new TandemError('TANDEM_ERR_PROTOCOL', `cannot send in state ${this.#state}`));
    }
    // The sealer takes its counter now, so frames are numbered in call order.
    const sealed = this.#sealer.seal(concatBytes(Uint8Array.of(channel), payload));
    return this.#enqueue(sealed);
  }

  /** Sends the authenticated close frame and stops sending. */
  async close(): Promise<void> {
    if (this.#state !== 'open' || this.#sealer === undefined) return;
    const sealed = this.#sealer.sealClose();
    this.#to('closed');
    await this.#enqueue(sealed);
  }

  /** Resolves when every frame handed to `send`/`close` has been passed to `sendFrame`. */
  flush(): Promise<void> {
    return this.#outbound;
  }

  /** Resolves when every frame handed to `receive` so far has been handled (opening records is asynchronous). */
  settled(): Promise<void> {
    return this.#inbound;
  }

  /**
   * The transport under the session ended. A stream that ends without the
   * peer's close frame is truncated (the caller decides how to report it).
   */
  transportEnded(): void {
    if (this.#state === 'open') this.fail(new TandemError('TANDEM_ERR_TRUNCATED'));
  }

  /** Tears the layer down once; later calls are ignored. */
  fail(error: TandemError): void {
    if (this.#state === 'failed' || this.#state === 'closed') return;
    this.#error = error;
    this.#to('failed');
    this.#options.handlers.failed(error);
  }

  /** The error that failed the layer, if any. */
  get error(): TandemError | undefined {
    return this.#error;
  }

  #enqueue(sealed: Promise<Uint8Array>): Promise<void> {
    const step = this.#outbound.then(async () => {
      const frame = await sealed;
      if (this.#state === 'failed') return;
      this.#options.sendFrame(frame);
    });
    // Keep the chain alive after a failure; the failure itself reaches the caller through `step`.
    this.#outbound = step.catch(() => undefined);
    return step;
  }

  #to(next: SecureSessionState): void {
    if (!TRANSITIONS[this.#state].includes(next)) {
      throw new TandemError('TANDEM_ERR_PROTOCOL', `secure session: no transition ${this.#state} → ${next}`);
    }
    this.#state = next;
  }

  async #handle(frame: Uint8Array): Promise<void> {
    if (frame.length === 0) throw new TandemError('TANDEM_ERR_PROTOCOL', 'empty frame from peer');
    const type = frame[0];
    const body = frame.subarray(1);
    switch (type) {
      case FRAME_TYPE.share:
        return this.#onShare(body);
      case FRAME_TYPE.confirm:
        return this.#onConfirm(body);
      case FRAME_TYPE.record:
      case FRAME_TYPE.close:
        return this.#onRecord(frame);
      default:
        throw new TandemError('TANDEM_ERR_PROTOCOL', `unknown frame type ${String(type)} from peer`);
    }
  }

  #onShare(peerShare: Uint8Array): void {
    if (this.#state !== 'shares' || this.#cpace === undefined) {
      throw new TandemError('TANDEM_ERR_PROTOCOL', `unexpected share in state ${this.#state}`);
    }
    if (peerShare.length !== SHARE_BYTES) throw new TandemError('TANDEM_ERR_PROTOCOL', `peer share must be ${SHARE_BYTES} bytes`);
    const technician = this.#options.role === 'technician';
    const ownAd = utf8(this.#options.role);
    const peerAd = utf8(technician ? 'customer' : 'technician');
    // CPace draft §6.1 (initiator-responder): the technician is the initiator.
    const isk = cpaceDeriveIsk(this.#cpace, {
      role: technician ? 'initiator' : 'responder',
      ownAd,
      peerShare,
      peerAd,
      sid: this.#sid,
    });
    const ya = technician ? this.#cpace.share : peerShare;
    const yb = technician ? peerShare : this.#cpace.share;
    this.#transcript = lvCat(utf8(PROTOCOL_LABEL), this.#ci, this.#sid, ya, yb);
    this.#keys = deriveSessionKeys(isk, this.#transcript);
    this.#to('confirming');
    // Only the initiator speaks first. The responder's tag depends on the secret, so it goes out only
    // after the initiator's tag verified (#onConfirm): before that, all a peer has from the responder is
    // its share, a uniformly random group element, and a wrong guess cannot be tested without it failing
    // the handshake where it is counted (docs/protocol.md, "What a guesser learns").
    if (technician) this.#sendConfirm();
  }

  #sendConfirm(): void {
    const keys = this.#keys as SessionKeys;
    const ownKey = this.#options.role === 'technician' ? keys.confirmTechnician : keys.confirmCustomer;
    this.#options.sendFrame(concatBytes(Uint8Array.of(FRAME_TYPE.confirm), confirmationTag(ownKey, this.#transcript as Uint8Array)));
  }

  async #onConfirm(tag: Uint8Array): Promise<void> {
    if (this.#state !== 'confirming' || this.#keys === undefined || this.#transcript === undefined) {
      throw new TandemError('TANDEM_ERR_PROTOCOL', `unexpected confirmation in state ${this.#state}`);
    }
    if (tag.length !== TAG_BYTES) throw new TandemError('TANDEM_ERR_PROTOCOL', `confirmation must be ${TAG_BYTES} bytes`);
    const technician = this.#options.role === 'technician';
    const peerKey = technician ? this.#keys.confirmCustomer : this.#keys.confirmTechnician;
    if (!verifyConfirmationTag(peerKey, this.#transcript, tag)) {
      throw new TandemError('TANDEM_ERR_WRONG_CODE', 'The code is wrong: the other side used a different secret. This code is now burnt; ask for a new one.');
    }
    const send = technician ? this.#keys.technicianToCustomer : this.#keys.customerToTechnician;
    const recv = technician ? this.#keys.customerToTechnician : this.#keys.technicianToCustomer;
    const [sendAead, recvAead]: [Aead, Aead] = await Promise.all([
      this.#options.aead.importKey(send.key),
      this.#options.aead.importKey(recv.key),
    ]);
    if (this.#state !== 'confirming') return;
    this.#sealer = new RecordSealer(sendAead, send.iv);
    this.#opener = new RecordOpener(recvAead, recv.iv);
    // The responder answers with its own tag only now that the initiator proved it holds the secret.
    if (!technician) this.#sendConfirm();
    this.#to('open');
    this.#options.handlers.open(this.#keys.sas);
  }

  async #onRecord(frame: Uint8Array): Promise<void> {
    if (this.#state !== 'open' || this.#opener === undefined) {
      throw new TandemError('TANDEM_ERR_PROTOCOL', `unexpected record in state ${this.#state}`);
    }
    const result = await this.#opener.open(frame);
    if (result.kind === 'close') {
      this.#to('closed');
      this.#options.handlers.closed();
      return;
    }
    const plaintext = result.plaintext;
    if (plaintext.length < 1) throw new TandemError('TANDEM_ERR_PROTOCOL', 'record without a channel byte');
    this.#options.handlers.message(plaintext[0] as number, plaintext.subarray(1));
  }
}
