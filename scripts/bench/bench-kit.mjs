// What the benchmarks share: the section of docs/benchmarks.md each writes,
// a child's output waited for, an Xvfb on a free display number, a process's
// CPU seconds, and the client's encoding names.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
/** Resolves after `ms`. */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The first match of `re` in what `child` wrote on `stream` so far (all of it, across pieces), or an error after `timeoutMs`. */
export function waitLine(child, re, stream = 'stdout', timeoutMs = 30_000) {
  return new Promise((res, rej) => {
    let buf = '';
    const timer = setTimeout(() => rej(new Error(`timeout waiting for ${re}; got: ${buf}`)), timeoutMs);
    child[stream].setEncoding('utf8');
    child[stream].on('data', (d) => {
      buf += d;
      const m = buf.match(re);
      if (m) {
        clearTimeout(timer);
        res(m);
      }
    });
  });
}

/** Replaces the section under `heading` (up to the next "## ") of docs/benchmarks.md with `text`, or appends it. */
export function writeSection(heading, text) {
  const docPath = join(ROOT, 'docs/benchmarks.md');
  let doc = readFileSync(docPath, 'utf8');
  const start = doc.indexOf(heading);
  if (start >= 0) {
    const next = doc.indexOf('\n## ', start + 3);
    doc = doc.slice(0, start) + text + (next >= 0 ? '\n' + doc.slice(next + 1) : '');
  } else doc = doc.trimEnd() + '\n\n' + text;
  writeFileSync(docPath, doc);
}

/** An Xvfb of `geometry` on the first free display number in [from, to) (as startXvfb in packages/test-kit/src/x-display.ts picks one). */
export async function startXvfb(geometry, from, to) {
  for (let n = from; n < to; n++) {
    if (existsSync(`/tmp/.X11-unix/X${n}`) || existsSync(`/tmp/.X${n}-lock`)) continue;
    const proc = spawn('/usr/bin/Xvfb', [`:${n}`, '-screen', '0', geometry, '-nolisten', 'tcp'], { stdio: 'ignore' });
    for (let i = 0; i < 50; i++) {
      if (existsSync(`/tmp/.X11-unix/X${n}`)) return { display: `:${n}`, proc };
      if (proc.exitCode !== null) break;
      await sleep(100);
    }
    proc.kill();
  }
  throw new Error(`no free X display number in :${from}-:${to - 1}`);
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim()) || 100;

/** utime + stime of a process, in seconds (/proc/PID/stat fields 14 and 15, after the parenthesised name). */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

/** The number of an encoding as the configurations name it ("Tight", "compress 6", …), from rfb-count-client's ENC. */
export function encodingNumber(ENC, e) {
  if (e === 'Tight' || e === 'ZRLE' || e === 'CopyRect' || e === 'LastRect' || e === 'DesktopSize') return ENC[e];
  const level = Number(e.split(' ')[1]);
  return e.startsWith('compress') ? ENC.compressLevel(level) : ENC.qualityLevel(level);
}
