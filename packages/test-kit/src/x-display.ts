/**
 * A real X desktop for screen tests: Xvfb on a display number it picks
 * itself, xterm (plain or with coloured backgrounds), the X server's own
 * screenshot (xwd) as packed RGB, images through ImageMagick, and a
 * per-pixel comparison. `npm test` installs the programs from Debian.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from './wait.js';

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
      const reported = /^(\d+)\n/.exec(out)?.[1];
      if (reported !== undefined) {
        clearTimeout(timer);
        resolve(reported);
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited (${code}) before reporting its display`));
    });
  });
  return { display: `:${n}`, stop: () => proc.kill() };
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

/** Packed RGB of an image file through ImageMagick (`xwd:` files, JPEG, PNG), optionally cropped. */
export function rgbOf(file: string, crop?: string): Buffer {
  const args = [file, ...(crop ? ['-crop', crop, '+repage'] : []), 'rgb:-'];
  const r = spawnSync('/usr/bin/convert', args, { maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`convert ${args.join(' ')}: ${r.stderr.toString()}`);
  return r.stdout;
}

/** Writes the X server's own screenshot of `display` (xwd -root) into `dir`; returns the file's path. */
export function xwdFile(display: string, dir: string): string {
  const file = join(dir, `root-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.xwd`);
  const r = spawnSync('/usr/bin/sh', ['-c', `xwd -root -silent > ${file}`], { env: { ...process.env, DISPLAY: display } });
  if (r.status !== 0) throw new Error(`xwd on ${display}: ${r.stderr.toString()}`);
  return file;
}

/** The X server's own screenshot (xwd -root) as packed RGB, optionally cropped (ImageMagick geometry). */
export function screenshot(display: string, dir: string, crop?: string): Buffer {
  return rgbOf(`xwd:${xwdFile(display, dir)}`, crop);
}

/** Largest per-channel difference and count of differing pixels between two packed RGB images, skipping `exclude`. */
export function diff(a: Buffer, b: Buffer, width: number, exclude?: { x: number; y: number; w: number; h: number }): { maxDelta: number; pixels: number } {
  if (a.length !== b.length) throw new Error(`image sizes differ: ${a.length} vs ${b.length} bytes`);
  let maxDelta = 0, pixels = 0;
  for (let i = 0; i < a.length; i += 3) {
    const p = i / 3, x = p % width, y = Math.floor(p / width);
    if (exclude && x >= exclude.x && x < exclude.x + exclude.w && y >= exclude.y && y < exclude.y + exclude.h) continue;
    // i + 2 < length: every index here is in bounds (the ?? only satisfies noUncheckedIndexedAccess).
    const d = Math.max(Math.abs((a[i] ?? 0) - (b[i] ?? 0)), Math.abs((a[i + 1] ?? 0) - (b[i + 1] ?? 0)), Math.abs((a[i + 2] ?? 0) - (b[i + 2] ?? 0)));
    if (d > 0) pixels++;
    if (d > maxDelta) maxDelta = d;
  }
  return { maxDelta, pixels };
}

/**
 * A display number in [from, to) that no X server uses (for servers that
 * cannot pick their own, such as Xtigervnc); tests give disjoint ranges.
 */
export function freeDisplay(from: number, to: number): number {
  for (let n = from; n < to; n++) if (!existsSync(`/tmp/.X11-unix/X${n}`) && !existsSync(`/tmp/.X${n}-lock`)) return n;
  throw new Error(`no free X display number in :${from}-:${to - 1}`);
}
