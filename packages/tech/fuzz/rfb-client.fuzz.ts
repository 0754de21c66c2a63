/**
 * Fuzz target: the technician client's reader of a server's RFB stream
 * (rfb-client/rfb-client.ts with its decoders and zlib streams): arbitrary
 * bytes from a hostile customer's agent or VNC server, handshake included
 * (RFB 3.8, security None or VNC Authentication).
 *
 * Invariants: the client either goes on reading or closes with a TandemError
 * TANDEM_ERR_PROTOCOL or TANDEM_ERR_UNAUTHORIZED that wraps no other kind of
 * exception (a RangeError of the queue or the framebuffer would be a bug);
 * the same bytes split at arbitrary points give the same events, the same
 * messages sent back, the same screen and the same error; nothing hangs.
 * Screen sizes are capped at 256x256 here (ServerInit and the size
 * pseudo-encodings) to keep each input fast; sizes past the client's own
 * limit still reach it.
 */
import { Duplex } from 'node:stream';
import { isDeepStrictEqual } from 'node:util';
import { TandemError, type TandemErrorCode } from '@tandem/protocol';
import { serveRfb, type DesktopListener, type DesktopSource } from '@tandem/agent';
import { ENCODING, type Framebuffer } from '@tandem/rfb';
import type { RectDecoder } from '../src/rfb-client/decoders/decoder.js';
import { MAX_SCREEN_SIDE } from '../src/rfb-client/decoders/desktop-size.js';
import { defaultDecoders } from '../src/rfb-client/decoders/registry.js';
import { RfbClient, type RfbClientEvent } from '../src/rfb-client/rfb-client.js';

/** How scripts/fuzz.mjs runs this target. */
export const fuzzOptions = { sync: false, maxLen: 16384 };

const PASSWORD = 'fuzz-pass';
const CAP = 256;

function expectTandemError(err: unknown, allowed: readonly TandemErrorCode[]): void {
  if (!(err instanceof TandemError)) throw new Error(`threw ${String(err)}, not a TandemError`, { cause: err });
  if (!allowed.includes(err.code)) throw new Error(`threw ${err.code}, expected one of ${allowed.join(', ')}: ${err.message}`, { cause: err });
  // The client wraps whatever its reader throws; a wrapped RangeError or TypeError is a bug, not bad input.
  if (err.cause instanceof Error && !(err.cause instanceof TandemError)) throw new Error(`the stream caused ${err.cause.name}: ${err.cause.message}`, { cause: err.cause });
}

/** Sizes in (CAP, MAX_SCREEN_SIDE] become CAP; others pass, so the client's own checks still see 0 and too large. */
const cap = (n: number): number => (n > CAP && n <= MAX_SCREEN_SIDE ? CAP : n);

/**
 * Caps the ServerInit size in a stream that follows the handshake exactly
 * (version, security types, challenge, result); other streams fail before
 * ServerInit anyway, so they are left alone.
 */
function capServerInit(stream: Uint8Array): Uint8Array {
  const s = Uint8Array.from(stream);
  const n = s[12];
  if (n === undefined || n === 0) return s;
  const types = s.subarray(13, 13 + n);
  const at = 13 + n + (types.includes(1) ? 0 : 16) + 4;
  if (at + 4 > s.length) return s;
  const v = new DataView(s.buffer);
  v.setUint16(at, cap(v.getUint16(at)));
  v.setUint16(at + 2, cap(v.getUint16(at + 2)));
  return s;
}

interface Run {
  events: RfbClientEvent[];
  sent: number[];
  state: string;
  width: number;
  height: number;
  screen: number[];
  snapshot: string;
}

/** Feeds `chunks` to a fresh client, waiting after each until it has read all it can. */
async function runClient(chunks: readonly Uint8Array[], snapshot: boolean): Promise<Run> {
  let busy = 0;
  const decoders = new Map<number, RectDecoder>();
  for (const [encoding, d] of defaultDecoders()) {
    const sized = encoding === ENCODING.DesktopSize || encoding === ENCODING.ExtendedDesktopSize;
    decoders.set(encoding, {
      ...d,
      decode: async (rect, q, ctx) => {
        busy++;
        try {
          return await d.decode(sized ? { ...rect, w: cap(rect.w), h: cap(rect.h) } : rect, q, ctx);
        } finally {
          busy--;
        }
      },
    });
  }
  const events: RfbClientEvent[] = [];
  const sent: number[] = [];
  const client = new RfbClient({ send: (b) => { sent.push(...b); }, password: PASSWORD, decoders, onEvent: (e) => events.push(e) });
  let shot = 'none';
  if (snapshot) {
    client.snapshot(600_000).then((s) => { shot = `${s.width}x${s.height}:${s.rgb.reduce((a, b) => (a * 31 + b) >>> 0, 0)}`; }, (e: unknown) => { shot = `rejected ${(e as TandemError).code}`; });
  }
  const idle = async (): Promise<void> => {
    do await new Promise((r) => setImmediate(r)); while (busy > 0);
  };
  for (const c of chunks) {
    client.receive(c.slice());
    await idle();
  }
  const fb = client.framebuffer;
  const run: Run = { events, sent, state: client.state, width: client.width, height: client.height, screen: fb ? [...fb.data].filter((_, i) => i % 4 !== 3) : [], snapshot: '' };
  client.close();
  await idle();
  run.snapshot = shot;
  for (const e of events) if (e.type === 'closed' && e.error) expectTandemError(e.error, ['TANDEM_ERR_PROTOCOL', 'TANDEM_ERR_UNAUTHORIZED']);
  return run;
}

