/**
 * Fuzz target: the gatekeeper (gatekeeper/gatekeeper.ts), through which
 * every byte a technician sends on the rfb channel passes: arbitrary bytes,
 * with the customer switching between view and control at arbitrary points.
 *
 * Invariants: while the mode is view nothing that is input (KeyEvent,
 * PointerEvent, ClientCutText, SetDesktopSize) passes; a SetEncodings that
 * passes lists only encodings the filter allows; whatever passes re-parses to
 * exactly the messages the gatekeeper reported (the server sees what was
 * checked); the same bytes split at arbitrary points pass the same pieces
 * and fail with the same error (a push that fails returns nothing, so a
 * coarser split passes a prefix of what byte-by-byte pushes pass); a
 * failure is TandemError TANDEM_ERR_PROTOCOL, after which every push fails;
 * stepping down from control returns only releases (key up, buttons up).
 */
import { isDeepStrictEqual } from 'node:util';
import { TandemError, type TandemErrorCode } from '@tandem/protocol';
import { Gatekeeper, type GateMode, type GatePiece } from '../src/gatekeeper/gatekeeper.js';
import { isGatekeeperSafe } from '../src/gatekeeper/safe-encodings.js';
import { ByteQueue, NATIVE_FORMAT, encodeClientMessage, parseClientMessage, type ClientMessage } from '@tandem/rfb';

/** How scripts/fuzz.mjs runs this target. */
export const fuzzOptions = { sync: true, maxLen: 2048 };

function expectTandemError(err: unknown, allowed: readonly TandemErrorCode[]): void {
  if (!(err instanceof TandemError)) throw new Error(`threw ${String(err)}, not a TandemError`, { cause: err });
  if (!allowed.includes(err.code)) throw new Error(`threw ${err.code}, expected one of ${allowed.join(', ')}: ${err.message}`, { cause: err });
  // push() rewraps whatever failed; an exception of the queue or the runtime shows in its message.
  if (/ByteQueue|unreachable|undefined|not a function|Cannot read/.test(err.message)) throw new Error(`an internal error passed as a protocol error: ${err.message}`);
}

/** What `fn` throws, or undefined. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

const INPUT = new Set<ClientMessage['type']>(['KeyEvent', 'PointerEvent', 'ClientCutText', 'SetDesktopSize']);

interface Run {
  pieces: { piece: GatePiece; mode: GateMode }[];
  releases: Uint8Array[][];
  error: string | null;
}

/**
 * Feeds `segments` (the mode switches fall between them), each cut further
 * by `cut`, and collects what passes.
 */
function runGate(start: GateMode, segments: readonly { mode: GateMode; bytes: Uint8Array }[], cut: (b: Uint8Array) => Uint8Array[]): Run {
  const gate = new Gatekeeper({ mode: start, allowEncoding: isGatekeeperSafe, limits: { maxCutText: 4096, maxEncodings: 64 } });
  const run: Run = { pieces: [], releases: [], error: null };
  for (const seg of segments) {
    if (seg.mode !== gate.mode) run.releases.push(gate.setMode(seg.mode));
    for (const chunk of cut(seg.bytes)) {
      try {
        for (const piece of gate.push(chunk.slice())) run.pieces.push({ piece, mode: gate.mode });
      } catch (err) {
        expectTandemError(err, ['TANDEM_ERR_PROTOCOL']);
        run.error = (err as Error).message;
        if (gate.state !== 'closed') throw new Error('the gatekeeper failed but is not closed', { cause: err });
        expectTandemError(thrown(() => gate.push(Uint8Array.of(0))), ['TANDEM_ERR_PROTOCOL']);
        return run;
      }
    }
  }
  return run;
}

function checkPieces(run: Run): void {
  const q = new ByteQueue();
  const reported: ClientMessage[] = [];
  for (const { piece, mode } of run.pieces) {
    if (piece.phase === 'version' && !/^RFB \d{3}\.\d{3}\n$/.test(Buffer.from(piece.raw).toString('latin1'))) throw new Error('passed a bad ProtocolVersion');
    if (piece.phase === 'security' && !(piece.raw.length === 1 && piece.raw[0] === 1)) throw new Error('passed a security type other than None');
    if (piece.phase === 'init' && !(piece.raw.length === 1 && (piece.raw[0] as number) <= 1)) throw new Error('passed a bad ClientInit');
    if (piece.phase !== 'message') continue;
    if (mode === 'view' && INPUT.has(piece.message.type)) throw new Error(`${piece.message.type} passed in view mode`);
    if (piece.message.type === 'SetEncodings' && !piece.message.encodings.every(isGatekeeperSafe)) throw new Error(`SetEncodings passed ${piece.message.encodings.join(',')}`);
    q.push(piece.raw);
    reported.push(piece.message);
  }
  const reparsed: ClientMessage[] = [];
  for (let m = parseClientMessage(q, { maxCutText: 4096, maxEncodings: 64 }); m; m = parseClientMessage(q, { maxCutText: 4096, maxEncodings: 64 })) reparsed.push(m.message);
  if (q.length !== 0 || !isDeepStrictEqual(reparsed, reported)) throw new Error('what passed does not re-parse to the messages reported');
  for (const batch of run.releases) {
    const rq = new ByteQueue();
    for (const b of batch) rq.push(b);
    for (let m = parseClientMessage(rq); m; m = parseClientMessage(rq)) {
      const msg = m.message;
      if (!((msg.type === 'KeyEvent' && !msg.down) || (msg.type === 'PointerEvent' && msg.buttonMask === 0))) throw new Error(`stepping down sent ${JSON.stringify(msg)}`);
    }
  }
}

