// Key-to-screen latency as the benchmarks measure it (bench-latency.mjs,
// bench-files.mjs, bench-proxy.mjs): a technician RFB client types alternately `x` and
// BackSpace into an xterm and waits until the changed pixels are in its
// framebuffer; and the percentiles of the samples.
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { sleep } from './bench-kit.mjs';

const XK_x = 0x78;
const XK_BackSpace = 0xff08;

/** Measures `samples` key-to-pixels round trips with `client` (an RfbClient on the xterm's screen); returns milliseconds. */
export async function measureKeyToScreen(client, samples) {
  await client.snapshot();
  // Without a window manager keyboard focus follows the pointer: put it on the xterm.
  await client.pointerEvent(200, 150, 0);
  await sleep(200);
  const times = [];
  for (let i = 0; i < samples; i++) {
    const keysym = i % 2 === 0 ? XK_x : XK_BackSpace;
    const before = Buffer.from(client.framebuffer.data);
    const t0 = performance.now();
    await client.keyEvent(keysym, true);
    await client.keyEvent(keysym, false);
    for (;;) {
      await client.waitForUpdate(10_000);
      if (!before.equals(client.framebuffer.data)) break;
    }
    times.push(performance.now() - t0);
    await sleep(20);
  }
  return times;
}

/** n, p50, p95, p99, min and max of `samples`. */
export function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { n: s.length, p50: q(0.5), p95: q(0.95), p99: q(0.99), min: s[0], max: s[s.length - 1] };
}
