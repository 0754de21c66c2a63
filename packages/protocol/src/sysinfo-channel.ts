/**
 * The system-information channel (CHANNEL.sysinfo) of one session: the
 * technician asks, the customer's agent asks its user, and only after a yes
 * sends the list of items (docs/protocol.md, "The system-information
 * channel"). UTF-8 JSON records, one table of message readers
 * ({@link SYSINFO_READERS}); each request is a state machine of its own
 * ({@link SYSINFO_TRANSITIONS}): `asked` (the technician waits) or `asking`
 * (the customer is asked), then `answered` or `refused`.
 */
import { assertInteger, assertObject, assertOneOf, assertString, assertThat } from './assert.js';
import { fromUtf8, utf8 } from './bytes.js';
import type { Role } from './constants.js';
import { Emitter } from './emitter.js';
import { TandemError } from './errors.js';
import { StateMachine, type Transitions } from './state-machine.js';

/** Bounds of the channel. */
export const SYSINFO_LIMITS = {
  maxItems: 256,
  maxKeyChars: 64,
  maxValueChars: 1000,
  /** Largest record, bytes. */
  maxRecordBytes: 128 * 1024,
  maxId: 0x7fffffff,
} as const;

/** One item: `Computer name` → `desk-42`. */
export interface SysinfoItem {
  key: string;
  value: string;
}

/** Why a request was refused. */
export const SYSINFO_REFUSALS = ['declined', 'policy', 'failed'] as const;
/** A {@link SYSINFO_REFUSALS} entry. */
export type SysinfoRefusal = (typeof SYSINFO_REFUSALS)[number];

/** The channel's messages. */
export type SysinfoMessage =
  | { type: 'request'; id: number }
  | { type: 'info'; id: number; items: SysinfoItem[] }
  | { type: 'refuse'; id: number; reason: SysinfoRefusal };

function readItems(value: unknown): SysinfoItem[] {
  assertThat(Array.isArray(value) && value.length <= SYSINFO_LIMITS.maxItems, 'sysinfo.items', `must be a list of at most ${SYSINFO_LIMITS.maxItems}`);
  return (value as unknown[]).map((item, i) => {
    assertObject(item, `sysinfo.items[${i}]`);
    assertString(item.key, `sysinfo.items[${i}].key`, SYSINFO_LIMITS.maxKeyChars, 1);
    assertString(item.value, `sysinfo.items[${i}].value`, SYSINFO_LIMITS.maxValueChars);
    return { key: item.key, value: item.value };
  });
}

/** The table: how each message type is read back (they are written as they are). */
export const SYSINFO_READERS: { readonly [T in SysinfoMessage['type']]: (m: Record<string, unknown>, id: number) => Extract<SysinfoMessage, { type: T }> } = {
  request: (_m, id) => ({ type: 'request', id }),
  info: (m, id) => ({ type: 'info', id, items: readItems(m.items) }),
  refuse: (m, id) => {
    assertOneOf(m.reason, 'sysinfo.reason', SYSINFO_REFUSALS);
    return { type: 'refuse', id, reason: m.reason };
  },
};

/** Encodes a message. */
export function encodeSysinfoMessage(message: SysinfoMessage): Uint8Array {
  return utf8(JSON.stringify(message));
}

/** Decodes and validates a record's payload. */
export function decodeSysinfoMessage(payload: Uint8Array): SysinfoMessage {
  if (payload.length > SYSINFO_LIMITS.maxRecordBytes) throw new TandemError('TANDEM_ERR_MESSAGE_TOO_LARGE', 'sysinfo: record too large');
  let m: unknown;
  try {
    m = JSON.parse(fromUtf8(payload));
  } catch (err) {
    throw new TandemError('TANDEM_ERR_PROTOCOL', 'sysinfo: not valid UTF-8 JSON', { cause: err });
  }
  assertObject(m, 'sysinfo');
  assertOneOf(m.type, 'sysinfo.type', Object.keys(SYSINFO_READERS) as SysinfoMessage['type'][]);
  assertInteger(m.id, 'sysinfo.id', 0, SYSINFO_LIMITS.maxId);
  return SYSINFO_READERS[m.type](m, m.id);
}

/** States of one request. */
export type SysinfoState = 'asked' | 'asking' | 'answered' | 'refused';

/** The moves of a {@link SysinfoState}. */
export const SYSINFO_TRANSITIONS: Transitions<SysinfoState> = {
  asked: ['answered', 'refused'],
  asking: ['answered', 'refused'],
  answered: [],
  refused: [],
};

