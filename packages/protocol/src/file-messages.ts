/**
 * Messages of the files channel (CHANNEL.files), inside the encrypted
 * session: the relay sees only records of the size it forwards, never a
 * name, a path, a size or a hash (docs/protocol.md, "The files channel").
 *
 * Every record's payload starts with one byte naming its kind; the table
 * {@link FILE_CODECS} holds, for each kind, its number, its encoder and its
 * decoder, and nothing else knows the wire form. `data` carries file bytes
 * after a 4-byte transfer id; every other kind is UTF-8 JSON after its byte.
 *
 * Flow (one transfer, its id chosen by the technician; file-channel.ts runs
 * it): the sender `offer`s a name and size; the receiver `accept`s or
 * `refuse`s; the sender sends `data` within a window the receiver opens with
 * `ack` (flow control per transfer, so a transfer never fills the path the
 * screen shares), then `done` with the SHA-256 of all it sent; the receiver
 * compares it with its own before the file takes its name and answers
 * `saved`. For the technician's `/get` the technician first sends `request`
 * with the customer's path, which the customer answers with an `offer` of the
 * same id (or `refuse`). Either side may `cancel` at any time.
 */
import { assertInteger, assertObject, assertOneOf, assertString, assertThat } from './assert.js';
import { fromUtf8, utf8 } from './bytes.js';
import { LIMITS } from './constants.js';
import { TandemError } from './errors.js';

/** Bounds of the files channel. */
export const FILE_LIMITS = {
  /** File bytes per `data` record. */
  chunkBytes: 32 * 1024,
  /** Bytes the sender may have sent and not yet had acknowledged. */
  windowBytes: 1024 * 1024,
  /** The receiver acknowledges after this many bytes written. */
  ackBytes: 256 * 1024,
  /** Relay socket backlog above which a file sender waits (well below the screen's, so the screen goes first). */
  sendHighWaterBytes: 256 * 1024,
  /** Largest file, bytes (1 TiB). */
  maxFileBytes: 2 ** 40,
  /** Longest name in an offer, characters (the receiver shortens it further). */
  maxNameChars: 1024,
  /** Longest path in a request, characters. */
  maxPathChars: 4096,
  /** Longest reason text in a cancel, characters. */
  maxMessageChars: 500,
  /** Largest transfer id. */
  maxId: 0x7fffffff,
} as const;

/** Why a transfer was refused. */
export const FILE_REFUSALS = ['declined', 'policy', 'too-large', 'unavailable'] as const;
/** A {@link FILE_REFUSALS} entry. */
export type FileRefusal = (typeof FILE_REFUSALS)[number];

/** Why a transfer was cancelled: on purpose, or because something failed (a disk, a hash). */
export const FILE_CANCELS = ['cancelled', 'failed'] as const;
/** A {@link FILE_CANCELS} entry. */
export type FileCancel = (typeof FILE_CANCELS)[number];

/** One files-channel message. */
export type FileMessage =
  | { type: 'offer'; id: number; name: string; size: number }
  | { type: 'request'; id: number; path: string }
  | { type: 'accept'; id: number }
  | { type: 'refuse'; id: number; reason: FileRefusal }
  | { type: 'ack'; id: number; bytes: number }
  | { type: 'done'; id: number; sha256: string }
  | { type: 'saved'; id: number }
  | { type: 'cancel'; id: number; reason: FileCancel; message: string }
  | { type: 'data'; id: number; bytes: Uint8Array };

/** A message kind. */
export type FileMessageType = FileMessage['type'];

type MessageOf<T extends FileMessageType> = Extract<FileMessage, { type: T }>;

interface FileCodec<T extends FileMessageType> {
  /** The payload's first byte. */
  kind: number;
  /** The whole payload, its kind byte first. */
  encode(message: MessageOf<T>): Uint8Array;
  decode(body: Uint8Array): MessageOf<T>;
}

function id(value: unknown, name: string): number {
  assertInteger(value, name, 0, FILE_LIMITS.maxId);
  return value;
}

function json(body: Uint8Array, name: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(body));
  } catch (err) {
    throw new TandemError('TANDEM_ERR_PROTOCOL', `${name}: not valid UTF-8 JSON`, { cause: err });
  }
  assertObject(value, name);
  return value;
}

/** A JSON kind: the fields written as they are, read back with `read`. */
function jsonCodec<T extends FileMessageType>(kind: number, type: T, read: (m: Record<string, unknown>, name: string) => MessageOf<T>): FileCodec<T> {
  return {
    kind,
    encode(message) {
      const body = utf8(JSON.stringify(message));
      const out = new Uint8Array(body.length + 1);
      out[0] = kind;
      out.set(body, 1);
      return out;
    },
    decode(body) {
      const name = `files.${type}`;
      const m = json(body, name);
      assertThat(m.type === type, `${name}.type`, `must be "${type}"`);
      return read(m, name);
    },
  };
}

