// A whole Tandem session for the benchmarks that measure through the relay
// (bench-latency.mjs, bench-files.mjs): a relay on loopback (plain HTTP, no
// TLS: the end-to-end layer is what is measured), a technician account, a
// TechnicianSession in this process asking for shared control, and the
// agent (`tandem join --no-browser`) on `display`, accepting on its terminal,
// with `agentArgs` added. Resolves once the session is active, with an
// RfbClient fed by the session's screen stream.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TechnicianSession } from '@tandem/protocol';
import { createRelaySocketFactory, nodeAeadProvider } from '@tandem/node-client';
import { RfbClient, login } from '@tandem/tech';
import { waitLine } from './bench-kit.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const RELAY_BIN = join(ROOT, 'packages/relay/bin/tandem-relay.js');
const AGENT_BIN = join(ROOT, 'packages/cli/bin/tandem.js');

/** `start(cmd, args, opts)` spawns a child the caller ends; `dir` is the run's folder. */
export async function relaySession({ start, dir, display, agentArgs = [] }) {
  const relay = start(process.execPath, [RELAY_BIN, 'start', '--data', join(dir, 'data'), '--listen', '127.0.0.1:0', '--tls', 'off']);
  const url = (await waitLine(relay, /listening: (\S+)/))[1];
  writeFileSync(join(dir, 'tech.pw'), 'bench-tech-password\n');
  const add = spawnSync(process.execPath, [RELAY_BIN, 'user', 'add', 'bench', '--role', 'technician', '--data', join(dir, 'data'), '--password-file', join(dir, 'tech.pw')]);
  if (add.status !== 0) throw new Error(`user add: ${add.stderr}`);
  const { token } = await login({ relayUrl: url }, 'bench', 'bench-tech-password');
  const session = new TechnicianSession({ relayUrl: url, token, mode: 'control', aead: nodeAeadProvider(), connect: createRelaySocketFactory({ relayUrl: url }).connect });
  let client;
  let agent;
  const active = new Promise((res, rej) => {
    session.onEvent((e) => {
      if (e.type === 'code') {
        agent = start(process.execPath, [AGENT_BIN, 'join', e.code, '--relay', url, '--no-browser', ...agentArgs], { env: { ...process.env, DISPLAY: display } });
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
  await client.ready(20_000);
  return { session, client, agent, relay, url };
}
