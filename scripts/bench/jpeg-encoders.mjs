#!/usr/bin/env node
// Measures JPEG encoder candidates for Tight's JPEG subencoding on this
// machine: encode time per megapixel and output size at TigerVNC's quality
// table, on the photographic benchmark picture and a real xterm text region
// captured from Xvfb, for rectangles from 64x64 to 1920x1080.
// Usage: node scripts/bench/jpeg-encoders.mjs [MODULES_DIR]
// MODULES_DIR (default: the repository) is where the candidates are resolved
// from, so candidates that were not chosen can be measured from a scratch
// install (`npm install sharp jpeg-js @napi-rs/image @jsquash/jpeg` there).
import { Buffer } from 'node:buffer';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { photoFrame } from './photo-frame.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const from = resolve(process.argv[2] ?? join(ROOT, 'packages/agent'));
const req = createRequire(join(from, 'package.json'));
const load = async (name) => {
  try {
    return await import(pathToFileURL(req.resolve(name)).href);
  } catch (err) {
    console.error(`skip ${name}: ${err.message.split('\n')[0]}`);
    return null;
  }
};
/** TigerVNC's Tight quality levels 0..9: JPEG quality and chroma subsampling. */
const QUALITY = [15, 29, 41, 42, 62, 77, 79, 86, 92, 100];
const SUBSAMP = ['420', '420', '420', '422', '422', '422', '444', '444', '444', '444'];
const SIZES = [[64, 64], [256, 256], [640, 360], [1920, 1080]];

function toRgba(rgb) {
  const out = new Uint8Array((rgb.length / 3) * 4);
  for (let i = 0, o = 0; i < rgb.length; i += 3, o += 4) {
    out[o] = rgb[i]; out[o + 1] = rgb[i + 1]; out[o + 2] = rgb[i + 2]; out[o + 3] = 255;
  }
  return out;
}

/** Each candidate: encode(rgb, w, h, level) → Promise<Uint8Array>; RGBA conversion, where needed, is counted. */
async function candidates() {
  const list = [];
  const sharpMod = await load('sharp');
  if (sharpMod) {
    const sharp = sharpMod.default;
    sharp.cache(false);
    sharp.concurrency(1);
    const enc = (optimise) => (rgb, w, h, level) => sharp(rgb, { raw: { width: w, height: h, channels: 3 } })
      .jpeg({ quality: QUALITY[level], chromaSubsampling: SUBSAMP[level] === '444' ? '4:4:4' : '4:2:0', optimiseCoding: optimise })
      .toBuffer();
    list.push({ name: 'sharp (libvips + libjpeg-turbo), async', encode: enc(false) });
    list.push({ name: 'sharp, optimised Huffman', encode: enc(true) });
  }
  const jpegJs = await load('jpeg-js');
  if (jpegJs) {
    const encode = (jpegJs.default ?? jpegJs).encode;
    list.push({ name: 'jpeg-js (pure JS), sync', encode: async (rgb, w, h, level) => encode({ data: toRgba(rgb), width: w, height: h }, QUALITY[level]).data });
  }
  const napi = await load('@napi-rs/image');
  if (napi) {
    const { Transformer } = napi.default ?? napi;
    list.push({ name: '@napi-rs/image (mozjpeg), sync', encode: async (rgb, w, h, level) => Transformer.fromRgbaPixels(toRgba(rgb), w, h).jpegSync(QUALITY[level]) });
  }
  const squash = await load('@jsquash/jpeg/encode.js');
  if (squash) {
    const wasm = readFileSync(join(resolve(req.resolve('@jsquash/jpeg/encode.js'), '..'), 'codec/enc/mozjpeg_enc.wasm'));
    await squash.init(await globalThis.WebAssembly.compile(wasm));
    list.push({
      name: '@jsquash/jpeg (mozjpeg wasm), async',
      encode: async (rgb, w, h, level) => new Uint8Array(await squash.default({ data: toRgba(rgb), width: w, height: h }, { quality: QUALITY[level], baseline: true, progressive: false, optimize_coding: false, trellis_multipass: false, trellis_opt_zero: false, trellis_opt_table: false, auto_subsample: false, chroma_subsample: SUBSAMP[level] === '444' ? 1 : 2 })),
    });
  }
  return list;
}

