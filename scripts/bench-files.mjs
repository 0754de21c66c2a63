#!/usr/bin/env node
// Key-to-screen latency while a file transfer runs in the same session
// (issue 11: transfers yield to input and screen data). `npm run bench:files`;
// part of `npm run bench`. One session through the relay (technician client in
// this process, agent on Xvfb with an xterm): the latency without any
// transfer, then the same while 200 MB go to the customer (started again if
// it finishes before the samples are in), in one run. Writes the "Latency
// during a file transfer" section of docs/benchmarks.md.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { openFileSource } from '@tandem/node-client';
import { sleep, waitLine, writeSection } from './bench/bench-kit.mjs';
import { measureKeyToScreen, stats } from './bench/key-latency.mjs';
import { relaySession } from './bench/relay-session.mjs';

const SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 100);
const FILE_BYTES = Number(process.env.BENCH_FILE_BYTES ?? 200 * 1024 * 1024);
const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-files-'));
const children = [];

function start(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], ...opts });
  children.push(child);
  return child;
}

try {
  const x = start('/usr/bin/Xvfb', ['-displayfd', '1', '-screen', '0', '1280x800x24', '-nolisten', 'tcp']);
  const display = `:${(await waitLine(x, /^(\d+)\n/))[1]}`;
  start('/usr/bin/xterm', ['-geometry', '80x24+0+0', '-e', '/bin/sh'], { cwd: dir, env: { ...process.env, DISPLAY: display } });
  await sleep(800);
  const inbox = join(dir, 'inbox');
  mkdirSync(inbox);
  const file = join(dir, 'payload.bin');
  writeFileSync(file, randomBytes(FILE_BYTES));

  const { session, client, agent } = await relaySession({ start, dir, display, agentArgs: ['--files-dir', inbox] });
  // The agent asks about each offer on its terminal: answer yes to each, as a customer would.
  agent.stdout.setEncoding('utf8');
  agent.stdout.on('data', (d) => {
    for (const line of d.split('\n')) if (line.startsWith('event: file-offer ')) agent.stdin.write('y\n');
  });
  const idle = await measureKeyToScreen(client, SAMPLES);

  const transfer = { running: true, sent: 0, bytes: 0, began: 0, ended: 0 };
  const offerOne = async () => {
    const opened = await openFileSource(file);
    const id = session.files.offer(opened.name, opened.size, opened.source);
    await new Promise((res, rej) => {
      const off = session.files.onEvent((e) => {
        if (e.id !== id) return;
        if (e.type === 'file-sent') {
          off();
          transfer.sent++;
          transfer.bytes += e.bytes;
          res();
        } else if (e.type === 'file-refused' || e.type === 'file-cancelled' || e.type === 'file-failed') {
          off();
          rej(new Error(`transfer ${e.type}`));
        }
      });
    });
  };
  const sending = (async () => {
    transfer.began = performance.now();
    while (transfer.running) await offerOne();
    transfer.ended = performance.now();
  })();
  // Measure once the first bytes flow.
  await new Promise((res) => {
    const off = session.files.onEvent((e) => {
      if (e.type === 'file-progress' && e.bytes > 0) {
        off();
        res();
      }
    });
  });
  const busy = await measureKeyToScreen(client, SAMPLES);
  transfer.running = false;
  await sending;
  await session.end();

  const a = stats(idle);
  const b = stats(busy);
  const f = (v) => v.toFixed(1);
  const seconds = (transfer.ended - transfer.began) / 1000;
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  const section = [
    '## Latency during a file transfer',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:files\` (\`node scripts/bench-files.mjs\`, part of \`npm run bench\`) on: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average at the end ${load}.`,
    '',
    `One session through the relay on loopback (technician client → relay → agent, end to end encrypted, shared control): key-to-screen latency (an xterm on Xvfb, as in "Input-to-screen latency"), ${SAMPLES} samples without any transfer, then ${SAMPLES} while files of ${FILE_BYTES / 2 ** 20} MiB go to the customer one after the other on the files channel (${transfer.sent} sent whole, ${(transfer.bytes / 2 ** 20 / seconds).toFixed(1)} MiB/s on average over the transfers). Goal (issue 11): p99 with a transfer at most 2× p99 without.`,
    '',
    '| | p50 ms | p99 ms | min ms | max ms |',
    '| --- | --- | --- | --- | --- |',
    `| no transfer | ${f(a.p50)} | ${f(a.p99)} | ${f(a.min)} | ${f(a.max)} |`,
    `| during the transfer | ${f(b.p50)} | ${f(b.p99)} | ${f(b.min)} | ${f(b.max)} |`,
    `| ratio | ${(b.p50 / a.p50).toFixed(2)} | ${(b.p99 / a.p99).toFixed(2)} | | |`,
    '',
  ].join('\n');
  writeSection('## Latency during a file transfer', section);
  console.log(section);
} finally {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  setTimeout(() => process.exit(process.exitCode ?? 0), 200).unref();
}
