import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ByteQueue, encodeClientMessage, vncResponse, type ClientMessage } from '@tandem/rfb';

/** Programs the RFB integration tests drive; `npm test` installs their Debian packages. */
export const RFB_TOOLS = ['/usr/bin/Xvfb', '/usr/bin/xterm', '/usr/bin/xwd', '/usr/bin/xrandr', '/usr/bin/vncsnapshot', '/usr/bin/vncviewer', '/usr/bin/convert'];

/** Fails with a clear message when a tool is missing: tests never skip silently. */
export function requireTools(): void {
  const missing = RFB_TOOLS.filter((p) => !existsSync(p));
  if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}: run \`npm test\`, which installs xvfb xterm x11-apps x11-xserver-utils vncsnapshot tigervnc-viewer imagemagick`);
}

/** An Xvfb on a free display number, killed by stop(). */
export interface Xvfb {
  display: string;
  stop(): void;
}

/**
 * Starts Xvfb on a display number it picks itself (`-displayfd`), so tests
 * running side by side never race for the same number.
 */
export async function startXvfb(geometry: string): Promise<Xvfb> {
  const proc = spawn('/usr/bin/Xvfb', ['-displayfd', '1', '-screen', '0', geometry, '-nolisten', 'tcp'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const n = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      proc.kill();
      reject(new Error('Xvfb did not report its display within 10 s'));
    }, 10_000);
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (d: string) => {
      out += d;
      const m = /^(\d+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited (${code}) before reporting its display`));
    });
  });
  return { display: `:${n}`, stop: () => proc.kill() };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Starts xterm at the top left of `display`, in `cwd`. */
export function startXterm(display: string, cwd: string): ChildProcess {
  return spawn('/usr/bin/xterm', ['-geometry', '80x24+0+0', '-e', '/bin/sh'], { cwd, env: { ...process.env, DISPLAY: display }, stdio: 'ignore' });
}

/**
 * Starts xterm at the top left of `display` with coloured text on it (ANSI
 * backgrounds in red, green, blue and their mixes, so a swapped channel shows)
 * and a directory listing, then a shell.
 */
export function startColourXterm(display: string, cwd: string): ChildProcess {
  const script = "printf '\\033[41m  red  \\033[42m green \\033[44m  blue \\033[43m yellow \\033[45m magenta \\033[46m cyan \\033[0m\\n'; ls -l /usr/bin | head -n 16; exec /bin/sh";
  return spawn('/usr/bin/xterm', ['-geometry', '80x24+0+0', '-e', '/bin/sh', '-c', script], { cwd, env: { ...process.env, DISPLAY: display }, stdio: 'ignore' });
}

/** xterm's ANSI red background (colour 1), as the X server's screenshot shows it. */
export const XTERM_RED: readonly [number, number, number] = [205, 0, 0];

/** Waits until the X server's screenshot of `display` holds a pixel of exactly `rgb` (the coloured xterm is up). */
export async function waitForColour(display: string, dir: string, rgb: readonly [number, number, number], ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const img = screenshot(display, dir);
    for (let i = 0; i < img.length; i += 3) if (img[i] === rgb[0] && img[i + 1] === rgb[1] && img[i + 2] === rgb[2]) return;
    if (Date.now() > deadline) throw new Error(`no pixel of colour ${rgb.join(',')} on ${display} within ${ms} ms`);
    await sleep(200);
  }
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tandem-rfb-'));
}

/** Packed RGB of an image file through ImageMagick (`xwd:` files, JPEG, PNG), optionally cropped. */
export function rgbOf(file: string, crop?: string): Buffer {
  const args = [file, ...(crop ? ['-crop', crop, '+repage'] : []), 'rgb:-'];
  const r = spawnSync('/usr/bin/convert', args, { maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`convert ${args.join(' ')}: ${r.stderr.toString()}`);
  return r.stdout;
}

/** The X server's own screenshot (xwd -root) as packed RGB. */
export function screenshot(display: string, dir: string): Buffer {
  const file = join(dir, `root-${Date.now()}.xwd`);
  const r = spawnSync('/usr/bin/sh', ['-c', `xwd -root -silent > ${file}`], { env: { ...process.env, DISPLAY: display } });
  if (r.status !== 0) throw new Error(`xwd: ${r.stderr.toString()}`);
  return rgbOf(`xwd:${file}`);
}

/** Largest per-channel difference and count of differing pixels between two packed RGB images, skipping `exclude`. */
export function diff(a: Buffer, b: Buffer, width: number, exclude?: { x: number; y: number; w: number; h: number }): { maxDelta: number; pixels: number } {
  if (a.length !== b.length) throw new Error(`image sizes differ: ${a.length} vs ${b.length} bytes`);
  let maxDelta = 0, pixels = 0;
  for (let i = 0; i < a.length; i += 3) {
    const p = i / 3, x = p % width, y = Math.floor(p / width);
    if (exclude && x >= exclude.x && x < exclude.x + exclude.w && y >= exclude.y && y < exclude.y + exclude.h) continue;
    const d = Math.max(Math.abs((a[i] as number) - (b[i] as number)), Math.abs((a[i + 1] as number) - (b[i + 1] as number)), Math.abs((a[i + 2] as number) - (b[i + 2] as number)));
    if (d > 0) pixels++;
    if (d > maxDelta) maxDelta = d;
  }
  return { maxDelta, pixels };
}

export function readFile(path: string): Buffer {
  return readFileSync(path);
}

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
    if (!types.includes(2)) throw new Error(`server offers security types ${[...types]}, not VNC auth`);
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

  /** Reads one FramebufferUpdate; returns its rectangles' headers (Raw pixels are skipped, 4 bytes each). */
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
      } else if (r.encoding !== -223) throw new Error(`test client cannot read encoding ${r.encoding}`);
      rects.push(r);
    }
    return rects;
  }

  close(): void {
    this.socket.destroy();
  }
}
