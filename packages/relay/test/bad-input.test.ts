import { connect as tcpConnect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditEvents,
  auditSession,
  connect,
  createAdmin,
  pairedSession,
  startRelayProcess,
  WsClient,
  waitFor,
  type RelayFixture,
} from '@tandem/test-kit';

let relay: RelayFixture;
let admin: string;

beforeAll(async () => {
  relay = await startRelayProcess({ args: ['--claim-failures-per-minute', '100000', '--claim-failures-per-minute-total', '100000'] });
  admin = (await createAdmin(relay)).token;
});
afterAll(() => relay.stop());

/** Opens a raw TCP connection to the relay and resolves with everything it sends until it closes. */
function raw(onConnect: (socket: Socket) => void): Promise<Buffer> {
  const { port } = new URL(relay.url);
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(Number(port), '127.0.0.1', () => onConnect(socket));
    const chunks: Buffer[] = [];
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    setTimeout(() => socket.destroy(), 8000).unref();
  });
}

/** A raw socket after a valid WebSocket upgrade; `after` writes what follows. */
function upgraded(after: (socket: Socket) => void): Promise<Buffer> {
  let upgradedYet = false;
  return raw((socket) => {
    socket.write(
      'GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    socket.on('data', (d) => {
      if (upgradedYet || !d.toString('latin1').startsWith('HTTP/1.1 101')) return;
      upgradedYet = true;
      after(socket);
    });
  });
}

/** The close code in a server close frame found in `bytes` after the 101 response. */
function closeCode(bytes: Buffer): number | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  let i = end + 4;
  while (i + 1 < bytes.length) {
    const opcode = (bytes[i] as number) & 0x0f;
    const len = (bytes[i + 1] as number) & 0x7f;
    if (opcode === 8) return bytes.readUInt16BE(i + 2);
    i += 2 + len;
  }
  return undefined;
}

/** A masked client frame. */
function frame(opcode: number, payload: Buffer, mask = true): Buffer {
  const key = randomBytes(4);
  const body = mask ? Buffer.from(payload.map((b, i) => b ^ (key[i % 4] as number))) : payload;
  return Buffer.concat([Buffer.from([0x80 | opcode, (mask ? 0x80 : 0) | payload.length]), mask ? key : Buffer.alloc(0), body]);
}

describe('bad input', () => {
  it('answers every kind of bad input clearly while a healthy session keeps forwarding, and loses no audit row', async () => {
    const healthy = await pairedSession(relay, admin);
    let round = 0;
    const pump = async (): Promise<void> => {
      const payload = Buffer.from(`frame ${round++}`);
      healthy.tech.ws.send(payload);
      expect(await healthy.customer.binary()).toEqual(payload);
      healthy.customer.ws.send(payload);
      expect(await healthy.tech.binary()).toEqual(payload);
    };
    await pump();

    // Garbage before any handshake: a plain HTTP 400 and the connection closes.
    const garbage = await raw((s) => s.write(randomBytes(200)));
    expect(garbage.toString('latin1')).toMatch(/^HTTP\/1\.1 400/);
    await pump();

    // A reserved opcode and an unmasked client frame (RFC 6455 §5.2, §5.1): close 1002.
    expect(closeCode(await upgraded((s) => s.write(frame(0x3, Buffer.from('x')))))).toBe(1002);
    expect(closeCode(await upgraded((s) => s.write(frame(0x1, Buffer.from('{"t":"bye"}'), false))))).toBe(1002);
    // Garbage after the handshake.
    expect(closeCode(await upgraded((s) => s.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))))).toBe(1002);
    await pump();

    // A frame over LIMITS.maxFrameBytes: close 1009; a signal over maxSignalBytes: MESSAGE_TOO_LARGE.
    const huge = await connect(relay);
    huge.ws.send(Buffer.alloc((1 << 20) + 1));
    expect((await huge.closed).code).toBe(1009);
    const longSignal = await connect(relay);
    longSignal.sendRaw(JSON.stringify({ t: 'claim', nameplate: '123', pad: 'x'.repeat(9000) }));
    expect(await longSignal.failure()).toMatchObject({ code: 'TANDEM_ERR_MESSAGE_TOO_LARGE', closeCode: 1009 });

    // Non-JSON and unknown signals.
    const notJson = await connect(relay);
    notJson.sendRaw('hello relay');
    expect(await notJson.failure()).toMatchObject({ code: 'TANDEM_ERR_BAD_INPUT', closeCode: 4400 });
    const unknown = await connect(relay);
    unknown.sendRaw(JSON.stringify({ t: 'launch-missiles' }));
    const unknownFailure = await unknown.failure();
    expect(unknownFailure).toMatchObject({ code: 'TANDEM_ERR_BAD_INPUT' });
    expect(unknownFailure.message).toMatch(/unknown message type/);
    const badNameplate = await connect(relay);
    badNameplate.send({ t: 'claim', nameplate: '12a' });
    expect(await badNameplate.failure()).toMatchObject({ code: 'TANDEM_ERR_BAD_INPUT' });
    await pump();

    // A thousand concurrent bogus claims.
    const before = (await auditEvents(relay, admin, 'code-unknown')).length;
    const claims = await Promise.all(
      Array.from({ length: 1000 }, async (_, i) => {
        const c = new WsClient(relay.wsUrl);
        await c.opened;
        c.send({ t: 'claim', nameplate: String(100000 + i) });
        return c.failure();
      }),
    );
    expect(claims.every((f) => f.code === 'TANDEM_ERR_CODE_UNKNOWN' && f.closeCode === 4404)).toBe(true);
    expect((await auditEvents(relay, admin, 'code-unknown')).length - before).toBe(1000);
    await pump();

    healthy.customer.send({ t: 'bye' });
    expect(await healthy.tech.signal()).toEqual({ t: 'peer-left', reason: 'customer-ended' });
    await waitFor(async () => (await auditSession(relay, admin, healthy.sessionId))?.endReason === 'customer-ended');
    expect(relay.proc.child.exitCode).toBeNull();
  });
});
