/** A small RFB client of its own for tests of RFB servers (the agent's engine, x11vnc, Xvnc) over TCP. */
import { connect, type Socket } from 'node:net';
import { ByteQueue, encodeClientMessage, vncResponse, type ClientMessage } from '@tandem/rfb';

/**
 * A minimal RFB 3.8 test client: VNC authentication, Raw encoding only, and
 * the DesktopSize pseudo-encoding; enough to drive input and watch updates.
 */
export class TestRfbClient {
  readonly socket: Socket;
  readonly q = new ByteQueue();
  #waiters: (() => void)[] = [];
  closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (c: Buffer) => { this.q.push(c); this.#wake(); });
    socket.on('close', () => { this.closed = true; this.#wake(); });
    socket.on('error', () => { this.closed = true; this.#wake(); });
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  static async connect(port: number): Promise<TestRfbClient> {
    const s = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => { s.once('connect', resolve); s.once('error', reject); });
    return new TestRfbClient(s);
  }

  /** Waits for `n` bytes (rejects after `ms` or on close). */
  async need(n: number, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.q.has(n)) {
      if (this.closed) throw new Error(`connection closed with ${this.q.length} of ${n} bytes`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} bytes`);
      await new Promise<void>((r) => { this.#waiters.push(r); setTimeout(r, 200); });
    }
  }

  /** Handshake; returns the SecurityResult (0 OK) and, when OK, the framebuffer size. */
  async handshake(password: string): Promise<{ result: number; width: number; height: number; reason: string }> {
    await this.need(12);
    this.q.skip(12);
    this.socket.write('RFB 003.008\n');
    await this.need(2);
    const n = this.q.peekU8(0);
    const types = this.q.take(1 + n).subarray(1);
    if (!types.includes(2)) throw new Error(`server offers security types ${[...types].join(', ')}, not VNC auth`);
    this.socket.write(Uint8Array.of(2));
    await this.need(16);
    this.socket.write(vncResponse(this.q.take(16), password));
    await this.need(4);
    const result = this.q.peekU32(0);
    this.q.skip(4);
    if (result !== 0) {
      await this.need(4);
      const len = this.q.peekU32(0);
      await this.need(4 + len);
      return { result, width: 0, height: 0, reason: Buffer.from(this.q.take(4 + len).subarray(4)).toString('latin1') };
    }
    this.socket.write(Uint8Array.of(1));
    await this.need(24);
    const width = this.q.peekU16(0), height = this.q.peekU16(2), nameLen = this.q.peekU32(20);
    await this.need(24 + nameLen);
    this.q.skip(24 + nameLen);
    return { result, width, height, reason: '' };
  }

  send(m: ClientMessage): void {
    this.socket.write(encodeClientMessage(m));
  }

  /** Reads one FramebufferUpdate; returns its rectangles' headers (Raw pixels, 4 bytes each, and Cursor shapes are skipped; DesktopSize has none). */
  async readUpdate(): Promise<{ x: number; y: number; w: number; h: number; encoding: number }[]> {
    await this.need(4);
    if (this.q.peekU8(0) !== 0) throw new Error(`expected FramebufferUpdate, got message type ${this.q.peekU8(0)}`);
    const count = this.q.peekU16(2);
    this.q.skip(4);
    const rects = [];
    for (let i = 0; i < count; i++) {
      await this.need(12);
      const r = { x: this.q.peekU16(0), y: this.q.peekU16(2), w: this.q.peekU16(4), h: this.q.peekU16(6), encoding: this.q.peekU32(8) | 0 };
      this.q.skip(12);
      if (r.encoding === 0) {
        await this.need(r.w * r.h * 4, 20_000);
        this.q.skip(r.w * r.h * 4);
      } else if (r.encoding === -239) {
        // Cursor pseudo-encoding (RFC 6143 §7.8.1): the pixels, then a bitmask of ceil(w / 8) bytes per row.
        const bytes = r.w * r.h * 4 + Math.ceil(r.w / 8) * r.h;
        await this.need(bytes);
        this.q.skip(bytes);
      } else if (r.encoding !== -223) throw new Error(`test client cannot read encoding ${r.encoding}`);
      rects.push(r);
    }
    return rects;
  }

  close(): void {
    this.socket.destroy();
  }
}
