/**
 * Bridge mode against a VNC server stand-in (vnc-stand-in.ts) that does on
 * purpose what a real one does by accident: answers slowly, stops reading,
 * or sends what RFB does not allow. The agent (`tandem join --vnc`) must
 * bound what it holds for the technician and end the stream with a clear
 * error, and must pass on only the server messages it can frame.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENCODING, framebufferUpdateHeader, rectHeader, serverCutText } from '@tandem/rfb';
import { MAX_VNC_BACKLOG_BYTES } from '../src/screen/bridge-engine.js';
import { MAX_PENDING_RFB_BYTES } from '../src/screen/screen-share.js';
import { acceptOnTerminal, HostileTech, RelayFixture, sleep, VncStandIn, waitModeCount, type Proc, type StandInConnection } from '@tandem/test-kit';

const W = 64, H = 48;

describe('bridge mode bounds what it holds and passes only what it can frame', () => {
  const relay = new RelayFixture();
  const password = 'pw-limits-correct-horse';
  const techs: HostileTech[] = [];
  const standIns: VncStandIn[] = [];

  beforeAll(async () => {
    await relay.start();
    await relay.addUser('flooder', 'technician', password);
  });

  afterAll(async () => {
    for (const t of techs) await t.end();
    for (const s of standIns) await s.close();
    await relay.stop();
  });

  async function session(standIn: VncStandIn, mode: 'view' | 'control'): Promise<{ tech: HostileTech; agent: Proc }> {
    const tech = await HostileTech.start(relay, 'flooder', password, mode);
    techs.push(tech);
    const agent = relay.join(tech.code, ['--vnc', `127.0.0.1:${standIn.port}`], {});
    await acceptOnTerminal(agent);
    await waitModeCount(tech, mode, 1);
    return { tech, agent };
  }

  it('a technician that floods while the VNC server is slow to answer: the stream ends at the limit, as a protocol violation', async () => {
    const standIn = await VncStandIn.start({ holdVersion: true, width: W, height: H });
    standIns.push(standIn);
    const { tech, agent } = await session(standIn, 'view');
    const conn = await standIn.connection();
    // The agent has no RFB stream to answer yet; a client speaks only after the server's ProtocolVersion (RFC 6143 §7.1.1).
    const chunk = new Uint8Array(64 * 1024).fill(0x41);
    for (let sent = 0; sent <= MAX_PENDING_RFB_BYTES * 4; sent += chunk.length) tech.send(chunk);
    const chat = await tech.waitEvent((e) => e.type === 'chat');
    expect(chat.text).toMatch(/^\[tandem\] TANDEM_ERR_PROTOCOL: the technician sent more than \d+ bytes on the screen stream before the screen engine started/);
    await tech.waitEvent((e) => e.type === 'failed' || e.type === 'ended');
    expect(await agent.exitCode()).not.toBe(0);
    expect(agent.stderrLines.join('\n')).toMatch(/TANDEM_ERR_PROTOCOL the technician sent more than \d+ bytes/);
    // The slow server's answer, when it comes, finds the stream gone.
    conn.sendVersion();
  });

  it('a VNC server that stops reading: what the technician sends waits up to the limit, then the stream ends and the session goes on in chat', async () => {
    const standIn = await VncStandIn.start({ stopReading: true, width: W, height: H });
    standIns.push(standIn);
    const { tech, agent } = await session(standIn, 'view');
    expect(await tech.handshake()).toMatchObject({ width: W, height: H });
    // Valid messages the gatekeeper passes in view only: SetEncodings of 1024 entries, 16 to a record.
    const one = Buffer.alloc(4 + 4 * 1024);
    one[0] = 2;
    one.writeUInt16BE(1024, 2);
    const batch = Buffer.concat(Array.from({ length: 16 }, () => one));
    // Far past the limit plus what the kernel's socket buffers hold on both ends.
    for (let sent = 0; sent < MAX_VNC_BACKLOG_BYTES + 48 * 1024 * 1024; sent += batch.length) {
      tech.send(batch);
      if (sent % (4 << 20) === 0) await sleep(10);
    }
    const chat = await tech.waitEvent((e) => e.type === 'chat', 30_000);
    expect(chat.text).toMatch(/screen cannot be shared: the VNC server at 127\.0\.0\.1:\d+ is not reading: more than \d+ bytes from the technician wait for it/);
    await waitModeCount(tech, 'chat', 1);
    expect(agent.stderrLines.join('\n')).toMatch(/error: TANDEM_ERR_MESSAGE_TOO_LARGE the VNC server at .* is not reading/);
    expect(tech.session.finished).toBe(false);
    await tech.end();
    expect(await agent.exitCode()).toBe(0);
  });

  /** Handshake, Raw only, and one whole-screen request that has reached the stand-in. */
  async function streaming(standIn: VncStandIn, tech: HostileTech, request = true): Promise<StandInConnection> {
    expect(await tech.handshake()).toMatchObject({ width: W, height: H });
    const conn = await standIn.connection();
    await conn.ready;
    tech.msg({ type: 'SetEncodings', encodings: [ENCODING.Raw] });
    if (request) tech.msg({ type: 'FramebufferUpdateRequest', incremental: false, x: 0, y: 0, w: W, h: H });
    // Messages on one connection arrive in order: once these are in, the server may answer them.
    const want = 8 + (request ? 10 : 0);
    const deadline = Date.now() + 10_000;
    while (!conn.received.has(want)) {
      if (Date.now() > deadline) throw new Error(`the stand-in received ${conn.received.length} of ${want} bytes`);
      await sleep(20);
    }
    return conn;
  }

  it('ServerCutText is dropped; Bell, updates and their order pass byte for byte', async () => {
    const standIn = await VncStandIn.start({ width: W, height: H });
    standIns.push(standIn);
    const { tech, agent } = await session(standIn, 'control');
    const conn = await streaming(standIn, tech);
    const pixels = new Uint8Array(2 * 2 * 4).fill(7);
    const update = Buffer.concat([framebufferUpdateHeader(1), rectHeader(1, 2, 2, 2, ENCODING.Raw), pixels]);
    // Cut in awkward places, so the agent resumes mid-message.
    const stream = Buffer.concat([serverCutText('MARKER-stand-in-secret'), Uint8Array.of(2), update, serverCutText(''), update]);
    for (const cut of [3, 9, 30, 31, 47]) {
      conn.send(stream.subarray(0, cut));
      await sleep(20);
      conn.send(stream.subarray(cut));
      await sleep(20);
    }
    const expected = Buffer.concat(Array.from({ length: 5 }, () => Buffer.concat([Uint8Array.of(2), update, update])));
    await tech.need(expected.length);
    expect(Buffer.from(tech.rfb.take(expected.length)).equals(expected)).toBe(true);
    expect(tech.session.finished).toBe(false);
    await tech.end();
    expect(await agent.exitCode()).toBe(0);
  });

  const cases: readonly { what: string; bytes: Uint8Array; why: RegExp; request?: boolean }[] = [
    { what: 'an unknown message type', bytes: Uint8Array.of(200, 0, 0, 0), why: /unknown server message type 200/ },
    { what: 'a rectangle in an encoding the technician never asked for', bytes: Buffer.concat([framebufferUpdateHeader(1), rectHeader(0, 0, 1, 1, ENCODING.ZRLE), new Uint8Array(4)]), why: /ZRLE \(16\), which the technician did not ask for/ },
    { what: 'a rectangle in an encoding the agent cannot frame', bytes: Buffer.concat([framebufferUpdateHeader(1), rectHeader(0, 0, 1, 1, 0x4242), new Uint8Array(4)]), why: /a rectangle in encoding 16962, which has no framer/ },
    { what: 'ServerCutText with an extended-clipboard length, never negotiated', bytes: Buffer.from([3, 0, 0, 0, 0x80, 0, 0, 4, 0, 0, 0, 1]), why: /extended-clipboard/ },
    { what: 'a FramebufferUpdate nobody asked for', bytes: Buffer.concat([framebufferUpdateHeader(1), rectHeader(0, 0, 1, 1, ENCODING.Raw), new Uint8Array(4)]), why: /FramebufferUpdate before the technician asked for one/, request: false },
  ];
  for (const { what, bytes, why, request } of cases) {
    it(`a VNC server that sends ${what}: the stream ends with TANDEM_ERR_PROTOCOL and the bytes stay on the customer's computer`, async () => {
      const standIn = await VncStandIn.start({ width: W, height: H });
      standIns.push(standIn);
      const { tech, agent } = await session(standIn, 'view');
      const conn = await streaming(standIn, tech, request ?? true);
      conn.send(bytes);
      const chat = await tech.waitEvent((e) => e.type === 'chat');
      expect(chat.text).toMatch(/^\[tandem\] TANDEM_ERR_PROTOCOL: the VNC server at 127\.0\.0\.1:\d+ sent an RFB message the agent cannot check: /);
      expect(chat.text).toMatch(why);
      await tech.waitEvent((e) => e.type === 'failed' || e.type === 'ended');
      expect(tech.rfb.length).toBe(0);
      await agent.exitCode();
    });
  }
});
