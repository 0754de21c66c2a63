#!/usr/bin/env node
// Summarises a V8 .cpuprofile (from `node --cpu-prof`, e.g. the screen
// benchmark with BENCH_SCREEN_PROFILE=DIR): self time per function, the
// largest first, as milliseconds and share of the sampled time, with where the
// function is (file:line). Native and idle time show under V8's own names
// ("(program)", "(garbage collector)", "(idle)").
// Usage: profile-summary.mjs FILE.cpuprofile [TOP (default 30)]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.mjs FILE.cpuprofile [TOP]');
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8'));

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const us = profile.timeDeltas[i] ?? 0;
  const n = byId.get(id);
  const cf = n.callFrame;
  const key = `${cf.functionName || '(anonymous)'}  ${cf.url ? `${basename(cf.url)}:${cf.lineNumber + 1}` : ''}`;
  self.set(key, (self.get(key) ?? 0) + us);
  total += us;
});
const idle = [...self.entries()].filter(([k]) => k.startsWith('(idle)')).reduce((a, [, v]) => a + v, 0);
console.log(`sampled ${(total / 1000).toFixed(0)} ms, of which idle ${(idle / 1000).toFixed(0)} ms; busy ${((total - idle) / 1000).toFixed(0)} ms`);
console.log('self ms   % busy  function  where');
for (const [k, v] of [...self.entries()].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${(v / 1000).toFixed(1).padStart(8)}  ${((v / (total - idle)) * 100).toFixed(1).padStart(5)}%  ${k}`);
}
