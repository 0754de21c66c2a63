/**
 * Fuzz target: the end-to-end frame handling of a session
 * (secure-session.ts `SecureSession.receive`), in every state. Two real ends
 * run the handshake with fixed randomness; the input plays a hostile relay
 * between them: it decides when the peer's genuine frames reach the end under
 * test, injects frames of its own (shares, confirmations, records, closes,
 * unknown types, empty ones), flips bits of genuine ones, has the peer send
 * records or close, and ends the transport, in any order and at any state
 * (idle before start, shares, confirming, open, closed, failed).
 *
 * Invariants: the end under test reports at most one `open` (with the same
 * SAS as the peer), and only when it then is open; it delivers exactly a
 * prefix of what the peer sent, in order, channel and bytes unchanged; once
 * it reports `failed` or `closed` it reports nothing more; a failure is a
 * TandemError with a code of the handshake or record layer, never a wrapped
 * exception of another type; and every frame is handled (no hang).
 */
import { webCryptoAeadProvider } from '../src/aead.js';
import { utf8 } from '../src/bytes.js';
import type { Role } from '../src/constants.js';
import { TandemError, type TandemErrorCode } from '../src/errors.js';
import { SecureSession } from '../src/secure-session.js';

/** How scripts/fuzz.mjs runs this target. */
export const fuzzOptions = { sync: false, maxLen: 2048 };

const ALLOWED: readonly TandemErrorCode[] = ['TANDEM_ERR_PROTOCOL', 'TANDEM_ERR_RECORD_AUTH', 'TANDEM_ERR_WRONG_CODE', 'TANDEM_ERR_TRUNCATED', 'TANDEM_ERR_MESSAGE_TOO_LARGE'];

function expectTandemError(err: unknown, allowed: readonly TandemErrorCode[]): void {
  if (!(err instanceof TandemError)) throw new Error(`threw ${String(err)}, not a TandemError`, { cause: err });
  if (!allowed.includes(err.code)) throw new Error(`threw ${err.code}, expected one of ${allowed.join(', ')}: ${err.message}`, { cause: err });
  // receive() wraps whatever a handler throws; a wrapped TypeError or RangeError is a bug, not a bad frame.
  if (err.cause instanceof Error && !(err.cause instanceof TandemError)) throw new Error(`a frame caused ${err.cause.name}: ${err.cause.message}`, { cause: err.cause });
}