/** The table: each kind's number and wire form. */
export const FILE_CODECS: { readonly [T in FileMessageType]: FileCodec<T> } = {
  offer: jsonCodec(1, 'offer', (m, n) => {
    assertString(m.name, `${n}.name`, FILE_LIMITS.maxNameChars, 1);
    assertInteger(m.size, `${n}.size`, 0, FILE_LIMITS.maxFileBytes);
    return { type: 'offer', id: id(m.id, `${n}.id`), name: m.name, size: m.size };
  }),
  request: jsonCodec(2, 'request', (m, n) => {
    assertString(m.path, `${n}.path`, FILE_LIMITS.maxPathChars, 1);
    return { type: 'request', id: id(m.id, `${n}.id`), path: m.path };
  }),
  accept: jsonCodec(3, 'accept', (m, n) => ({ type: 'accept', id: id(m.id, `${n}.id`) })),
  refuse: jsonCodec(4, 'refuse', (m, n) => {
    assertOneOf(m.reason, `${n}.reason`, FILE_REFUSALS);
    return { type: 'refuse', id: id(m.id, `${n}.id`), reason: m.reason };
  }),
  ack: jsonCodec(5, 'ack', (m, n) => {
    assertInteger(m.bytes, `${n}.bytes`, 0, FILE_LIMITS.maxFileBytes);
    return { type: 'ack', id: id(m.id, `${n}.id`), bytes: m.bytes };
  }),
  done: jsonCodec(6, 'done', (m, n) => {
    assertString(m.sha256, `${n}.sha256`, 64, 64);
    assertThat(/^[0-9a-f]{64}$/.test(m.sha256), `${n}.sha256`, 'must be 64 lowercase hex digits');
    return { type: 'done', id: id(m.id, `${n}.id`), sha256: m.sha256 };
  }),
  saved: jsonCodec(7, 'saved', (m, n) => ({ type: 'saved', id: id(m.id, `${n}.id`) })),
  cancel: jsonCodec(8, 'cancel', (m, n) => {
    assertOneOf(m.reason, `${n}.reason`, FILE_CANCELS);
    assertString(m.message, `${n}.message`, FILE_LIMITS.maxMessageChars);
    return { type: 'cancel', id: id(m.id, `${n}.id`), reason: m.reason, message: m.message };
  }),
  data: {
    kind: 9,
    encode(message) {
      const out = new Uint8Array(5 + message.bytes.length);
      out[0] = 9;
      new DataView(out.buffer).setUint32(1, message.id);
      out.set(message.bytes, 5);
      return out;
    },
    decode(body) {
      assertThat(body.length > 4, 'files.data', 'must hold a transfer id and at least one byte');
      assertThat(body.length - 4 <= FILE_LIMITS.chunkBytes, 'files.data', `must carry at most ${FILE_LIMITS.chunkBytes} bytes`);
      const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
      return { type: 'data', id: id(view.getUint32(0), 'files.data.id'), bytes: body.subarray(4) };
    },
  },
};

const BY_KIND = new Map<number, FileCodec<FileMessageType>>(
  Object.values(FILE_CODECS).map((codec) => [codec.kind, codec as unknown as FileCodec<FileMessageType>]),
);

/** Encodes a files-channel message: its kind byte, then its body. */
export function encodeFileMessage(message: FileMessage): Uint8Array {
  return (FILE_CODECS[message.type] as unknown as FileCodec<FileMessageType>).encode(message);
}

/** Decodes and validates a files-channel record's payload; TANDEM_ERR_PROTOCOL (or BAD_INPUT from the checks) when it is not one. */
export function decodeFileMessage(payload: Uint8Array): FileMessage {
  if (payload.length < 1) throw new TandemError('TANDEM_ERR_PROTOCOL', 'files: empty record');
  const codec = BY_KIND.get(payload[0] as number);
  if (codec === undefined) throw new TandemError('TANDEM_ERR_PROTOCOL', `files: unknown message kind ${payload[0]}`);
  const body = payload.subarray(1);
  if (payload[0] !== FILE_CODECS.data.kind && body.length > LIMITS.maxControlBytes) {
    throw new TandemError('TANDEM_ERR_MESSAGE_TOO_LARGE', `files: message longer than ${LIMITS.maxControlBytes} bytes`);
  }
  return codec.decode(body);
}
