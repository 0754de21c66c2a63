#!/usr/bin/env node
// The downloadable agent (run by `npm run bench` after `npm run build`):
// download sizes per platform (raw, gzip and brotli as the relay serves them),
// the time from starting the downloaded agent to its page being served
// (median and p95 over BENCH_AGENT_RUNS, 20 by default) against a bare
// `node -e ''` in the same run, and the whole scripted customer path
// (download → start → code → consent → first chat) in seconds. Writes the
// "Downloadable agent" section of docs/benchmarks.md.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Buffer } from 'node:buffer';

const ROOT = resolve(import.meta.dirname, '..');
const LOAD_AT_START = loadavg()[0].toFixed(2);
const RUNS = Number(process.env.BENCH_AGENT_RUNS ?? 20);
const PATH_RUNS = Number(process.env.BENCH_AGENT_PATH_RUNS ?? 5);
const RELAY_BIN = join(ROOT, 'packages/relay/bin/tandem-relay.js');
const TANDEM_BIN = join(ROOT, 'packages/cli/bin/tandem.js');
const AGENTS = [
  { name: 'tandem-linux-x64', platform: 'Linux x64' },
  { name: 'tandem-windows-x64.exe', platform: 'Windows x64' },
];

/** Calls `onLine` for each line of `stream`. */
function lines(stream, onLine) {
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (c) => {
    buf += c;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      onLine(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
}

function waitLine(stream, re, ms = 60_000) {
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`timeout waiting for ${re}`)), ms);
    lines(stream, (l) => {
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

/** GET path with headers; resolves with status, headers and the body's bytes. */
function get(base, path, headers = {}) {
  return new Promise((res, rej) => {
    http.get(new URL(path, base), { headers, agent: false }, (r) => {
      const chunks = [];
      r.on('data', (c) => chunks.push(c));
      r.on('end', () => res({ status: r.statusCode, headers: r.headers, body: Buffer.concat(chunks) }));
      r.on('error', rej);
    }).on('error', rej);
  });
}

const mib = (n) => (n / 2 ** 20).toFixed(1);

const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-agent-'));
const data = join(dir, 'data');
const relay = spawn(process.execPath, [RELAY_BIN, 'start', '--data', data, '--listen', '127.0.0.1:0', '--tls', 'off', '--help-desk-name', 'Bench Desk'], { stdio: ['ignore', 'pipe', 'inherit'] });
const children = new Set();
try {
  const url = (await waitLine(relay.stdout, /^listening: (\S+)$/))[1];
  const pw = join(dir, 'pw');
  writeFileSync(pw, 'bench-password-123456\n');
  const add = spawnSync(process.execPath, [RELAY_BIN, 'user', 'add', 'bench', '--role', 'technician', '--data', data, '--password-file', pw]);
  if (add.status !== 0) throw new Error(`user add: ${add.stderr}`);

  // Sizes, and how long the relay takes to make each form once (the first request for it).
  const sizes = [];
  for (const agent of AGENTS) {
    const row = { ...agent };
    for (const [form, header] of [['raw', 'identity'], ['gzip', 'gzip'], ['br', 'br']]) {
      const t0 = performance.now();
      const answer = await get(url, `/download/${agent.name}`, { 'accept-encoding': header });
      if (answer.status !== 200) throw new Error(`GET ${agent.name} (${header}): ${answer.status}`);
      row[form] = answer.body.length;
      row[`${form}Ms`] = performance.now() - t0;
      if (form === 'raw') row.bytes = answer.body;
    }
    sizes.push(row);
  }

  // The customer's machine: an empty home and temporary folder, no Node on PATH.
  const home = join(dir, 'home');
  const tmp = join(dir, 'tmp');
  const bin = join(dir, 'bin');
  for (const d of [home, tmp, bin]) mkdirSync(d, { recursive: true });
  const exe = join(dir, 'tandem-linux-x64');
  writeFileSync(exe, sizes[0].bytes, { mode: 0o755 });
  chmodSync(exe, 0o755);
  const env = { PATH: bin, HOME: home, TMPDIR: tmp, LANG: 'C.UTF-8' };

  // Start to page served: the agent started without arguments, its launch link answering.
  const pageServed = [];
  const nodeStart = [];
  for (let i = 0; i < RUNS; i++) {
    const t0n = performance.now();
    spawnSync(process.execPath, ['-e', '']);
    nodeStart.push(performance.now() - t0n);
    const t0 = performance.now();
    const agent = spawn(exe, ['join', '--no-remove-when-done'], { env: { ...env, BROWSER: '/bin/true' }, stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(agent);
    agent.stderr.resume();
    const link = (await waitLine(agent.stdout, /^page: (\S+)$/))[1];
    const answer = await get(link, new URL(link).pathname);
    if (answer.status !== 303) throw new Error(`the page's launch link answered ${answer.status}`);
    pageServed.push(performance.now() - t0);
    agent.kill('SIGTERM');
    await new Promise((r) => agent.on('exit', r));
    children.delete(agent);
  }

  // The whole scripted path: download, start, code on the terminal, consent, first chat at the technician.
  const path = [];
  for (let i = 0; i < PATH_RUNS; i++) {
    const tech = spawn(process.execPath, [TANDEM_BIN, 'tech', 'session', '--relay', url, '--user', 'bench', '--password-file', pw], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.add(tech);
    const code = (await waitLine(tech.stdout, /^code: ([0-9]+)$/))[1];
    const chat = waitLine(tech.stdout, /^chat: first$/);
    const t0 = performance.now();
    const download = await get(url, '/download/tandem-linux-x64', { 'accept-encoding': 'identity' });
    const file = join(dir, `run-${i}`);
    writeFileSync(file, download.body, { mode: 0o755 });
    chmodSync(file, 0o755);
    const agent = spawn(file, [], { env: { ...env, BROWSER: '/bin/false' }, stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(agent);
    agent.stdout.resume();
    await waitLine(agent.stderr, /^Code: $/);
    agent.stdin.write(`${code}\n`);
    await waitLine(agent.stderr, /\[y\/n\]$/);
    agent.stdin.write('y\nfirst\n');
    await chat;
    path.push((performance.now() - t0) / 1000);
    tech.stdin.end();
    await Promise.all([new Promise((r) => tech.on('exit', r)), new Promise((r) => agent.on('exit', r))]);
    children.delete(tech);
    children.delete(agent);
  }

  const lscpu = execFileSync('lscpu', { encoding: 'utf8' });
  const field = (name) => lscpu.match(new RegExp(`^${name}:\\s*(.+)$`, 'm'))?.[1]?.trim() ?? '?';
  // The load when the run began: other work on the same cores moves the start times (not the sizes).
  const machine = `${field('Model name')}, ${field('CPU\\(s\\)')} CPUs (lscpu), Node ${process.version}, ${process.platform} ${process.arch}, load average ${LOAD_AT_START} at the start`;
  const p = stats(pageServed);
  const n = stats(nodeStart);
  const c = stats(path);
  const fmt = (x) => x.toFixed(1);
  const section = [
    '## Downloadable agent',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench\` (scripts/bench-agent.mjs) on: ${machine}.`,
    '',
    'Download sizes, as the relay serves them (stamped; brotli quality 5 with a 16 MiB window, gzip level 6, each made once per stamp on its first request):',
    '',
    '| file | raw | gzip | brotli | making gzip once | making brotli once |',
    '| --- | --- | --- | --- | --- | --- |',
    ...sizes.map((r) => `| ${r.name} (${r.platform}) | ${mib(r.raw)} MiB (${r.raw} bytes) | ${mib(r.gzip)} MiB | ${mib(r.br)} MiB | ${(r.gzipMs / 1000).toFixed(1)} s | ${(r.brMs / 1000).toFixed(1)} s |`),
    '',
    `Start to page served: from starting the downloaded Linux agent without a code (it checks its own file, writes its parts to its private folder, loads its code) to its page's launch link answering, ${p.n} runs, against a bare Node start (\`node -e ''\`) in the same run:`,
    '',
    '| measure | median ms | p95 ms | min ms | max ms |',
    '| --- | --- | --- | --- | --- |',
    `| downloaded agent: start to page served | ${fmt(p.median)} | ${fmt(p.p95)} | ${fmt(p.min)} | ${fmt(p.max)} |`,
    `| node process start (reference) | ${fmt(n.median)} | ${fmt(n.p95)} | ${fmt(n.min)} | ${fmt(n.max)} |`,
    '',
    `The whole scripted customer path on loopback (download the Linux agent uncompressed, start it without arguments and no browser, type the code at "Code: ", accept with \`y\`, the first chat line printed by \`tandem tech session\`), ${c.n} runs: median ${c.median.toFixed(2)} s, min ${c.min.toFixed(2)} s, max ${c.max.toFixed(2)} s.`,
    '',
  ].join('\n');

  const docPath = join(ROOT, 'docs/benchmarks.md');
  let doc = readFileSync(docPath, 'utf8');
  const start = doc.indexOf('## Downloadable agent');
  if (start >= 0) {
    const next = doc.indexOf('\n## ', start + 3);
    doc = doc.slice(0, start) + section + (next >= 0 ? doc.slice(next + 1) : '');
  } else {
    doc = doc.trimEnd() + '\n\n' + section;
  }
  writeFileSync(docPath, doc);
  console.log(section);
} finally {
  for (const child of children) child.kill('SIGKILL');
  relay.kill('SIGTERM');
  await new Promise((r) => relay.on('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
