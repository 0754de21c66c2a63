/**
 * The relay never sees content: every byte between the clients and the relay
 * passes through a TCP tap; after a session in which both sides chat a
 * marker, the marker appears in none of the WebSocket payloads, while the
 * metadata the relay is meant to see (the nameplate) does, proving the tap
 * reads what it should.
 */
import { createConnection, createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWebSocketStream, RelayFixture } from '@tandem/test-kit';

interface Tap {
  server: Server;
  port: number;
  connections: { up: Buffer[]; down: Buffer[] }[];
}

function startTap(targetPort: number): Promise<Tap> {
  const tap: Tap = { server: createServer(), port: 0, connections: [] };
  tap.server.on('connection', (client) => {
    const record: Tap['connections'][number] = { up: [], down: [] };
    tap.connections.push(record);
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    client.on('data', (d: Buffer) => {
      record.up.push(Buffer.from(d));
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      record.down.push(Buffer.from(d));
      client.write(d);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  return new Promise((resolve) => tap.server.listen(0, '127.0.0.1', () => {
    const addr = tap.server.address();
    tap.port = typeof addr === 'object' && addr ? addr.port : 0;
    resolve(tap);
  }));
}

describe('what the relay sees', () => {
  const relay = new RelayFixture();
  let tap: Tap;
  let techPw = '';

  beforeAll(async () => {
    await relay.start();
    techPw = await relay.addUser('kato', 'technician');
    tap = await startTap(Number(new URL(relay.url).port));
  });
  afterAll(async () => {
    tap.server.close();
    await relay.stop();
  });

  it('never carries a chat marker in clear, in either direction', async () => {
    const marker = 'MARKER-7f3a9c-秘密';
    const tapped = `http://127.0.0.1:${tap.port}`;
    const techThroughTap = relay.agent(['tech', 'session', '--relay', tapped, '--user', 'kato', '--password-file', techPw]);
    const code = (await techThroughTap.waitFor(/^code: ([0-9]{8})$/))[1]!;
    const agent = relay.agent(['join', code, '--relay', tapped, '--no-browser', '--name', 'Customer']);
    agent.send('y');
    await techThroughTap.waitFor(/^event: accepted chat$/);
    techThroughTap.send(`from tech ${marker}`);
    await agent.waitFor(new RegExp(`^chat: from tech ${marker}$`));
    agent.send(`from customer ${marker}`);
    await techThroughTap.waitFor(new RegExp(`^chat: from customer ${marker}$`));
    techThroughTap.endInput();
    expect(await techThroughTap.exitCode()).toBe(0);
    expect(await agent.exitCode()).toBe(0);

    const needle = Buffer.from(marker, 'utf8');
    const payloads: Buffer[] = [];
    for (const c of tap.connections) {
      const up = Buffer.concat(c.up);
      const down = Buffer.concat(c.down);
      expect(up.includes(needle)).toBe(false);
      expect(down.includes(needle)).toBe(false);
      for (const f of [...parseWebSocketStream(up), ...parseWebSocketStream(down)]) payloads.push(f.payload);
    }
    expect(payloads.length).toBeGreaterThan(6);
    for (const p of payloads) expect(p.includes(needle)).toBe(false);
    // Positive control: the tap does see the metadata the relay is meant to see.
    const nameplate = code.slice(0, 3);
    expect(payloads.some((p) => p.toString('utf8').includes(`"nameplate":"${nameplate}"`))).toBe(true);
    // The customer's claim carries the nameplate and nothing of the secret half.
    const claims = payloads.map((p) => p.toString('utf8')).filter((t) => t.includes('"t":"claim"'));
    expect(claims).toEqual([JSON.stringify({ t: 'claim', nameplate })]);
  });
});
