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
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { TechnicianSession } from '@tandem/protocol';
import { RfbClient, createRelaySocketFactory, login, nodeAeadProvider } from '@tandem/agent';
import { sleep, waitLine } from './bench/bench-kit.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const RELAY_BIN = join(ROOT, 'packages/relay/bin/tandem-relay.js');
const AGENT_BIN = join(ROOT, 'packages/cli/bin/tandem.js');
const SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 100);
const XK_x = 0x78;
const XK_BackSpace = 0xff08;
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

/** Measures `SAMPLES` key-to-pixels round trips with `client`; returns milliseconds. */
async function measure(client) {
  await client.snapshot();
  // Without a window manager keyboard focus follows the pointer: put it on the xterm.
  await client.pointerEvent(200, 150, 0);
  await sleep(200);
  const times = [];
  for (let i = 0; i < SAMPLES; i++) {
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

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { n: s.length, p50: q(0.5), p99: q(0.99), min: s[0], max: s[s.length - 1] };
}

try {
  const display = await startXvfb();
  start('/usr/bin/xterm', ['-geometry', '80x24+0+0', '-e', '/bin/sh'], { cwd: dir, env: { ...process.env, DISPLAY: display } });
  await sleep(800);
  const password = 'latency-pass';
  writeFileSync(join(dir, 'rfb.pw'), `${password}\n`);

  // The relay and a technician account.
  const relay = start(process.execPath, [RELAY_BIN, 'start', '--data', join(dir, 'data'), '--listen', '127.0.0.1:0', '--tls', 'off']);
  const url = (await waitLine(relay, /listening: (\S+)/))[1];
  writeFileSync(join(dir, 'tech.pw'), 'latency-tech-password\n');
  const add = spawnSync(process.execPath, [RELAY_BIN, 'user', 'add', 'lat', '--role', 'technician', '--data', join(dir, 'data'), '--password-file', join(dir, 'tech.pw')]);
  if (add.status !== 0) throw new Error(`user add: ${add.stderr}`);

  // The whole path: technician session through the relay, agent serving its engine (and --rfb-listen for the direct row).
  const { token } = await login({ relayUrl: url }, 'lat', 'latency-tech-password');
  const session = new TechnicianSession({ relayUrl: url, token, mode: 'control', aead: nodeAeadProvider(), connect: createRelaySocketFactory({ relayUrl: url }).connect });
  let client;
  let agent;
  const active = new Promise((res, rej) => {
    session.onEvent((e) => {
      if (e.type === 'code') {
        agent = start(process.execPath, [AGENT_BIN, 'join', e.code, '--relay', url, '--no-browser', '--rfb-listen', '127.0.0.1:0', '--rfb-password-file', join(dir, 'rfb.pw')], { env: { ...process.env, DISPLAY: display } });
        agent.stdin.write('y\n');
      } else if (e.type === 'mode' || e.type === 'accepted') {
        if (!client) {
          client = new RfbClient({ send: (b) => session.sendRfb(b) });
          res();
        }
      } else if (e.type === 'rfb') {
        client?.receive(e.data);
      } else if (e.type === 'failed') {
        rej(e.error);
      }
    });
  });
  session.start();
  await active;
  const listen = (await waitLine(agent, /rfb-listen: \S+:(\d+)/))[1];
  await client.ready(20_000);
  const viaRelay = await measure(client);

  const direct = await tcpClient(Number(listen), password);
  const viaTcp = await measure(direct.client);
  direct.close();

  // x11vnc on the same screen.
  spawnSync('/usr/bin/x11vnc', ['-storepasswd', password, join(dir, 'x11vnc.pw')]);
  const x11vncPort = 5990 + (process.pid % 200);
  start('/usr/bin/x11vnc', ['-display', display, '-rfbauth', join(dir, 'x11vnc.pw'), '-rfbport', String(x11vncPort), '-forever', '-shared', '-quiet', '-localhost']);
  await sleep(2000);
  const peer = await tcpClient(x11vncPort, password);
  const viaX11vnc = await measure(peer.client);
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
    `One technician RFB client (packages/agent/src/rfb-client, ZRLE) types alternately \`x\` and BackSpace into an xterm on Xvfb 1280x800 and waits until the changed pixels have arrived in its framebuffer; ${SAMPLES} samples per path, all on loopback, in one run.`,
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