/** One input: a flags byte (bit 0: a snapshot is pending), a split seed, then the server's bytes. */
export async function fuzz(data: Buffer): Promise<void> {
  if (data.length < 2) return;
  const stream = capServerInit(data.subarray(2));
  const snapshot = ((data[0] as number) & 1) === 1;
  let x = (data[1] as number) | 1;
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < stream.length;) {
    x = (x * 1103515245 + 12345) >>> 0;
    const n = 1 + ((x >>> 16) % Math.max(1, stream.length >> 3));
    pieces.push(stream.subarray(at, at + n));
    at += n;
  }
  const whole = await runClient([stream], snapshot);
  const split = await runClient(pieces, snapshot);
  if (!isDeepStrictEqual(split, whole)) {
    const brief = (r: Run): string => JSON.stringify({ ...r, screen: r.screen.length, sent: r.sent.length });
    throw new Error(`split stream read differently:\n${brief(whole)}\n${brief(split)}`);
  }
}

/** A small synthetic desktop that the built-in engine serves: changes, a scroll and a resize on demand. */
class SyntheticDesktop implements DesktopSource {
  #fb: Framebuffer;
  #listeners = new Set<DesktopListener>();
  constructor(width: number, height: number) {
    this.#fb = SyntheticDesktop.paint(width, height, 0);
  }
  static paint(width: number, height: number, phase: number): Framebuffer {
    const data = new Uint8Array(width * height * 4);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      // Flat areas, a few colours and noise, so that every ZRLE tile kind appears.
      const v = x < width / 3 ? 0x204060 + phase : x < (2 * width) / 3 ? ((x + y + phase) % 3) * 0x404040 : (x * 7919 + y * 104729 + phase) & 0xffffff;
      data[p] = v & 0xff; data[p + 1] = (v >> 8) & 0xff; data[p + 2] = (v >> 16) & 0xff;
    }
    return { width, height, stride: width * 4, data };
  }
  framebuffer(): Framebuffer { return this.#fb; }
  cursor(): null { return null; }
  subscribe(l: DesktopListener): () => void { this.#listeners.add(l); return () => this.#listeners.delete(l); }
  pointerEvent(): void { /* the synthetic desktop has no pointer */ }
  keyEvent(): void { /* nor keys */ }
  releaseAll(): void { /* nothing is held */ }
  async close(): Promise<void> { this.#listeners.clear(); }
  change(phase: number): void {
    const next = SyntheticDesktop.paint(this.#fb.width, this.#fb.height, phase);
    this.#fb.data.set(next.data.subarray(0, this.#fb.data.length / 2));
    for (const l of this.#listeners) l.onChange([{ x: 0, y: 0, w: this.#fb.width, h: this.#fb.height >> 1 }]);
  }
  scroll(): void {
    const { width, height, data } = this.#fb;
    data.copyWithin(0, width * 4 * 8, width * height * 4);
    for (const l of this.#listeners) {
      if (l.onMove) l.onMove({ src: { x: 0, y: 8, w: width, h: height - 8 }, dx: 0, dy: -8 });
      l.onChange([{ x: 0, y: height - 8, w: width, h: 8 }]);
    }
  }
  resize(width: number, height: number): void {
    this.#fb = SyntheticDesktop.paint(width, height, 1);
    for (const l of this.#listeners) l.onResize(width, height);
  }
}

/** The bytes the built-in engine sends a technician client offering `encodings`, through a few updates. */
async function captureEngine(encodings: number[], password: string | undefined): Promise<Uint8Array> {
  const desktop = new SyntheticDesktop(70, 20);
  const captured: Buffer[] = [];
  const client = new RfbClient({ send: (b) => { channel.push(Buffer.from(b)); }, password: PASSWORD, encodings });
  const channel = new Duplex({
    read() { /* pushed by the client's send */ },
    write(chunk: Buffer, _enc, done) { captured.push(Buffer.from(chunk)); client.receive(Uint8Array.from(chunk)); done(); },
  });
  serveRfb(channel, { desktop, ...(password === undefined ? {} : { password }), name: 'fuzz desk', jpeg: null });
  await client.ready(10_000);
  await client.waitForUpdate(10_000);
  desktop.change(5);
  await client.waitForUpdate(10_000);
  desktop.scroll();
  await client.waitForUpdate(10_000);
  desktop.resize(66, 24);
  await client.waitForUpdate(10_000);
  await client.waitForUpdate(10_000).catch(() => undefined);
  client.close();
  channel.destroy();
  return Buffer.concat(captured);
}

/** Streams of the built-in engine to the technician client: ZRLE, Zlib, Raw, with None and VNC Authentication. */
export async function seeds(): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const [encodings, password, flags] of [
    [[ENCODING.ZRLE, ENCODING.CopyRect, ENCODING.Raw], undefined, 0],
    [[ENCODING.Zlib, ENCODING.Raw], PASSWORD, 1],
    [[ENCODING.Raw, ENCODING.CopyRect], undefined, 1],
  ] as const) {
    out.push(Uint8Array.of(flags, 77, ...(await captureEngine([...encodings], password))));
  }
  return out;
}