function isPrefix(a: Run, of: Run): boolean {
  return a.pieces.length <= of.pieces.length && a.pieces.every((p, i) => isDeepStrictEqual(p, of.pieces[i]));
}

/**
 * One input: a flags byte (start mode, split seed) and a switch count, then
 * the technician's bytes; each 0xFE byte followed by 0xFD is not data but the
 * customer switching mode there.
 */
export function fuzz(data: Buffer): void {
  if (data.length < 1) return;
  const flags = data[0] as number;
  const start: GateMode = flags & 1 ? 'control' : 'view';
  const segments: { mode: GateMode; bytes: Uint8Array }[] = [];
  let mode = start;
  let from = 1;
  for (let i = 1; i < data.length - 1; i++) {
    if (data[i] === 0xfe && data[i + 1] === 0xfd) {
      segments.push({ mode, bytes: data.subarray(from, i) });
      mode = mode === 'view' ? 'control' : 'view';
      from = i + 2;
      i++;
    }
  }
  segments.push({ mode, bytes: data.subarray(from) });
  let x = flags | 1;
  const random = (b: Uint8Array): Uint8Array[] => {
    const out: Uint8Array[] = [];
    for (let at = 0; at < b.length;) {
      x = (x * 1103515245 + 12345) >>> 0;
      const n = 1 + ((x >>> 16) % 24);
      out.push(b.subarray(at, at + n));
      at += n;
    }
    return out;
  };
  const byByte = runGate(start, segments, (b) => Array.from(b, (v) => Uint8Array.of(v)));
  const whole = runGate(start, segments, (b) => (b.length > 0 ? [b] : []));
  const pieces = runGate(start, segments, random);
  checkPieces(byByte);
  for (const other of [whole, pieces]) {
    checkPieces(other);
    if (other.error !== byByte.error) throw new Error(`split input failed differently: ${String(byByte.error)} / ${String(other.error)}`);
    if (!isPrefix(other, byByte)) throw new Error('a coarser split passed other pieces than byte-by-byte pushes');
    if (other.error === null && other.pieces.length !== byByte.pieces.length) throw new Error('a coarser split passed fewer pieces without failing');
  }
}

/** Sessions as a viewer (noVNC, the technician client) opens them, with input before and after switches. */
export function seeds(): Uint8Array[] {
  const m = (list: ClientMessage[]): number[] => [...Buffer.concat(list.map((c) => encodeClientMessage(c)))];
  const hello = [...Buffer.from('RFB 003.008\n', 'latin1'), 1, 1];
  const opening = m([
    { type: 'SetPixelFormat', format: NATIVE_FORMAT },
    { type: 'SetEncodings', encodings: [16, 6, 1, 0, -223, -308, -224, 7, -258, -313, 0xc0a1e5ce | 0] },
    { type: 'FramebufferUpdateRequest', incremental: false, x: 0, y: 0, w: 1024, h: 768 },
  ]);
  const input = m([
    { type: 'PointerEvent', buttonMask: 1, x: 10, y: 20 },
    { type: 'KeyEvent', down: true, keysym: 0xffe3 },
    { type: 'KeyEvent', down: true, keysym: 0x63 },
    { type: 'ClientCutText', text: 'paste me' },
    { type: 'SetDesktopSize', width: 800, height: 600, screens: [{ id: 0, x: 0, y: 0, w: 800, h: 600, flags: 0 }] },
  ]);
  const SWITCH = [0xfe, 0xfd];
  return [
    Uint8Array.of(0, ...hello, ...opening, ...input),
    Uint8Array.of(1, ...hello, ...opening, ...input, ...SWITCH, ...input, ...SWITCH, ...input),
    Uint8Array.of(0, ...Buffer.from('RFB 003.003\n', 'latin1'), 0, ...opening, ...SWITCH, ...input),
    Uint8Array.of(3, ...Buffer.from('RFB 003.007\n', 'latin1'), 1, 1, ...input, ...SWITCH, ...opening),
  ];
}