/** Reads the input front to back; past its end every read is 0. */
class Reader {
  #pos = 0;
  constructor(readonly data: Uint8Array) {}
  get done(): boolean {
    return this.#pos >= this.data.length;
  }
  u8(): number {
    return this.#pos < this.data.length ? (this.data[this.#pos++] as number) : 0;
  }
  bytes(n: number): Uint8Array {
    const out = this.data.slice(this.#pos, this.#pos + n);
    this.#pos += out.length;
    return out;
  }
}

/** Deterministic "randomness" so that each input replays the same handshake. */
function fixedRandom(seed: number): (n: number) => Uint8Array {
  let x = seed;
  return (n) => Uint8Array.from({ length: n }, () => (x = (x * 1103515245 + 12345) >>> 0) >>> 24);
}

interface Observed {
  events: string[];
  opened: string[];
  messages: { channel: number; payload: Uint8Array }[];
  failure: TandemError | undefined;
  closed: boolean;
}

function end(role: Role, secret: string, sendFrame: (f: Uint8Array) => void, seen: Observed): SecureSession {
  return new SecureSession({
    role,
    secret: utf8(secret),
    relayOrigin: 'https://relay.test',
    nameplate: '123',
    sessionId: 'session-1',
    aead: webCryptoAeadProvider(),
    random: fixedRandom(role === 'technician' ? 7 : 11),
    sendFrame,
    handlers: {
      open: (sas) => { seen.events.push('open'); seen.opened.push(sas); },
      message: (channel, payload) => { seen.events.push('message'); seen.messages.push({ channel, payload: payload.slice() }); },
      closed: () => { seen.events.push('closed'); seen.closed = true; },
      failed: (error) => { seen.events.push('failed'); seen.failure = error; },
    },
  });
}

const newObserved = (): Observed => ({ events: [], opened: [], messages: [], failure: undefined, closed: false });
const MAX_OPS = 40;

/** One input: which end is tested, whether the secrets match, then the relay's moves. */
export async function fuzz(data: Buffer): Promise<void> {
  const r = new Reader(new Uint8Array(data.buffer, data.byteOffset, data.length));
  const flags = r.u8();
  const role: Role = flags & 1 ? 'technician' : 'customer';
  const peerRole: Role = role === 'technician' ? 'customer' : 'technician';
  const wrongSecret = (flags & 6) === 6;
  const seen = newObserved();
  const peerSeen = newObserved();
  /** Frames the peer sent that the relay holds, not yet delivered. */
  const held: Uint8Array[] = [];
  const sent: { channel: number; payload: Uint8Array }[] = [];
  const peer = end(peerRole, '45678', (f) => held.push(f.slice()), peerSeen);
  const tested: SecureSession = end(role, wrongSecret ? '45679' : '45678', (f) => peer.receive(f.slice()), seen);
  peer.start();

  for (let op = 0; op < MAX_OPS && !r.done; op++) {
    const code = r.u8();
    switch ((code & 0x7f) % 9) {
      case 0: if (tested.state === 'idle') tested.start(); break;
      case 1: { const f = held.shift(); if (f) tested.receive(f); break; } // deliver the next genuine frame
      case 2: { // a genuine frame with bits flipped
        const f = held.shift();
        if (f && f.length > 0) { const i = r.u8() % f.length; f[i] = (f[i] as number) ^ (r.u8() | 1); tested.receive(f); }
        break;
      }
      case 3: { // a frame of the relay's own: a type byte, then bytes
        const len = r.u8();
        tested.receive(Uint8Array.of(r.u8() % 6, ...r.bytes(len)));
        break;
      }
      case 4: tested.receive(new Uint8Array(0)); break;
      case 5: held.shift(); break; // drop
      case 6: { // the peer sends a record
        if (peer.state === 'open') {
          const m = { channel: r.u8() % 6, payload: r.bytes(r.u8() % 32) };
          sent.push(m);
          void peer.send(m.channel, m.payload).catch(() => undefined);
        }
        break;
      }
      // The peer's close may fail once the tested side failed it: that is the fuzzer's business, not an error of the harness.
      case 7: peer.close().catch(() => undefined); break;
      case 8: tested.transportEnded(); break;
    }
    if (code & 0x80) {
      await tested.settled();
      await peer.settled();
      await peer.flush();
    }
  }
  // Start if the input never did, then let everything held through, so the handshake can finish.
  if (tested.state === 'idle') tested.start();
  for (let round = 0; round < 8; round++) {
    await peer.flush();
    await tested.settled();
    await peer.settled();
    const f = held.shift();
    if (f === undefined) break;
    tested.receive(f);
  }
  await tested.settled();

  // At most one open, with the peer's SAS, and only into the open state.
  if (seen.opened.length > 1) throw new Error('open reported twice');
  if (seen.opened.length === 1) {
    if (wrongSecret) throw new Error('opened with the wrong secret');
    if (seen.opened[0] !== peer.sas) throw new Error('opened with another SAS than the peer');
  }
  // Nothing after failed or closed.
  const last = seen.events.findIndex((e) => e === 'failed' || e === 'closed');
  if (last >= 0 && last !== seen.events.length - 1) throw new Error(`reported ${seen.events.slice(last + 1).join(', ')} after ${seen.events[last]}`);
  if (seen.failure) {
    expectTandemError(seen.failure, ALLOWED);
    if (tested.state !== 'failed' || tested.error !== seen.failure) throw new Error(`reported failed but is ${tested.state}`);
  }
  if (seen.closed && tested.state !== 'closed') throw new Error(`reported closed but is ${tested.state}`);
  // Exactly a prefix of what the peer sent.
  if (seen.messages.length > sent.length) throw new Error(`delivered ${seen.messages.length} records, the peer sent ${sent.length}`);
  seen.messages.forEach((m, i) => {
    const s = sent[i] as { channel: number; payload: Uint8Array };
    if (m.channel !== s.channel || m.payload.length !== s.payload.length || m.payload.some((b, j) => b !== s.payload[j])) {
      throw new Error(`record ${i} delivered other than the peer sent it`);
    }
  });
  if (peerSeen.failure) expectTandemError(peerSeen.failure, ALLOWED);
}

/** Real sessions: handshake in order, records both before and after awaiting, a close, and the frame types. */
export function seeds(): Uint8Array[] {
  const A = 0x80;
  return [
    Uint8Array.of(0, 0 | A, 1 | A, 1 | A, 6 | A, 1, 3, 104, 105, 106, 1 | A, 7 | A, 1 | A),
    Uint8Array.of(1, 0, 1, 1 | A, 1 | A, 6 | A, 2, 2, 9, 9, 1 | A, 8),
    Uint8Array.of(0, 1 | A, 0 | A, 1 | A, 3 | A, 32, 1, ...new Array<number>(32).fill(5), 1 | A),
    Uint8Array.of(0, 0 | A, 1 | A, 2 | A, 7, 1, 1 | A),
    Uint8Array.of(6, 0 | A, 1 | A, 1 | A),
    Uint8Array.of(0, 0 | A, 1 | A, 1 | A, 3 | A, 20, 3, ...new Array<number>(20).fill(1), 4, 1 | A),
  ];
}
