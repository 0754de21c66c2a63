/**
 * One file transfer on the files channel, as either end sees it: its state
 * machine ({@link TRANSFER_TRANSITIONS}), its counters and the SHA-256 of the
 * bytes so far. What moves it is file-channel.ts; the file itself is behind
 * {@link FileSource} and {@link FileSink}, which the Node side implements
 * with a file and the browser with a Blob.
 *
 * States:
 * - `requested`: the technician asked for a path; the customer's `offer` of it is accepted at once;
 * - `approving`: the customer is asked whether to send the path the technician named;
 * - `asking`: an offer waits for the receiving user's decision;
 * - `offered`: the sender waits for the receiver's answer;
 * - `sending` → `verifying`: bytes go out within the window, then `done` waits for `saved`;
 * - `receiving` → `saving`: bytes are written to a temporary name, then the hash is compared and the file named
 *   (a cancel arriving in `saving` is too late: the file is whole);
 * - `done`, `refused`, `cancelled`, `failed`: over.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { StateMachine, type Transitions } from './state-machine.js';

/** States of a transfer (see the file comment). */
export type TransferState =
  | 'requested'
  | 'approving'
  | 'asking'
  | 'offered'
  | 'sending'
  | 'verifying'
  | 'receiving'
  | 'saving'
  | 'done'
  | 'refused'
  | 'cancelled'
  | 'failed';

const STOP = ['cancelled', 'failed'] as const;

/** The moves of a {@link TransferState}. */
export const TRANSFER_TRANSITIONS: Transitions<TransferState> = {
  requested: ['receiving', 'refused', ...STOP],
  approving: ['offered', 'refused', ...STOP],
  asking: ['receiving', 'refused', ...STOP],
  offered: ['sending', 'refused', ...STOP],
  sending: ['verifying', ...STOP],
  verifying: ['done', ...STOP],
  receiving: ['saving', ...STOP],
  // Whole and verified: a cancel is too late now; only naming it can still fail.
  saving: ['done', 'failed'],
  done: [],
  refused: [],
  cancelled: [],
  failed: [],
};

/** Where a sent file's bytes come from. */
export interface FileSource {
  /** Up to `max` bytes; an empty array at the end of the file. */
  read(max: number): Promise<Uint8Array>;
  /** Releases the file; called once, whatever the outcome. */
  close(): Promise<void>;
}

/** Where a received file's bytes go: a temporary name until {@link FileSink.commit}. */
export interface FileSink {
  /** Appends bytes. */
  write(bytes: Uint8Array): Promise<void>;
  /** Gives the complete, verified file its final name; resolves with where it is. */
  commit(): Promise<string>;
  /** Removes everything written; called once when the transfer does not complete. */
  discard(): Promise<void>;
}

/** Which way the bytes go, from this end's point of view. */
export type TransferDirection = 'send' | 'receive';

/** One transfer's bookkeeping. */
export class Transfer {
  readonly id: number;
  readonly direction: TransferDirection;
  /** The name offered (or, for a request, the path asked for, until the offer names it). */
  name: string;
  /** The path the technician asked for, for a request. */
  readonly path: string | undefined;
  size = 0;
  /** Bytes sent (sender) or written (receiver). */
  bytes = 0;
  /** Bytes the receiver acknowledged (sender), or bytes received, written or not (receiver). */
  acked = 0;
  source: FileSource | undefined;
  sink: FileSink | undefined;
  /** The receiver's writes, one after another. */
  writes: Promise<void> = Promise.resolve();
  /** The technician's request: makes the sink once the customer's offer names the file. */
  opener: ((name: string, size: number) => Promise<FileSink>) | undefined;
  /** The sender's SHA-256 of all it sent, once sent. */
  sha256: string | undefined;
  /** Wakes a sender waiting for its window. */
  wake: (() => void) | undefined;
  readonly #hash = sha256.create();
  readonly #machine: StateMachine<TransferState>;

  constructor(args: { id: number; direction: TransferDirection; name: string; path?: string; initial: TransferState; onTransition?: (from: TransferState, to: TransferState) => void }) {
    this.id = args.id;
    this.direction = args.direction;
    this.name = args.name;
    this.path = args.path;
    this.#machine = new StateMachine({ name: `file transfer ${args.id}`, initial: args.initial, transitions: TRANSFER_TRANSITIONS, onTransition: args.onTransition });
  }

  get state(): TransferState {
    return this.#machine.state;
  }

  /** True once over. */
  get final(): boolean {
    return this.#machine.final;
  }

  is(...states: readonly TransferState[]): boolean {
    return this.#machine.is(...states);
  }

  to(next: TransferState): void {
    this.#machine.to(next);
    if (this.final) this.wakeSender();
  }

  /** For what the peer sent: TANDEM_ERR_PROTOCOL unless in one of `states`. */
  expect(states: readonly TransferState[], what: string): void {
    this.#machine.expect(states, what);
  }

  /** Adds bytes to the running SHA-256. */
  hash(bytes: Uint8Array): void {
    this.#hash.update(bytes);
  }

  /** The SHA-256 of every byte so far, lowercase hex; once only. */
  digest(): string {
    return Array.from(this.#hash.digest(), (b) => b.toString(16).padStart(2, '0')).join('');
  }

  /** Lets a sender waiting for its window look again. */
  wakeSender(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
