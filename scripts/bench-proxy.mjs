#!/usr/bin/env node
// Through an HTTP proxy against directly (`npm run bench:proxy`; issue 12).
// One run, one machine: a relay with its self-signed certificate (pinned by
// both sides), Debian's squid on loopback, Xvfb with an xterm. For each
// route, directly and through squid (CONNECT, TLS inside the tunnel):
// - session set-up: from the technician's session start (a fresh code) to
//   the customer's session having finished the handshake (consent-needed),
//   both sessions in this process over the real transport, 20 runs, the
//   routes interleaved;
// - key-to-screen: `tandem join` serving the xterm, a technician RFB client
//   typing `x` and BackSpace and waiting for the changed pixels, 50 samples.
// Writes the "Through an HTTP proxy" section of docs/benchmarks.md.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { chownSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CustomerSession, TechnicianSession } from '@tandem/protocol';
import { ProxyResolver, createRelaySocketFactory, nodeAeadProvider, requestJson } from '@tandem/node-client';
import { RfbClient } from '@tandem/tech';
import { waitLine } from './bench/bench-kit.mjs';
import { measureKeyToScreen, stats } from './bench/key-latency.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const RELAY_BIN = join(ROOT, 'packages/relay/bin/tandem-relay.js');
const TANDEM_BIN = join(ROOT, 'packages/cli/bin/tandem.js');
const RUNS = Number(process.env.BENCH_PROXY_RUNS ?? 20);
const SAMPLES = Number(process.env.BENCH_PROXY_SAMPLES ?? 50);
const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-proxy-'));
chmodSync(dir, 0o711);
const children = [];
const NO_PROXY_ENV = Object.fromEntries(['HTTPS_PROXY', 'HTTP_PROXY', 'ALL_PROXY', 'NO_PROXY'].flatMap((n) => [[n, ''], [n.toLowerCase(), '']]));

function start(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], ...opts });
  children.push(child);
  return child;
}


