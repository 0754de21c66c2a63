/**
 * Fuzz target: the relay's and the clients' signal parsers
 * (relay-messages.ts `parseClientSignal`, `parseRelaySignal`), which read
 * WebSocket text frames from the other side.
 *
 * Invariants: each parser returns a signal or throws TandemError
 * TANDEM_ERR_BAD_INPUT (nothing else); a parsed signal re-encodes with
 * `encodeSignal` to text that parses back to the same signal, encoded alike
 * (so nothing a peer adds survives the parse).
 */
import { isDeepStrictEqual } from 'node:util';
import { ERROR_CODES, TandemError, type TandemErrorCode } from '../src/errors.js';
import { encodeSignal, parseClientSignal, parseRelaySignal, type ClientSignal, type RelaySignal } from '../src/relay-messages.js';

/** How scripts/fuzz.mjs runs this target. */
export const fuzzOptions = { sync: true, maxLen: 9000 };

function expectTandemError(err: unknown, allowed: readonly TandemErrorCode[]): void {
  if (!(err instanceof TandemError)) throw new Error(`threw ${String(err)}, not a TandemError`, { cause: err });
  if (!allowed.includes(err.code)) throw new Error(`threw ${err.code}, expected one of ${allowed.join(', ')}: ${err.message}`, { cause: err });
}

const decoder = new TextDecoder();

function check(parse: (text: unknown) => ClientSignal | RelaySignal, text: string): void {
  let parsed: ClientSignal | RelaySignal;
  try {
    parsed = parse(text);
  } catch (err) {
    expectTandemError(err, ['TANDEM_ERR_BAD_INPUT']);
    return;
  }
  const encoded = encodeSignal(parsed);
  const again = parse(encoded);
  // Compared as sent: JSON has no -0, so a timestamp of -0 comes back as 0, which is the same on the wire.
  if (encodeSignal(again) !== encoded || !isDeepStrictEqual(Object.keys(again), Object.keys(parsed))) {
    throw new Error(`round trip changed ${encoded} into ${encodeSignal(again)}`);
  }
}

/** One input: the text of a WebSocket text frame, read by both sides' parsers. */
export function fuzz(data: Buffer): void {
  const text = decoder.decode(data);
  check(parseClientSignal, text);
  check(parseRelaySignal, text);
}

/** Real signals of every type, as clients and the relay send them. */
export function seeds(): Uint8Array[] {
  const technician = { username: 'tanaka', displayName: 'Tanaka Ichiro', team: 'Helpdesk' };
  const ticket = 'puHqSZijPoYqgZ8UJufGjg';
  const signals: (ClientSignal | RelaySignal)[] = [
    { t: 'auth', token: 'k3Jq9zX0c1bYtq2v8w7e6r5t4y3u2i1o' },
    { t: 'allocate', mode: 'view', caseNumber: 'C-2025-0042' },
    { t: 'allocate', mode: 'control' },
    { t: 'extend' },
    { t: 'claim', nameplate: '123' },
    { t: 'consent', customer: { name: '山田 太郎', customerNumber: '778812', caseNumber: 'C-2025-0042' }, mode: 'view' },
    { t: 'refuse' },
    { t: 'mode', mode: 'chat' },
    { t: 'abort', code: 'TANDEM_ERR_WRONG_CODE' },
    { t: 'bye' },
    { t: 'hold', ticket },
    { t: 'answer', ticket, mode: 'control', caseNumber: '42' },
    { t: 'join', ticket, attemptId: 'att3mpt-0001' },
    { t: 'decline', attemptId: 'att3mpt-0001', code: 'TANDEM_ERR_INVITATION_EXPIRED', message: 'The invitation has expired.' },
    { t: 'ready', technician },
    { t: 'allocated', nameplate: '123', expiresAt: 1748770200000, serverTime: 1748769900000 },
    { t: 'extended', expiresAt: 1748770800000, serverTime: 1748769960000 },
    { t: 'paired', sessionId: 's-6f1c2a', technician, caseNumber: 'C-1', mode: 'view' },
    { t: 'peer-left', reason: 'network-lost' },
    { t: 'error', code: ERROR_CODES[0] as TandemErrorCode, message: 'signal: not valid JSON' },
    { t: 'holding', ticket },
    { t: 'attempt', attemptId: 'att3mpt-0001', technician, mode: 'control' },
  ];
  return signals.map((s) => new TextEncoder().encode(encodeSignal(s)));
}
