/**
 * RfbServerConnection over a Duplex pair carrying real RFB bytes (RFC 6143),
 * serving a desktop in memory, without a network: the technician client's
 * RfbClient (@tandem/tech) on the other end where it speaks the path (3.8),
 * and bytes written and checked with @tandem/rfb's encoders and parsers
 * where it does not (3.3, a hostile client).
 *
 * States (RFB_SERVER_TRANSITIONS): version, security, auth, rejected, init, normal, closed.
 *
 * | transition          | test                                                                          |
 * | ------------------- | ----------------------------------------------------------------------------- |
 * | version → security  | "3.8 with VNC Authentication ...", "3.8 without a password ..."              |
 * | version → auth      | "3.3: the server picks the security type ..."                                 |
 * | version → init      | "3.3: the server picks the security type ..."                                 |
 * | version → closed    | "refuses a client that does not speak RFB ..."                                |
 * | security → auth     | "3.8 with VNC Authentication ..."                                             |
 * | security → init     | "3.8 without a password ..."                                                  |
 * | security → closed   | "refuses a security type it did not offer ...", "the client goes ..."        |
 * | auth → init         | "3.8 with VNC Authentication ..."                                             |
 * | auth → rejected     | "a wrong password ..."                                                        |
 * | auth → closed       | "the client goes ..."                                                         |
 * | rejected → closed   | "a wrong password ..."                                                        |
 * | init → normal       | "3.8 with VNC Authentication ...", "3.8 without a password ..."              |
 * | init → closed       | "the client goes ..."                                                         |
 * | normal → closed     | "3.8 without a password ..." (close()), "in normal, a malformed message ..." |
 *
 * The last test checks that the tests above took every transition of the table.
 */
import { Duplex } from 'node:stream';
import { RfbClient, type RfbClientEvent } from '@tandem/tech';
import { ByteQueue, NATIVE_FORMAT, SECURITY, encodeClientMessage, protocolVersion, vncResponse, type Framebuffer } from '@tandem/rfb';
import { TandemError } from '@tandem/protocol';
import { describe, expect, it } from 'vitest';
import { TransitionLog, until } from '@tandem/test-kit';
import type { DesktopListener, DesktopSource } from '../desktop/desktop-source.js';
import { defaultEncoders } from './encoders/registry.js';
import { RFB_SERVER_TRANSITIONS, RfbServerConnection, type RfbServerOptions } from './rfb-server-connection.js';

const log = new TransitionLog();
const PASSWORD = 'sesame12';
const WIDTH = 32;
const HEIGHT = 16;

/** A desktop in memory: a framebuffer of a known picture, its listeners, and the input it received. */
class MemoryDesktop implements DesktopSource {
  readonly fb: Framebuffer;
  readonly listeners = new Set<DesktopListener>();
  readonly input: string[] = [];
  releases = 0;

  constructor() {
    const data = new Uint8Array(WIDTH * HEIGHT * 4);
    for (let y = 0; y < HEIGHT; y++) {
      for (let x = 0; x < WIDTH; x++) {
        const p = (y * WIDTH + x) * 4;
        // Native format: B, G, R, X.
        data[p] = (x * 8) & 0xff;
        data[p + 1] = (y * 16) & 0xff;
        data[p + 2] = 0x80;
      }
    }
    this.fb = { width: WIDTH, height: HEIGHT, stride: WIDTH * 4, data };
  }

  framebuffer(): Framebuffer {
    return this.fb;
  }

  cursor(): null {
    return null;
  }

