#!/usr/bin/env node
// Benchmark workload: steady text scrolling for a terminal. Prints LINES_PER_S
// lines a second, in bursts every 20 ms, each line a fixed pattern of words and
// a counter, so every run scrolls the same text at the same rate.
// Usage: text-scroll.mjs [LINES_PER_S SECONDS]
import { clearInterval, setInterval } from 'node:timers';

const [rate = 200, seconds = 60] = process.argv.slice(2).map(Number);
const words = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua'.split(' ');
let n = 0;
const perTick = rate / 50;
let owed = 0;
const timer = setInterval(() => {
  owed += perTick;
  let out = '';
  for (; owed >= 1; owed--, n++) {
    const w = [];
    for (let i = 0; i < 12; i++) w.push(words[(n * 7 + i * 3) % words.length]);
    out += `${String(n).padStart(8, '0')} ${w.join(' ')} ${(n * 2654435761 >>> 0).toString(16)}\n`;
  }
  process.stdout.write(out);
}, 20);
setTimeout(() => { clearInterval(timer); process.exit(0); }, seconds * 1000);