/** An xterm full of `ls -lR` text on a 1920x1080 Xvfb, captured with xwd, as packed RGB. */
async function xtermScreen() {
  let n = 150;
  while (existsSync(`/tmp/.X11-unix/X${n}`) || existsSync(`/tmp/.X${n}-lock`)) n++;
  const xvfb = spawn('/usr/bin/Xvfb', [`:${n}`, '-screen', '0', '1920x1080x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
  const env = { ...process.env, DISPLAY: `:${n}` };
  const dir = mkdtempSync(join(tmpdir(), 'tandem-jpeg-'));
  try {
    for (let i = 0; i < 50 && !existsSync(`/tmp/.X11-unix/X${n}`); i++) await new Promise((r) => setTimeout(r, 100));
    const xterm = spawn('/usr/bin/xterm', ['-geometry', '240x80+0+0', '-e', 'sh', '-c', 'ls -lR /usr/share | head -3000; sleep 30'], { env, stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 2500));
    const file = join(dir, 'root.xwd');
    spawnSync('/usr/bin/sh', ['-c', `xwd -root -silent > ${file}`], { env });
    xterm.kill();
    const r = spawnSync('/usr/bin/convert', [`xwd:${file}`, 'rgb:-'], { maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`convert: ${r.stderr}`);
    return r.stdout;
  } finally {
    xvfb.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

function photoScreen() {
  const bgr = Buffer.alloc(1920 * 1080 * 4);
  photoFrame(7, 1920, 1080, bgr);
  const rgb = Buffer.alloc(1920 * 1080 * 3);
  for (let i = 0, o = 0; i < bgr.length; i += 4, o += 3) { rgb[o] = bgr[i + 2]; rgb[o + 1] = bgr[i + 1]; rgb[o + 2] = bgr[i]; }
  return rgb;
}

function crop(rgb, stride, w, h) {
  const out = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) rgb.copy(out, y * w * 3, y * stride * 3, (y * stride + w) * 3);
  return out;
}

async function timeIt(fn, pixels) {
  // Repeat until ~0.4 s or 200 runs, after 2 warm-up runs.
  await fn(); await fn();
  let runs = 0, size = 0;
  const t0 = performance.now();
  while ((performance.now() - t0 < 400 && runs < 200) || runs < 3) {
    size = (await fn()).length;
    runs++;
  }
  const ms = (performance.now() - t0) / runs;
  return { msPerMp: ms / (pixels / 1e6), ms, size };
}

const encoders = await candidates();
const pictures = { photo: photoScreen(), xterm: await xtermScreen() };
console.log(`# JPEG candidates on ${cpus()[0]?.model}, ${cpus().length} cores, Node ${process.version}`);
console.log('\n## Encode time at quality level 6 (JPEG quality 79, 4:4:4) and 2 (41, 4:2:0)\n');
console.log('| encoder | content | size | level | ms per rect | ms per megapixel | bytes | bits per pixel |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const e of encoders) {
  for (const [kind, pic] of Object.entries(pictures)) {
    for (const [w, h] of SIZES) {
      const rgb = crop(pic, 1920, w, h);
      for (const level of [6, 2]) {
        const r = await timeIt(() => e.encode(rgb, w, h, level), w * h);
        console.log(`| ${e.name} | ${kind} | ${w}x${h} | ${level} | ${r.ms.toFixed(2)} | ${r.msPerMp.toFixed(1)} | ${r.size} | ${(r.size * 8 / (w * h)).toFixed(2)} |`);
      }
    }
  }
}
console.log('\n## Output bytes over the quality table, photo 640x360\n');
console.log(`| encoder | ${QUALITY.map((q, i) => `L${i} (q${q})`).join(' | ')} |`);
console.log(`| --- | ${QUALITY.map(() => '---').join(' | ')} |`);
const rgb = crop(pictures.photo, 1920, 640, 360);
for (const e of encoders) {
  const sizes = [];
  for (let l = 0; l < 10; l++) sizes.push((await e.encode(rgb, 640, 360, l)).length);
  console.log(`| ${e.name} | ${sizes.join(' | ')} |`);
}