function freePort() {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

async function startSquid(port) {
  const sq = join(dir, 'squid');
  mkdirSync(sq);
  const uid = Number(execFileSync('id', ['-u', 'proxy'], { encoding: 'utf8' }));
  const gid = Number(execFileSync('id', ['-g', 'proxy'], { encoding: 'utf8' }));
  chownSync(sq, uid, gid);
  const conf = [
    `http_port 127.0.0.1:${port}`,
    `pid_filename ${sq}/squid.pid`,
    `cache_log ${sq}/cache.log`,
    `access_log none`,
    `coredump_dir ${sq}`,
    'cache_effective_user proxy',
    'cache deny all',
    'shutdown_lifetime 0 seconds',
    'acl local src 127.0.0.1/32',
    'http_access allow local',
    'http_access deny all',
  ].join('\n');
  writeFileSync(join(sq, 'squid.conf'), `${conf}\n`);
  const squid = start('/usr/sbin/squid', ['-N', '-d', '1', '-f', join(sq, 'squid.conf')]);
  await waitLine(squid, /Accepting HTTP Socket connections at/, 'stderr');
}

/** One session set-up: technician start to the customer's finished handshake; returns ms. */
async function setUp(url, fingerprint, token, routes) {
  const sockets = () => createRelaySocketFactory({ relayUrl: url, fingerprint, routes }).connect;
  const tech = new TechnicianSession({ relayUrl: url, token, mode: 'chat', aead: nodeAeadProvider(), connect: sockets() });
  const t0 = performance.now();
  let customer;
  const done = new Promise((res, rej) => {
    tech.onEvent((e) => {
      if (e.type === 'code') {
        customer = new CustomerSession({ relayUrl: url, code: e.code, aead: nodeAeadProvider(), connect: sockets() });
        customer.onEvent((c) => {
          if (c.type === 'consent-needed') res(performance.now() - t0);
          else if (c.type === 'failed') rej(c.error);
        });
        customer.start();
      } else if (e.type === 'failed') rej(e.error);
    });
  });
  tech.start();
  const ms = await done;
  await customer.refuse();
  await tech.end().catch(() => undefined);
  return ms;
}

/** Key-to-screen samples through `env`'s route, ms. */
async function keyToScreen(url, fingerprint, token, routes, display, env) {
  const session = new TechnicianSession({ relayUrl: url, token, mode: 'control', aead: nodeAeadProvider(), connect: createRelaySocketFactory({ relayUrl: url, fingerprint, routes }).connect });
  let client;
  let agent;
  const active = new Promise((res, rej) => {
    session.onEvent((e) => {
      if (e.type === 'code') {
        agent = start(process.execPath, [TANDEM_BIN, 'join', e.code, '--relay', url, '--relay-fingerprint', fingerprint, '--no-browser'], { env: { ...process.env, ...NO_PROXY_ENV, ...env, DISPLAY: display } });
        agent.stdin.write('y\n');
      } else if ((e.type === 'mode' || e.type === 'accepted') && client === undefined) {
        client = new RfbClient({ send: (b) => session.sendRfb(b) });
        res();
      } else if (e.type === 'rfb') client?.receive(e.data);
      else if (e.type === 'failed') rej(e.error);
    });
  });
  session.start();
  await active;
  await client.ready(20_000);
  const times = await measureKeyToScreen(client, SAMPLES);
  await session.end();
  agent.kill('SIGKILL');
  return times;
}

try {
  const x = start('/usr/bin/Xvfb', ['-displayfd', '1', '-screen', '0', '1280x800x24', '-nolisten', 'tcp']);
  const display = `:${(await waitLine(x, /^(\d+)\n/))[1]}`;
  start('/usr/bin/xterm', ['-geometry', '80x24+0+0', '-e', '/bin/sh'], { cwd: dir, env: { ...process.env, DISPLAY: display } });

  const relay = start(process.execPath, [RELAY_BIN, 'start', '--data', join(dir, 'data'), '--listen', '127.0.0.1:0', '--tls', 'self-signed']);
  const [, fingerprint, url] = await waitLine(relay, /fingerprint: ([0-9a-f]{64})[\s\S]*?listening: (\S+)\n/);
  writeFileSync(join(dir, 'tech.pw'), 'bench-proxy-password\n');
  const add = spawnSync(process.execPath, [RELAY_BIN, 'user', 'add', 'bench', '--role', 'technician', '--data', join(dir, 'data'), '--password-file', join(dir, 'tech.pw')]);
  if (add.status !== 0) throw new Error(`user add: ${add.stderr}`);
  const squidPort = await freePort();
  await startSquid(squidPort);
  const squidUrl = `http://127.0.0.1:${squidPort}`;
  const viaSquid = new ProxyResolver({ env: { HTTPS_PROXY: squidUrl }, wpad: async () => [] });
  const { token } = await requestJson({ relayUrl: url, fingerprint }, 'POST', '/api/auth/login', { username: 'bench', password: 'bench-proxy-password' });

  // Warm-up, then the routes interleaved so drift affects both alike.
  await setUp(url, fingerprint, token, undefined);
  await setUp(url, fingerprint, token, viaSquid);
  const direct = [];
  const squid = [];
  for (let i = 0; i < RUNS; i++) {
    direct.push(await setUp(url, fingerprint, token, undefined));
    squid.push(await setUp(url, fingerprint, token, viaSquid));
  }
  const keysDirect = await keyToScreen(url, fingerprint, token, undefined, display, {});
  const keysSquid = await keyToScreen(url, fingerprint, token, viaSquid, display, { HTTPS_PROXY: squidUrl });

  const f = (v) => v.toFixed(1);
  const squidVersion = spawnSync('/usr/sbin/squid', ['-v']).stdout.toString().split('\n')[0].trim();
  const row = (name, s) => `| ${name} | ${f(s.p50)} | ${f(s.p95)} | ${f(s.min)} | ${f(s.max)} |`;
  const section = [
    '## Through an HTTP proxy',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:proxy\` (\`scripts/bench-proxy.mjs\`) on: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${squidVersion}; load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')} (the machine is shared: the p95 and max columns carry that noise).`,
    '',
    `The relay with its self-signed certificate, pinned by both sides; squid on loopback with its defaults and no cache (CONNECT, TLS to the relay inside the tunnel). Session set-up: from the technician's session start (a fresh code) to the customer's session having finished the handshake, both sessions in one process over the real transport, ${RUNS} runs per route, interleaved. Key-to-screen: \`tandem join\` serving an xterm on Xvfb 1280x800, a technician RFB client typing \`x\` and BackSpace and waiting for the changed pixels, ${SAMPLES} samples per route. Both sides go through squid on the proxy route.`,
    '',
    '| measure | median ms | p95 ms | min ms | max ms |',
    '| --- | --- | --- | --- | --- |',
    row('session set-up, directly', stats(direct)),
    row('session set-up, through squid', stats(squid)),
    row('key to screen, directly', stats(keysDirect)),
    row('key to screen, through squid', stats(keysSquid)),
    '',
    `Median set-up through squid / directly: ${(stats(squid).p50 / stats(direct).p50).toFixed(2)}; key to screen: ${(stats(keysSquid).p50 / stats(keysDirect).p50).toFixed(2)}.`,
    '',
  ].join('\n');
  const docPath = join(ROOT, 'docs/benchmarks.md');
  let doc = readFileSync(docPath, 'utf8');
  const at = doc.indexOf('## Through an HTTP proxy');
  if (at >= 0) {
    const next = doc.indexOf('\n## ', at + 3);
    doc = doc.slice(0, at) + section + (next >= 0 ? doc.slice(next + 1) : '');
  } else {
    doc = `${doc.trimEnd()}\n\n${section}`;
  }
  writeFileSync(docPath, doc);
  console.log(section);
} finally {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  setTimeout(() => process.exit(process.exitCode ?? 0), 200).unref();
}