  subscribe(listener: DesktopListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  pointerEvent(x: number, y: number, buttonMask: number): void {
    this.input.push(`pointer ${x},${y} ${buttonMask}`);
  }

  keyEvent(keysym: number, down: boolean): void {
    this.input.push(`key ${keysym.toString(16)} ${down ? 'down' : 'up'}`);
  }

  releaseAll(): void {
    this.releases++;
  }

  async close(): Promise<void> {
    for (const l of this.listeners) l.onClosed(null);
  }

  /** The picture as packed R, G, B, as the client's snapshot gives it. */
  rgb(): Uint8Array {
    const out = new Uint8Array(WIDTH * HEIGHT * 3);
    for (let i = 0; i < WIDTH * HEIGHT; i++) {
      out[i * 3] = this.fb.data[i * 4 + 2] as number;
      out[i * 3 + 1] = this.fb.data[i * 4 + 1] as number;
      out[i * 3 + 2] = this.fb.data[i * 4] as number;
    }
    return out;
  }
}

/**
 * Two connected Duplex ends, as a TCP connection's: what one writes, the
 * other reads; ending or destroying one ends the other's reading, and
 * destroying one with an error resets the other.
 */
function duplexPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const make = (other: () => Duplex): Duplex =>
    new Duplex({
      read() {
        // Data is pushed by the other end's writes.
      },
      write(chunk: Buffer, _encoding, done) {
        other().push(chunk);
        done();
      },
      final(done) {
        other().push(null);
        done();
      },
      destroy(err, done) {
        const peer = other();
        if (err) peer.destroy(new Error('read ECONNRESET'));
        else if (!peer.readableEnded) peer.push(null);
        done(err);
      },
    });
  ends.push(make(() => ends[1] as Duplex), make(() => ends[0] as Duplex));
  return [ends[0] as Duplex, ends[1] as Duplex];
}

interface Served {
  server: RfbServerConnection;
  desktop: MemoryDesktop;
  /** The client's end of the channel. */
  client: Duplex;
  /** Resolves with what onClose reported. */
  closed: Promise<TandemError | null>;
}

function serve(options: Partial<RfbServerOptions> = {}): Served {
  const [serverEnd, clientEnd] = duplexPair();
  const desktop = new MemoryDesktop();
  let report: (err: TandemError | null) => void = () => undefined;
  const closed = new Promise<TandemError | null>((resolve) => (report = resolve));
  const server = new RfbServerConnection(serverEnd, { desktop, encoders: defaultEncoders(), jpeg: null, onTransition: log.record, onClose: (err) => report(err), ...options });
  return { server, desktop, client: clientEnd, closed };
}

/** The technician's RfbClient on the client end. */
function rfbClient(s: Served, password?: string): { client: RfbClient; events: RfbClientEvent[] } {
  const events: RfbClientEvent[] = [];
  const client = new RfbClient({
    send: (bytes) => {
      s.client.write(bytes);
    },
    ...(password !== undefined ? { password } : {}),
    onEvent: (e) => events.push(e),
  });
  s.client.on('data', (chunk: Buffer) => client.receive(chunk));
  return { client, events };
}

/** What the server wrote, read with a ByteQueue. */
function reader(end: Duplex): { q: ByteQueue; need(n: number): Promise<void> } {
  const q = new ByteQueue();
  end.on('data', (chunk: Buffer) => q.push(chunk));
  return {
    q,
    async need(n) {
      for (let i = 0; i < 400 && !q.has(n); i++) await new Promise((r) => setTimeout(r, 5));
      if (!q.has(n)) throw new Error(`the server did not send ${n} bytes`);
    },
  };
}


