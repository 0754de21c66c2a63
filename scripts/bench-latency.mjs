#!/usr/bin/env node
// Input-to-screen latency (`npm run bench` runs it; alone: `node scripts/bench-latency.mjs`).
// A technician client sends a key (alternately `x` and BackSpace into an xterm
// on Xvfb) and waits until the changed pixels have arrived in its framebuffer.
// Three paths, same client, same screen, one run: the whole Tandem path
// (technician client → relay → agent's built-in engine, end to end encrypted),
// the agent's engine reached directly over TCP (`--rfb-listen`), and x11vnc
// over TCP. Writes the "Input-to-screen latency" section of docs/benchmarks.md.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { RfbClient } from '@tandem/tech';
import { sleep, waitLine } from './bench/bench-kit.mjs';
import { measureKeyToScreen, stats } from './bench/key-latency.mjs';
import { relaySession } from './bench/relay-session.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 100);
const dir = mkdtempSync(join(tmpdir(), 'tandem-latency-'));
const children = [];

function start(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], ...opts });
  children.push(child);
  return child;
}


async function startXvfb() {
  const x = start('/usr/bin/Xvfb', ['-displayfd', '1', '-screen', '0', '1280x800x24', '-nolisten', 'tcp']);
  const n = (await waitLine(x, /^(\d+)\n/))[1];
  return `:${n}`;
}

/** An RfbClient on a TCP RFB server. */
async function tcpClient(port, password) {
  const socket = createConnection({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  const client = new RfbClient({ send: (b) => void socket.write(b), password });
  socket.on('data', (d) => client.receive(d));
  await new Promise((r, j) => socket.once('connect', r).once('error', j));
  await client.ready(20_000);
  return { client, close: () => socket.destroy() };
}

try {
  const display = await startXvfb();
  start('/usr/bin/xterm', ['-geometry', '80x24+0+0', '-e', '/bin/sh'], { cwd: dir, env: { ...process.env, DISPLAY: display } });
  await sleep(800);
  const password = 'latency-pass';
  writeFileSync(join(dir, 'rfb.pw'), `${password}\n`);

  // The whole path: technician session through the relay, agent serving its engine (and --rfb-listen for the direct row).
  const { session, client, agent } = await relaySession({ start, dir, display, agentArgs: ['--rfb-listen', '127.0.0.1:0', '--rfb-password-file', join(dir, 'rfb.pw')] });
  const listen = (await waitLine(agent, /rfb-listen: \S+:(\d+)/))[1];
  const viaRelay = await measureKeyToScreen(client, SAMPLES);

  const direct = await tcpClient(Number(listen), password);
  const viaTcp = await measureKeyToScreen(direct.client, SAMPLES);
  direct.close();

  // x11vnc on the same screen.
  spawnSync('/usr/bin/x11vnc', ['-storepasswd', password, join(dir, 'x11vnc.pw')]);
  const x11vncPort = 5990 + (process.pid % 200);
  start('/usr/bin/x11vnc', ['-display', display, '-rfbauth', join(dir, 'x11vnc.pw'), '-rfbport', String(x11vncPort), '-forever', '-shared', '-quiet', '-localhost']);
  await sleep(2000);
  const peer = await tcpClient(x11vncPort, password);
  const viaX11vnc = await measureKeyToScreen(peer.client, SAMPLES);
  peer.close();
  await session.end();

  const rows = [
    ['Tandem: technician client → relay → agent (E2E encrypted)', stats(viaRelay)],
    ['agent engine over TCP (`--rfb-listen`)', stats(viaTcp)],
    ['x11vnc over TCP (`-forever -shared`, defaults)', stats(viaX11vnc)],
  ];
  const f = (x) => x.toFixed(1);
  const x11 = rows[2][1];
  const x11vncVersion = spawnSync('/usr/bin/x11vnc', ['-version']).stdout.toString().trim().split('\n').pop();
  const section = [
    '## Input-to-screen latency',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} with \`node scripts/bench-latency.mjs\` (part of \`npm run bench\`) on: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${x11vncVersion}.`,
    '',
    `One technician RFB client (packages/tech/src/rfb-client, ZRLE) types alternately \`x\` and BackSpace into an xterm on Xvfb 1280x800 and waits until the changed pixels have arrived in its framebuffer; ${SAMPLES} samples per path, all on loopback, in one run.`,
    '',
    '| path | p50 ms | p99 ms | min ms | max ms | p50 / x11vnc |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(([name, s]) => `| ${name} | ${f(s.p50)} | ${f(s.p99)} | ${f(s.min)} | ${f(s.max)} | ${(s.p50 / x11.p50).toFixed(2)} |`),
    '',
  ].join('\n');
  const docPath = join(ROOT, 'docs/benchmarks.md');
  let doc = readFileSync(docPath, 'utf8');
  const at = doc.indexOf('## Input-to-screen latency');
  if (at >= 0) {
    const next = doc.indexOf('\n## ', at + 3);
    doc = doc.slice(0, at) + section + (next >= 0 ? doc.slice(next + 1) : '');
  } else {
    doc = doc.trimEnd() + '\n\n' + section;
  }
  writeFileSync(docPath, doc);
  console.log(section);
} finally {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  // Sockets of the in-process session may linger; the measurements are written.
  setTimeout(() => process.exit(process.exitCode ?? 0), 200).unref();
}
