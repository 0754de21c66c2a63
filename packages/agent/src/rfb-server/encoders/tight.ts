import { compactLength, ENCODING, nativeWords, rectHeader, type Rect } from '@tandem/rfb';
import { tightPixelWriter, writeCompactRect, type CompactWriter } from './compact-pixels.js';
import type { EncodeContext, RectEncoder } from './encoder.js';
import { packedSize, packIndices, PaletteAnalyser } from './palette.js';
import { JPEG_MAX_PALETTE, looksPhotographic } from './photo-detect.js';

/** Tight limits rectangles to 2048 pixels wide (rfbproto, Tight encoding, note 4). */
const MAX_WIDTH = 2048;
/**
 * Lossless sub-rectangles are at most this area (libvncserver's and TigerVNC's
 * choice), so each gets its own palette or zlib decision. JPEG is not cut to
 * this size: rfbproto limits only the width, and one JPEG of a photographic
 * band costs less CPU (one encoder call, one entropy pass) and fewer bytes
 * (one set of headers and Huffman tables) than four of its pieces
 * (docs/benchmarks.md, "Screen engine CPU: steps").
 */
const MAX_AREA = 65536;
/** JPEG quality for Tight quality levels 0..9 (TigerVNC's table). */
const JPEG_QUALITY = [15, 29, 41, 42, 62, 77, 79, 86, 92, 100] as const;
/** Data shorter than this is sent without zlib (rfbproto, Tight basic compression). */
const MIN_TO_COMPRESS = 12;

const CONTROL_FILL = 0x80;
const CONTROL_JPEG = 0x90;
const CONTROL_EXPLICIT_FILTER = 0x40;
const FILTER_PALETTE = 1;
/** Streams: 0 full colour, 1 two-colour palette, 2 larger palette, as TightVNC assigns them. */
const STREAM_FULL = 0;
const STREAM_MONO = 1;
const STREAM_INDEXED = 2;

/**
 * Tight (rfbproto "Tight Encoding"): per sub-rectangle, fill for one colour,
 * palette (mono 1-bit or 8-bit indices) up to 256 colours, basic zlib of
 * TPIXELs, or JPEG. JPEG is used only when the client sent a quality level
 * (pseudo-encodings -32..-23), a JPEG encoder is available, the client's
 * pixels are 32-bit, and the rectangle is photographic by content: more than
 * {@link JPEG_MAX_PALETTE} colours (TigerVNC's limit) and a photographic
 * texture ({@link looksPhotographic}). Text and UI, even anti-aliased and in
 * many colours, stay lossless. A sub-rectangle that goes to JPEG takes the
 * rest of its column with it when that rest is photographic too, as one JPEG.
 */
export const tightEncoder: RectEncoder = {
  encoding: ENCODING.Tight,
  name: 'Tight',
  async encode(rect, ctx) {
    const chunks: Uint8Array[] = [];
    let count = 0;
    const writer = tightPixelWriter(ctx.pf);
    const analyser = new PaletteAnalyser();
    const w = Math.min(rect.w, MAX_WIDTH);
    const h = Math.max(1, Math.floor(MAX_AREA / w));
    for (let x = rect.x; x < rect.x + rect.w; x += w) {
      const sw = Math.min(w, rect.x + rect.w - x);
      for (let y = rect.y; y < rect.y + rect.h; y += h) {
        let sub: Rect = { x, y, w: sw, h: Math.min(h, rect.y + rect.h - y) };
        const kind = choose(sub, ctx, analyser);
        const rest: Rect = { x, y, w: sw, h: rect.y + rect.h - y };
        // The rest is one JPEG only when it is photographic as a whole: a column half photograph, half text stays cut.
        const whole = kind === 'jpeg' && rest.h > sub.h && looksPhotographic(ctx.fb, rest);
        if (whole) sub = rest;
        chunks.push(rectHeader(sub.x, sub.y, sub.w, sub.h, ENCODING.Tight), ...(await encodeSub(sub, kind, ctx, writer, analyser)));
        count++;
        if (whole) break;
      }
    }
    return { count, chunks };
  },
};