/** What the channel tells its user interface. */
export type SysinfoEvent =
  /** The technician asks: answer with `send` or `refuse`. */
  | { type: 'sysinfo-request'; id: number }
  | { type: 'sysinfo'; id: number; items: SysinfoItem[] }
  | { type: 'sysinfo-refused'; id: number; reason: SysinfoRefusal; by: 'me' | 'peer' };

/** Options of a {@link SysinfoChannel}. */
export interface SysinfoChannelOptions {
  role: Role;
  send(payload: Uint8Array): Promise<void>;
  isOpen(): boolean;
  /** Hears every move of every request (tests). */
  onTransition?: (from: SysinfoState, to: SysinfoState) => void;
}

/** The system-information channel of one session. */
export class SysinfoChannel {
  readonly #options: SysinfoChannelOptions;
  readonly #emitter = new Emitter<SysinfoEvent>();
  readonly #requests = new Map<number, StateMachine<SysinfoState>>();
  #nextId = 1;

  constructor(options: SysinfoChannelOptions) {
    this.#options = options;
  }

  /** Subscribes to events; returns a function that unsubscribes. */
  onEvent(listener: (event: SysinfoEvent) => void): () => void {
    return this.#emitter.on(listener);
  }

  /** Technician: asks for the customer's system information; returns the request's id. */
  request(): number {
    if (this.#options.role !== 'technician') throw new TandemError('TANDEM_ERR_PROTOCOL', 'only the technician asks for system information');
    if (!this.#options.isOpen()) throw new TandemError('TANDEM_ERR_PROTOCOL', 'cannot ask for system information: the session is not active');
    const id = this.#nextId++;
    this.#add(id, 'asked');
    this.#post({ type: 'request', id });
    return id;
  }

  /** Customer: sends `items` for the request `id`, which the customer accepted. */
  send(id: number, items: SysinfoItem[]): void {
    const machine = this.#waiting(id);
    machine.to('answered');
    this.#post({ type: 'info', id, items: readItems(items) });
  }

  /** Customer: refuses the request `id`. */
  refuse(id: number, reason: SysinfoRefusal): void {
    const machine = this.#waiting(id);
    machine.to('refused');
    this.#post({ type: 'refuse', id, reason });
    this.#emitter.emit({ type: 'sysinfo-refused', id, reason, by: 'me' });
  }

  /** A record arrived; throws TANDEM_ERR_PROTOCOL for what the peer may not send now. */
  receive(payload: Uint8Array): void {
    const m = decodeSysinfoMessage(payload);
    if (m.type === 'request') {
      if (this.#options.role !== 'customer') throw new TandemError('TANDEM_ERR_PROTOCOL', 'sysinfo: only the technician asks');
      if (this.#requests.has(m.id)) throw new TandemError('TANDEM_ERR_PROTOCOL', `sysinfo: request ${m.id} already exists`);
      this.#add(m.id, 'asking');
      this.#emitter.emit({ type: 'sysinfo-request', id: m.id });
      return;
    }
    const machine = this.#requests.get(m.id);
    if (machine === undefined || this.#options.role !== 'technician') throw new TandemError('TANDEM_ERR_PROTOCOL', `sysinfo: no request ${m.id} was asked`);
    machine.expect(['asked'], `sysinfo: ${m.type}`);
    if (m.type === 'info') {
      machine.to('answered');
      this.#emitter.emit({ type: 'sysinfo', id: m.id, items: m.items });
    } else {
      machine.to('refused');
      this.#emitter.emit({ type: 'sysinfo-refused', id: m.id, reason: m.reason, by: 'peer' });
    }
  }

  #waiting(id: number): StateMachine<SysinfoState> {
    const machine = this.#requests.get(id);
    if (machine === undefined || !machine.is('asking')) throw new TandemError('TANDEM_ERR_CONFLICT', `no system-information request ${id} waits`);
    return machine;
  }

  #add(id: number, initial: SysinfoState): void {
    this.#requests.set(id, new StateMachine({ name: `sysinfo request ${id}`, initial, transitions: SYSINFO_TRANSITIONS, onTransition: this.#options.onTransition }));
  }

  /** Sends without waiting; a record that cannot be sent means the session is failing, which says so itself. */
  #post(message: SysinfoMessage): void {
    if (!this.#options.isOpen()) return;
    this.#options.send(encodeSysinfoMessage(message)).catch(() => this.#emitter.emit({ type: 'sysinfo-refused', id: message.id, reason: 'failed', by: 'me' }));
  }
}
