/**
 * The end-to-end part of a session: CPace with a commitment, key
 * confirmation, then AEAD records carrying multiplexed channels
 * (docs/protocol.md, "Handshake"). It sees only the binary frames the relay
 * forwards and knows nothing of the relay's signals.
 *
 * Message order (technician = CPace initiator A, customer = responder B):
 *
 *   technician → customer  commit   SHA-512(lv_cat("tandem/1 commit", CI, sid, Ya))
 *   customer → technician  share    Yb
 *   technician → customer  share    Ya   (must open the commitment)
 *   technician → customer  confirm  tag_A
 *   customer → technician  confirm  tag_B  (only once tag_A verified)
 *
 * The commitment (RFC 6189 §4.4.1.1) fixes the technician's share before it
 * sees the customer's, so a man in the middle who knows the secret cannot
 * choose its shares to make both SASs match. The customer's tag, the first
 * thing it sends that depends on the secret, goes out only after the
 * technician proved it knows the secret, so every guess is counted.
 *
 * States, technician: idle → committed (commit sent, waiting for Yb) →
 * confirming (Ya and tag_A sent, waiting for tag_B) → open.
 * Customer: idle → awaiting-commit → shared (Yb sent, waiting for Ya) →
 * verifying (Ya opened the commitment, waiting for tag_A) → open.
 * Then closed | failed. Which frame each state takes is {@link EXPECTED};
 * every other frame fails the session with TANDEM_ERR_PROTOCOL. Every
 * transition is checked by one StateMachine (state-machine.ts); every
 * teardown goes through {@link SecureSession.fail}.
 */
import type { Aead, AeadProvider } from './aead.js';
import { assertBytes, assertInteger, assertThat } from './assert.js';
import { concatBytes, utf8 } from './bytes.js';
import { FRAME_TYPE, type Role } from './constants.js';
import { CPACE_SHARE_BYTES, cpaceDeriveIsk, cpaceStart, type CpaceStart } from './cpace.js';
import { StateMachine, type Transitions } from './state-machine.js';
import { TandemError, toTandemError } from './errors.js';
import { COMMITMENT_BYTES, handshakeChannelId, handshakeTranscript, opensCommitment, shareCommitment } from './handshake.js';
import { CONFIRM_BYTES, confirmationTag, deriveSessionKeys, verifyConfirmationTag, type SessionKeys } from './key-schedule.js';
import { RecordOpener, RecordSealer } from './record-layer.js';
import type { RandomBytes } from './session-code.js';

/** States of the end-to-end layer (both roles; each uses its own path through them). */
export const SECURE_SESSION_STATES = ['idle', 'committed', 'confirming', 'awaiting-commit', 'shared', 'verifying', 'open', 'closed', 'failed'] as const;
/** A state of the end-to-end layer. */
export type SecureSessionState = (typeof SECURE_SESSION_STATES)[number];

const TRANSITIONS: Transitions<SecureSessionState> = {
  idle: ['committed', 'awaiting-commit', 'failed'],
  committed: ['confirming', 'failed'],
  confirming: ['open', 'failed'],
  'awaiting-commit': ['shared', 'failed'],
  shared: ['verifying', 'failed'],
  verifying: ['open', 'failed'],
  open: ['closed', 'failed'],
  closed: [],
  failed: [],
};

/** A frame type's name, for messages. */
type FrameName = keyof typeof FRAME_TYPE;

/** The frames each state takes from the peer; any other frame fails the session. */
const EXPECTED: Record<SecureSessionState, readonly FrameName[]> = {
  idle: [],
  committed: ['share'],
  confirming: ['confirm'],
  'awaiting-commit': ['commit'],
  shared: ['share'],
  verifying: ['confirm'],
  open: ['record', 'close'],
  closed: [],
  failed: [],
};

/** Body length of each handshake frame (records are checked by the record layer). */
const BODY_BYTES: Partial<Record<FrameName, number>> = {
  commit: COMMITMENT_BYTES,
  share: CPACE_SHARE_BYTES,
  confirm: CONFIRM_BYTES,
};

