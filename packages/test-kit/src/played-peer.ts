/**
 * One side of a session played by the test, on a {@link ScriptedSocket}: the
 * real end-to-end layer (SecureSession), so the handshake and the records are
 * the genuine ones, but what it says once the keys are confirmed is whatever
 * the test sends, in whatever state the other side is: a hostile technician
 * or customer, for the failure paths of the session under test.
 */
import {
  CHANNEL,
  decodeControlMessage,
  encodeSessionMessage,
  SecureSession,
  utf8,
  webCryptoAeadProvider,
  type ChatMessage,
  type ControlMessage,
  type Role,
  type TandemError,
} from '@tandem/protocol';
import type { ScriptedSocket } from './scripted-relay.js';

/** Options of a {@link PlayedPeer}. */
export interface PlayedPeerOptions {
  role: Role;
  secret: string;
  /** The nameplate or ticket CPace binds. */
  nameplate: string;
  sessionId: string;
  /** The socket of the session under test: the peer's frames are delivered on it. */
  to: ScriptedSocket;
  /** Default `https://relay.test`. */
  relayOrigin?: string;
}

/** A played peer; feed it the other side's frames with {@link PlayedPeer.receive}. */
export class PlayedPeer {
  readonly secure: SecureSession;
  /** The SAS once the keys are confirmed. */
  sas: string | undefined;
  failure: TandemError | undefined;
  /** Control messages the other side sent, in order. */
  readonly control: ControlMessage[] = [];
  /** Records on other channels, in order. */
  readonly records: { channel: number; payload: Uint8Array }[] = [];

  constructor(options: PlayedPeerOptions) {
    this.secure = new SecureSession({
      role: options.role,
      secret: utf8(options.secret),
      relayOrigin: options.relayOrigin ?? 'https://relay.test',
      nameplate: options.nameplate,
      sessionId: options.sessionId,
      aead: webCryptoAeadProvider(),
      sendFrame: (frame) => options.to.deliver(frame),
      handlers: {
        open: (sas) => {
          this.sas = sas;
        },
        message: (channel, payload) => {
          if (channel === CHANNEL.control) this.control.push(decodeControlMessage(payload));
          else this.records.push({ channel, payload });
        },
        closed: () => undefined,
        failed: (error) => {
          this.failure = error;
        },
      },
    });
  }

  /** Starts the handshake (the technician's side sends its commitment). */
  start(): void {
    this.secure.start();
  }

  /** A frame from the other side. */
  receive(frame: Uint8Array): void {
    this.secure.receive(frame);
  }

  /** Sends a control or chat message, whatever the other side's state. */
  say(message: ControlMessage | ChatMessage): Promise<void> {
    return this.secure.send(message.type === 'chat' ? CHANNEL.chat : CHANNEL.control, encodeSessionMessage(message));
  }

  /** Sends a record on any channel. */
  send(channel: number, payload: Uint8Array): Promise<void> {
    return this.secure.send(channel, payload);
  }
}
