/**
 * Fuzz target: the decoders of the control and chat channels
 * (session-messages.ts `decodeControlMessage`, `decodeChatMessage`), which
 * read the plaintext of records from the other end.
 *
 * Invariants: each decoder returns a message or throws TandemError
 * TANDEM_ERR_PROTOCOL or TANDEM_ERR_BAD_INPUT (nothing else); a decoded
 * message re-encodes with `encodeSessionMessage` to bytes that decode to the
 * same message.
 */
import { isDeepStrictEqual } from 'node:util';
import { TandemError, type TandemErrorCode } from '../src/errors.js';
import { decodeChatMessage, decodeControlMessage, encodeSessionMessage, type ChatMessage, type ControlMessage } from '../src/session-messages.js';

/** How scripts/fuzz.mjs runs this target. */
export const fuzzOptions = { sync: true, maxLen: 17000 };

function expectTandemError(err: unknown, allowed: readonly TandemErrorCode[]): void {
  if (!(err instanceof TandemError)) throw new Error(`threw ${String(err)}, not a TandemError`, { cause: err });
  if (!allowed.includes(err.code)) throw new Error(`threw ${err.code}, expected one of ${allowed.join(', ')}: ${err.message}`, { cause: err });
}

function check<T extends ControlMessage | ChatMessage>(decode: (bytes: Uint8Array) => T, bytes: Uint8Array): void {
  let decoded: T;
  try {
    decoded = decode(bytes);
  } catch (err) {
    expectTandemError(err, ['TANDEM_ERR_PROTOCOL', 'TANDEM_ERR_BAD_INPUT']);
    return;
  }
  const again = decode(encodeSessionMessage(decoded));
  if (!isDeepStrictEqual(again, decoded)) throw new Error(`round trip changed ${JSON.stringify(decoded)} into ${JSON.stringify(again)}`);
}

/** One input: a record's payload, read as a control and as a chat message. */
export function fuzz(data: Buffer): void {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.length);
  check(decodeControlMessage, bytes);
  check(decodeChatMessage, bytes);
}

/** Real messages of every type, as the two ends send them. */
export function seeds(): Uint8Array[] {
  const messages: (ControlMessage | ChatMessage)[] = [
    { type: 'request', mode: 'view' },
    { type: 'consent', accepted: true, mode: 'control', customer: { name: '山田 太郎', customerNumber: '778812', caseNumber: 'C-2025-0042' } },
    { type: 'consent', accepted: false },
    { type: 'decision', mode: 'control', accepted: true },
    { type: 'mode', mode: 'chat' },
    { type: 'end', reason: 'customer-ended' },
    { type: 'chat', text: 'こんにちは — can you see my screen?' },
  ];
  return messages.map(encodeSessionMessage);
}
