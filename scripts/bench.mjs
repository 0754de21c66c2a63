#!/usr/bin/env node
// Benchmarks (`npm run bench`). Session set-up time on loopback: from the
// agent's process start to the first chat message delivered to the
// technician, over N runs, against the bare cost of starting a Node process
// measured in the same run. Writes docs/benchmarks.md. Then runs the screen
// benchmark (scripts/bench-screen.mjs), which writes its own section, and the
// others after it (latency, the downloadable agent, the Windows driver under Wine).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 25);
const RELAY_BIN = join(ROOT, 'packages/relay/bin/tandem-relay.js');
const AGENT_BIN = join(ROOT, 'packages/cli/bin/tandem.js');

function lines(child, onLine) {
  let buf = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (c) => {
    buf += c;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      onLine(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
}

function waitLine(child, re) {
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`timeout waiting for ${re}`)), 30_000);
    lines(child, (l) => {
      const m = l.match(re);
      if (m) {
        clearTimeout(timer);
        res(m);
      }
    });
  });
}

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { n: s.length, median: q(0.5), p95: q(0.95), min: s[0], max: s[s.length - 1] };
}

const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-'));
const data = join(dir, 'data');
const relay = spawn(process.execPath, [RELAY_BIN, 'start', '--data', data, '--listen', '127.0.0.1:0', '--tls', 'off'], { stdio: ['ignore', 'pipe', 'inherit'] });
try {
  const url = (await waitLine(relay, /^listening: (\S+)$/))[1];
  const pw = join(dir, 'pw');
  writeFileSync(pw, 'bench-password-123456\n');
  const add = spawnSync(process.execPath, [RELAY_BIN, 'user', 'add', 'bench', '--role', 'technician', '--data', data, '--password-file', pw]);
  if (add.status !== 0) throw new Error(`user add: ${add.stderr}`);

  const setup = [];
  const nodeStart = [];
  for (let i = 0; i < RUNS; i++) {
    const t0n = performance.now();
    spawnSync(process.execPath, ['-e', '']);
    nodeStart.push(performance.now() - t0n);

    const tech = spawn(process.execPath, [AGENT_BIN, 'tech', 'session', '--relay', url, '--user', 'bench', '--password-file', pw], { stdio: ['pipe', 'pipe', 'inherit'] });
    const code = (await waitLine(tech, /^code: ([0-9]+)$/))[1];
    const chat = waitLine(tech, /^chat: first$/);
    const t0 = performance.now();
    const agent = spawn(process.execPath, [AGENT_BIN, 'join', code, '--relay', url, '--no-browser', '--name', 'Bench'], { stdio: ['pipe', 'pipe', 'inherit'] });
    agent.stdin.write('y\nfirst\n');
    await chat;
    setup.push(performance.now() - t0);
    tech.stdin.end();
    await Promise.all([new Promise((r) => tech.on('exit', r)), new Promise((r) => agent.on('exit', r))]);
  }

  const s = stats(setup);
  const n = stats(nodeStart);
  const cpu = cpus()[0]?.model ?? 'unknown';
  const machine = `${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform} ${process.arch}`;
  const fmt = (x) => x.toFixed(1);
  const section = [
    '## Session set-up time',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench\` on: ${machine}.`,
    '',
    `From the agent's process start (\`tandem join CODE --no-browser\`, answering \`y\`) to the first chat message printed by the technician's client (\`tandem tech session\`), through a relay on loopback (plain HTTP), ${s.n} runs. The reference is the bare start of a Node process (\`node -e ''\`) in the same run.`,
    '',
    '| measure | median ms | p95 ms | min ms | max ms |',
    '| --- | --- | --- | --- | --- |',
    `| session set-up | ${fmt(s.median)} | ${fmt(s.p95)} | ${fmt(s.min)} | ${fmt(s.max)} |`,
    `| node process start (reference) | ${fmt(n.median)} | ${fmt(n.p95)} | ${fmt(n.min)} | ${fmt(n.max)} |`,
    '',
    `Ratio of median set-up to a bare Node start: ${(s.median / n.median).toFixed(2)}.`,
    '',
  ].join('\n');

  const docPath = join(ROOT, 'docs/benchmarks.md');
  let doc;
  try {
    doc = readFileSync(docPath, 'utf8');
  } catch {
    doc = '# Benchmarks\n\nEvery figure here was produced by `npm run bench` on the machine named with it.\n\n';
  }
  const start = doc.indexOf('## Session set-up time');
  if (start >= 0) {
    const next = doc.indexOf('\n## ', start + 3);
    doc = doc.slice(0, start) + section + (next >= 0 ? doc.slice(next + 1) : '');
  } else {
    doc = doc.trimEnd() + '\n\n' + section;
  }
  writeFileSync(docPath, doc);
  console.log(section);
} finally {
  relay.kill('SIGTERM');
  await new Promise((r) => relay.on('exit', r));
  rmSync(dir, { recursive: true, force: true });
}

// The screen engine against x11vnc writes its own section (scripts/bench-screen.mjs).
const screen = spawnSync(process.execPath, [join(ROOT, 'scripts/bench-screen.mjs')], { stdio: 'inherit' });
if (screen.status !== 0) process.exitCode = screen.status ?? 1;

// Input-to-screen latency through the relay, against the engine direct and x11vnc (scripts/bench-latency.mjs).
const latency = spawnSync(process.execPath, [join(ROOT, 'scripts/bench-latency.mjs')], { stdio: 'inherit' });
if (latency.status !== 0) process.exitCode = latency.status ?? 1;

// Key-to-screen latency while a file transfer runs in the same session (scripts/bench-files.mjs).
const files = spawnSync(process.execPath, [join(ROOT, 'scripts/bench-files.mjs')], { stdio: 'inherit' });
if (files.status !== 0) process.exitCode = 1;

// The downloadable agent: sizes, start to page served, the scripted customer path (scripts/bench-agent.mjs).
const agent = spawnSync(process.execPath, [join(ROOT, 'scripts/bench-agent.mjs')], { stdio: 'inherit' });
if (agent.status !== 0) process.exitCode = agent.status ?? 1;

// The Windows driver under Wine against the X11 driver, same Xvfb and workload (scripts/bench-windows.mjs).
const windows = spawnSync(process.execPath, [join(ROOT, 'scripts/bench-windows.mjs')], { stdio: 'inherit' });
if (windows.status !== 0) process.exitCode = windows.status ?? 1;