const FRAME_NAMES = new Map<number, FrameName>(Object.entries(FRAME_TYPE).map(([name, type]) => [type, name as FrameName]));

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
  readonly #machine = new StateMachine<SecureSessionState>({ name: 'secure session', initial: 'idle', transitions: TRANSITIONS });
  #options: SecureSessionOptions;
  #ci: Uint8Array;
  #sid: Uint8Array;
  #cpace: CpaceStart | undefined;
  /** The technician's commitment: its own (technician) or as received (customer). */
  #commitment: Uint8Array | undefined;
  /** The customer's share as received (technician only), kept for the transcript. */
  #peerShare: Uint8Array | undefined;
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
    this.#ci = handshakeChannelId(options.relayOrigin, options.nameplate);
    this.#sid = utf8(options.sessionId);
  }

  /** The current state. */
  get state(): SecureSessionState {
    return this.#machine.state;
  }

  /** The short authentication string, once keys are derived. */
  get sas(): string | undefined {
    return this.#keys?.sas;
  }

  /**
   * Starts the handshake. The technician draws its share and sends only the
   * commitment to it; the customer draws its share and waits for that
   * commitment before it sends anything.
   */
  start(): void {
    const technician = this.#options.role === 'technician';
    this.#machine.to(technician ? 'committed' : 'awaiting-commit');
    try {
      this.#cpace = cpaceStart({ prs: this.#options.secret, ci: this.#ci, sid: this.#sid }, this.#options.random);
    } catch (err) {
      this.fail(toTandemError(err));
      return;
    }
    if (technician) {
      this.#commitment = shareCommitment(this.#ci, this.#sid, this.#cpace.share);
      this.#sendHandshake('commit', this.#commitment);
    }
  }

  /** Feeds one binary frame from the peer. Frames are processed in order. */
  receive(frame: Uint8Array): void {
    this.#inbound = this.#inbound.then(async () => {
      if (this.#machine.state === 'failed' || this.#machine.state === 'closed') return;
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
    if (this.#machine.state !== 'open' || this.#sealer === undefined) {
      return Promise.reject(new TandemError('TANDEM_ERR_PROTOCOL', `cannot send in state ${this.#machine.state}`));
    }
    // The sealer takes its counter now, so frames are numbered in call order.
    const sealed = this.#sealer.seal(concatBytes(Uint8Array.of(channel), payload));
    return this.#enqueue(sealed);
  }

  /** Sends the authenticated close frame and stops sending. */
  async close(): Promise<void> {
    if (this.#machine.state !== 'open' || this.#sealer === undefined) return;
    const sealed = this.#sealer.sealClose();
    this.#machine.to('closed');
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
    if (this.#machine.state === 'open') this.fail(new TandemError('TANDEM_ERR_TRUNCATED'));
  }

  /** Tears the layer down once; later calls are ignored. */
  fail(error: TandemError): void {
    if (this.#machine.state === 'failed' || this.#machine.state === 'closed') return;
    this.#error = error;
    this.#machine.to('failed');
    this.#options.handlers.failed(error);
  }

  /** The error that failed the layer, if any. */
  get error(): TandemError | undefined {
    return this.#error;
  }

  #enqueue(sealed: Promise<Uint8Array>): Promise<void> {
    const step = this.#outbound.then(async () => {
      const frame = await sealed;
      if (this.#machine.state === 'failed') return;
      this.#options.sendFrame(frame);
    });
    // Keep the chain alive after a failure; the failure itself reaches the caller through `step`.
    this.#outbound = step.catch(() => undefined);
    return step;
  }

  #sendHandshake(name: 'commit' | 'share' | 'confirm', body: Uint8Array): void {
    this.#options.sendFrame(concatBytes(Uint8Array.of(FRAME_TYPE[name]), body));
  }

  /** The one place that decides whether a frame is acceptable now (EXPECTED), then dispatches it. */
  async #handle(frame: Uint8Array): Promise<void> {
    const type = frame[0];
    if (type === undefined) throw new TandemError('TANDEM_ERR_PROTOCOL', 'empty frame from peer');
    const name = FRAME_NAMES.get(type);
    if (name === undefined) throw new TandemError('TANDEM_ERR_PROTOCOL', `unknown frame type ${type} from peer`);
    if (!EXPECTED[this.#machine.state].includes(name)) {
      throw new TandemError('TANDEM_ERR_PROTOCOL', `unexpected ${name} frame from peer in state ${this.#machine.state}`);
    }
    const body = frame.subarray(1);
    const length = BODY_BYTES[name];
    if (length !== undefined && body.length !== length) {
      throw new TandemError('TANDEM_ERR_PROTOCOL', `${name} frame from peer must carry ${length} bytes, got ${body.length}`);
    }
    switch (this.#machine.state) {
      case 'awaiting-commit':
        return this.#onCommit(body);
      case 'committed':
        return this.#onCustomerShare(body);
      case 'shared':
        return this.#onTechnicianShare(body);
      case 'verifying':
      case 'confirming':
        return this.#onConfirm(body);
      default:
        return this.#onRecord(frame);
    }
  }

  /** Customer: the technician committed to its share; now, and only now, send ours. */
  #onCommit(commitment: Uint8Array): void {
    this.#commitment = commitment.slice();
    this.#machine.to('shared');
    this.#sendHandshake('share', (this.#cpace as CpaceStart).share);
  }

  /** Technician: the customer's share; derive the keys, open the commitment, prove we hold the secret. */
  #onCustomerShare(yb: Uint8Array): void {
    const cpace = this.#cpace as CpaceStart;
    this.#peerShare = yb.slice();
    this.#deriveKeys(cpace.share, this.#peerShare);
    this.#machine.to('confirming');
    this.#sendHandshake('share', cpace.share);
    this.#sendHandshake('confirm', confirmationTag((this.#keys as SessionKeys).confirmTechnician, this.#transcript as Uint8Array));
  }

  /** Customer: the technician's share must be the one it committed to before it saw ours. */
  #onTechnicianShare(ya: Uint8Array): void {
    if (!opensCommitment(this.#commitment as Uint8Array, this.#ci, this.#sid, ya)) {
      // CI and sid are in the commitment: a share from another session, or for another relay address, fails here too.
      throw new TandemError(
        'TANDEM_ERR_PROTOCOL',
        "The technician's share does not match the commitment it sent first: the handshake was altered on the way, or the two sides reached the relay under different addresses.",
      );
    }
    this.#deriveKeys(ya, (this.#cpace as CpaceStart).share);
    this.#machine.to('verifying');
  }

  /** CPace's ISK (draft §6.1, initiator-responder), the transcript and everything HKDF derives from them. */
  #deriveKeys(ya: Uint8Array, yb: Uint8Array): void {
    const technician = this.#options.role === 'technician';
    const isk = cpaceDeriveIsk(this.#cpace as CpaceStart, {
      role: technician ? 'initiator' : 'responder',
      ownAd: utf8(this.#options.role),
      peerShare: technician ? yb : ya,
      peerAd: utf8(technician ? 'customer' : 'technician'),
      sid: this.#sid,
    });
    this.#transcript = handshakeTranscript(this.#ci, this.#sid, this.#commitment as Uint8Array, ya, yb);
    this.#keys = deriveSessionKeys(isk, this.#transcript);
  }

  /**
   * The peer's tag. The customer verifies the technician's and only then
   * sends its own: before that it has sent nothing that depends on the
   * secret. The technician verifies the customer's. Either side then opens.
   */
  async #onConfirm(tag: Uint8Array): Promise<void> {
    const keys = this.#keys as SessionKeys;
    const transcript = this.#transcript as Uint8Array;
    const technician = this.#options.role === 'technician';
    const peerKey = technician ? keys.confirmCustomer : keys.confirmTechnician;
    if (!verifyConfirmationTag(peerKey, transcript, tag)) {
      throw new TandemError('TANDEM_ERR_WRONG_CODE', 'The code is wrong: the other side used a different secret. This code is now burnt; ask for a new one.');
    }
    const confirmingState = this.#machine.state;
    const send = technician ? keys.technicianToCustomer : keys.customerToTechnician;
    const recv = technician ? keys.customerToTechnician : keys.technicianToCustomer;
    const [sendAead, recvAead]: [Aead, Aead] = await Promise.all([
      this.#options.aead.importKey(send.key),
      this.#options.aead.importKey(recv.key),
    ]);
    if (this.#machine.state !== confirmingState) return;
    this.#sealer = new RecordSealer(sendAead, send.iv);
    this.#opener = new RecordOpener(recvAead, recv.iv);
    if (!technician) this.#sendHandshake('confirm', confirmationTag(keys.confirmCustomer, transcript));
    this.#machine.to('open');
    this.#options.handlers.open(keys.sas);
  }

  async #onRecord(frame: Uint8Array): Promise<void> {
    const result = await (this.#opener as RecordOpener).open(frame);
    if (result.kind === 'close') {
      this.#machine.to('closed');
      this.#options.handlers.closed();
      return;
    }
    const plaintext = result.plaintext;
    const channel = plaintext[0];
    if (channel === undefined) throw new TandemError('TANDEM_ERR_PROTOCOL', 'record without a channel byte');
    this.#options.handlers.message(channel, plaintext.subarray(1));
  }
}