/** How a sub-rectangle goes: one colour, JPEG, or lossless (palette or zlib, by the analyser's result). */
type SubKind = 'fill' | 'jpeg' | 'lossless';

/** Analyses `r` (the analyser keeps its palette for {@link encodeSub}) and picks its kind. */
function choose(r: Rect, ctx: EncodeContext, a: PaletteAnalyser): SubKind {
  a.analyse(ctx.fb, r, 256, false);
  if (a.fits && a.size === 1) return 'fill';
  // JPEG carries 24-bit colour; like TigerVNC, only for 32-bit true-colour clients with 8-bit channels.
  const pf = ctx.pf;
  const jpegAllowed = ctx.jpeg !== null && ctx.qualityLevel >= 0 && pf.bitsPerPixel === 32 && pf.trueColour
    && pf.redMax === 255 && pf.greenMax === 255 && pf.blueMax === 255;
  return jpegAllowed && (!a.fits || a.size > JPEG_MAX_PALETTE) && looksPhotographic(ctx.fb, r) ? 'jpeg' : 'lossless';
}

async function compressed(ctx: EncodeContext, stream: number, data: Uint8Array): Promise<Uint8Array[]> {
  if (data.length < MIN_TO_COMPRESS) return [data];
  const z = await ctx.streams.get(`tight${stream}`, ctx.compressLevel).compress([data], ctx.compressLevel);
  return [compactLength(z.length), z];
}

/** Encodes `r` as {@link choose} decided; for 'fill' and 'lossless' the analyser still holds `r`'s analysis. */
async function encodeSub(r: Rect, kind: SubKind, ctx: EncodeContext, writer: CompactWriter, a: PaletteAnalyser): Promise<Uint8Array[]> {
  const cbpp = writer.bytes;
  if (kind === 'fill') {
    const out = new Uint8Array(1 + cbpp);
    out[0] = CONTROL_FILL;
    writer.write(out, 1, a.palette[0] as number);
    return [out];
  }
  if (kind === 'jpeg' && ctx.jpeg) {
    const data = await ctx.jpeg.encode(rgbOf(r, ctx), r.w, r.h, JPEG_QUALITY[ctx.qualityLevel] as number);
    return [Uint8Array.of(CONTROL_JPEG), compactLength(data.length), data];
  }
  if (a.fits) {
    const mono = a.size === 2;
    const head = new Uint8Array(3 + a.size * cbpp);
    head[0] = ((mono ? STREAM_MONO : STREAM_INDEXED) << 4) | CONTROL_EXPLICIT_FILTER;
    head[1] = FILTER_PALETTE;
    head[2] = a.size - 1;
    let o = 3;
    for (let i = 0; i < a.size; i++) o += writer.write(head, o, a.palette[i] as number);
    const bits = mono ? 1 : 8;
    const data = new Uint8Array(packedSize(r.w, r.h, bits));
    packIndices(a.indices, r.w, r.h, bits, data, 0);
    return [head, ...(await compressed(ctx, mono ? STREAM_MONO : STREAM_INDEXED, data))];
  }
  const data = new Uint8Array(r.w * r.h * cbpp);
  writeCompactRect(data, 0, r, ctx.fb, writer);
  return [Uint8Array.of(STREAM_FULL << 4), ...(await compressed(ctx, STREAM_FULL, data))];
}

/** Packed RGB of `r`, the JPEG encoder's input. */
function rgbOf(r: Rect, ctx: EncodeContext): Uint8Array {
  const { fb } = ctx;
  const out = new Uint8Array(r.w * r.h * 3);
  const words = nativeWords(fb);
  let o = 0;
  for (let y = r.y; y < r.y + r.h; y++) {
    let p = y * fb.stride + r.x * 4;
    for (let x = 0; x < r.w; x++, p += 4) {
      if (words) {
        const c = words[p >> 2] as number;
        out[o++] = c >>> 16;
        out[o++] = c >>> 8;
        out[o++] = c;
      } else {
        out[o++] = fb.data[p + 2] as number;
        out[o++] = fb.data[p + 1] as number;
        out[o++] = fb.data[p] as number;
      }
    }
  }
  return out;
}