describe('rfb server connection', () => {
  it('3.8 with VNC Authentication: the right password opens the desktop; the screen and the input go through', async () => {
    const s = serve({ password: PASSWORD, name: 'Yamada の PC' });
    const c = rfbClient(s, PASSWORD);
    await c.client.ready(5000);
    expect(s.server.state).toBe('normal');
    expect([c.client.width, c.client.height, c.client.name]).toEqual([WIDTH, HEIGHT, 'Yamada の PC']);
    const snapshot = await c.client.snapshot(5000);
    expect(snapshot.rgb).toEqual(s.desktop.rgb());

    // Input reaches the desktop; a pointer outside the screen is clamped to it.
    await c.client.keyEvent(0x61, true);
    await c.client.keyEvent(0x61, false);
    await c.client.pointerEvent(1000, 5, 1);
    await until(() => s.desktop.input.length === 3, 'the input');
    expect(s.desktop.input).toEqual(['key 61 down', 'key 61 up', `pointer ${WIDTH - 1},5 1`]);
    // View only: input stops, and what this connection held is released.
    s.server.setInputAllowed(false);
    expect(s.desktop.releases).toBe(1);
    await c.client.keyEvent(0x62, true);
    await new Promise((r) => setTimeout(r, 20));
    expect(s.desktop.input).toHaveLength(3);

    // A change on the desktop reaches the client in an update.
    s.desktop.fb.data.fill(0xff, 0, WIDTH * 4);
    const update = c.client.waitForUpdate(5000);
    for (const l of s.desktop.listeners) l.onChange([{ x: 0, y: 0, w: WIDTH, h: 1 }]);
    await update;
    expect((await c.client.snapshot(5000)).rgb).toEqual(s.desktop.rgb());
    c.client.close();
    s.client.end();
    expect(await s.closed).toBeNull();
    expect(s.server.state).toBe('closed');
    // Closed: the desktop hears of it no more.
    expect(s.desktop.listeners.size).toBe(0);
  });

  it('3.8 without a password (a channel already authenticated): security None, then init; close() ends it cleanly', async () => {
    const s = serve();
    const c = rfbClient(s);
    await c.client.ready(5000);
    expect(s.server.state).toBe('normal');
    s.server.close();
    expect(await s.closed).toBeNull();
    s.server.fail(new TandemError('TANDEM_ERR_PEER_LOST', 'late'));
    expect(s.server.state).toBe('closed');
  });

  it('3.3: the server picks the security type (RFC 6143 §7.1.2), with no SecurityResult for None', async () => {
    for (const password of [PASSWORD, undefined]) {
      const s = serve(password !== undefined ? { password } : {});
      const r = reader(s.client);
      await r.need(12);
      expect(Buffer.from(r.q.take(12)).toString('latin1')).toBe('RFB 003.008\n');
      s.client.write(protocolVersion(3));
      await r.need(4);
      const type = r.q.peekU32(0);
      r.q.skip(4);
      if (password !== undefined) {
        expect(type).toBe(SECURITY.vncAuth);
        await r.need(16);
        expect(s.server.state).toBe('auth');
        s.client.write(vncResponse(r.q.take(16), password));
        await r.need(4);
        expect(r.q.peekU32(0)).toBe(0);
        r.q.skip(4);
      } else {
        expect(type).toBe(SECURITY.none);
      }
      expect(s.server.state).toBe('init');
      s.client.write(Uint8Array.of(1));
      await r.need(24);
      expect([r.q.peekU16(0), r.q.peekU16(2)]).toEqual([WIDTH, HEIGHT]);
      expect(s.server.state).toBe('normal');
      s.server.close();
    }
  });

  it('a wrong password: the failure reason is sent, nothing more is read, and the connection ends with TANDEM_ERR_UNAUTHORIZED', async () => {
    const s = serve({ password: PASSWORD });
    const r = reader(s.client);
    await r.need(12);
    r.q.skip(12);
    s.client.write(protocolVersion(8));
    await r.need(2);
    expect([...r.q.take(2)]).toEqual([1, SECURITY.vncAuth]);
    s.client.write(Uint8Array.of(SECURITY.vncAuth));
    await r.need(16);
    const challenge = r.q.take(16);
    // A wrong answer, and a second guess sent right behind it: the second is never read.
    s.client.write(vncResponse(challenge, 'wrong-pw'));
    s.client.write(vncResponse(challenge, PASSWORD));
    const error = await s.closed;
    expect(error).toMatchObject({ code: 'TANDEM_ERR_UNAUTHORIZED', message: 'rfb: wrong VNC password' });
    await r.need(4 + 4 + 21);
    expect(r.q.peekU32(0)).toBe(1);
    expect(Buffer.from(r.q.take(29).subarray(8)).toString('latin1')).toBe('Authentication failed');
    expect(log.took('auth', 'rejected') && log.took('rejected', 'closed')).toBe(true);
  });

  it('refuses a client that does not speak RFB, and a security type it did not offer, with TANDEM_ERR_PROTOCOL', async () => {
    const http = serve();
    http.client.write(Buffer.from('GET / HTTP/1.1\r\n', 'latin1'));
    expect(await http.closed).toMatchObject({ code: 'TANDEM_ERR_PROTOCOL' });

    const chooser = serve({ password: PASSWORD });
    const r = reader(chooser.client);
    chooser.client.write(protocolVersion(8));
    await r.need(14);
    chooser.client.write(Uint8Array.of(SECURITY.none));
    expect(await chooser.closed).toMatchObject({ code: 'TANDEM_ERR_PROTOCOL', message: expect.stringMatching(/chose security type 1, offered 2/) });
  });

  it('the client goes in any state of the handshake: a clean close, reported as such', async () => {
    // security: the version was read, the choice never comes.
    const a = serve();
    a.client.write(protocolVersion(8));
    await until(() => a.server.state === 'security', 'security');
    a.client.end();
    expect(await a.closed).toBeNull();
    // auth: the challenge was sent, the answer never comes.
    const b = serve({ password: PASSWORD });
    b.client.write(protocolVersion(8));
    await until(() => b.server.state === 'security', 'security');
    b.client.write(Uint8Array.of(SECURITY.vncAuth));
    await until(() => b.server.state === 'auth', 'auth');
    b.client.destroy();
    expect(await b.closed).toBeNull();
    // init: ClientInit never comes.
    const c = serve();
    c.client.write(protocolVersion(8));
    await until(() => c.server.state === 'security', 'security');
    c.client.write(Uint8Array.of(SECURITY.none));
    await until(() => c.server.state === 'init', 'init');
    c.client.end();
    expect(await c.closed).toBeNull();
  });

  it('in normal, a malformed message, a SetDesktopSize it did not allow, a channel error or the desktop going away end the connection with that error', async () => {
    const ready = async (): Promise<Served & { r: ReturnType<typeof reader> }> => {
      const s = serve();
      const r = reader(s.client);
      s.client.write(protocolVersion(8));
      await until(() => s.server.state === 'security', 'security');
      s.client.write(Uint8Array.of(SECURITY.none));
      await until(() => s.server.state === 'init', 'init');
      s.client.write(Uint8Array.of(1));
      await until(() => s.server.state === 'normal', 'normal');
      return { ...s, r };
    };
    const unknown = await ready();
    unknown.client.write(Uint8Array.of(77));
    expect(await unknown.closed).toMatchObject({ code: 'TANDEM_ERR_PROTOCOL', message: 'rfb: unknown client message type 77' });

    const resize = await ready();
    resize.client.write(encodeClientMessage({ type: 'SetDesktopSize', width: 64, height: 64, screens: [{ id: 1, x: 0, y: 0, w: 64, h: 64, flags: 0 }] }));
    expect(await resize.closed).toMatchObject({ code: 'TANDEM_ERR_PROTOCOL', message: expect.stringMatching(/SetDesktopSize without ExtendedDesktopSize/) });

    const broken = await ready();
    const clientErrors: Error[] = [];
    broken.client.on('error', (err) => clientErrors.push(err));
    broken.client.destroy(new Error('boom'));
    const brokenError = await broken.closed;
    expect(brokenError).toMatchObject({ code: 'TANDEM_ERR_PEER_LOST', message: 'rfb: channel error: read ECONNRESET' });
    expect(clientErrors.map((e) => e.message)).toEqual(['boom']);

    const gone = await ready();
    await gone.desktop.close();
    expect(await gone.closed).toMatchObject({ code: 'TANDEM_ERR_PEER_LOST', message: 'rfb: the desktop went away' });
    const failed = await ready();
    for (const l of failed.desktop.listeners) l.onClosed(new TandemError('TANDEM_ERR_INTERNAL', 'X server crashed'));
    expect(await failed.closed).toMatchObject({ code: 'TANDEM_ERR_INTERNAL', message: 'X server crashed' });
    // Input used before the end is released at the end.
    const typing = await ready();
    typing.client.write(encodeClientMessage({ type: 'KeyEvent', keysym: 0x41, down: true }));
    await until(() => typing.desktop.input.length === 1, 'the key');
    typing.server.fail(new TandemError('TANDEM_ERR_PEER_LOST', 'the session ended'));
    expect(await typing.closed).toMatchObject({ code: 'TANDEM_ERR_PEER_LOST' });
    expect(typing.desktop.releases).toBe(1);
    expect(NATIVE_FORMAT.bitsPerPixel).toBe(32);
  });

  it('took every transition of its table', () => {
    expect(log.untaken(RFB_SERVER_TRANSITIONS)).toEqual([]);
  });
});
