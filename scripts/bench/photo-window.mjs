#!/usr/bin/env node
// Benchmark workload: a window of changing photographic-like content (smooth
// gradients, moving soft shapes and sensor-like noise) drawn with PutImage at a
// steady frame rate, so screen engines face content that lossless encodings
// compress badly. Usage: DISPLAY=:N photo-window.mjs [WIDTH HEIGHT FPS SECONDS]
import { Buffer } from 'node:buffer';
import { clearInterval, setInterval } from 'node:timers';
import x11 from 'x11';
import { photoFrame } from './photo-frame.mjs';

const [width = 640, height = 360, fps = 25, seconds = 30] = process.argv.slice(2).map(Number);
const ROWS = Math.max(1, Math.floor(60000 / width)); // keep each PutImage under the core request limit

function frame(t, buf) {
  photoFrame(t, width, height, buf);
}

x11.createClient((err, display) => {
  if (err) throw err;
  const X = display.client;
  const root = display.screen[0].root;
  const wid = X.AllocID();
  X.CreateWindow(wid, root, 40, 40, width, height, 0, 0, 0, 0, { backgroundPixel: 0, overrideRedirect: 1 });
  X.MapWindow(wid);
  const gc = X.AllocID();
  X.CreateGC(gc, wid);
  const buf = Buffer.alloc(width * height * 4);
  let t = 0;
  const timer = setInterval(() => {
    frame(t++, buf);
    for (let y = 0; y < height; y += ROWS) {
      const rows = Math.min(ROWS, height - y);
      X.PutImage(2, wid, gc, width, rows, 0, y, 0, 24, buf.subarray(y * width * 4, (y + rows) * width * 4));
    }
  }, 1000 / fps);
  setTimeout(() => {
    clearInterval(timer);
    X.terminate();
    process.exit(0);
  }, seconds * 1000);
});
