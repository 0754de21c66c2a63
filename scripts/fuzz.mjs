#!/usr/bin/env node
// Coverage-guided fuzzing of every parser that reads bytes from the other side
// or from a file (docs/security.md, "Fuzzing every parser"): Jazzer.js (libFuzzer) runs each
// target `packages/<package>/fuzz/<name>.fuzz.ts` in turn, starting from its
// committed corpus `packages/<package>/fuzz/corpus/<name>/` and exploring from
// a fixed seed. A crash, hang, failed invariant or memory blow-up fails the run
// and leaves the input in the work folder printed, to be committed to the
// corpus with its fix.
//
//   npm run fuzz                      every target for the default time each
//   npm run fuzz -- --seconds 3       the short run the test suite does
//   npm run fuzz -- --only gatekeeper,rfb-client
//   npm run fuzz -- --write-seeds     (re)writes each target's seed inputs into its corpus
//   npm run fuzz -- --minimise        after the run, replaces each corpus by a minimal
//                                     one covering the same (libFuzzer -merge=1)
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureJazzerLoads } from './jazzer-glibc-compat.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const BUILD = join(ROOT, '.fuzz-build');
/** Seconds per target of a default run: one run executes over 10 million inputs in total on a 2-core machine (measured in docs/security.md, "Fuzzing every parser"). */
const DEFAULT_SECONDS = 120;
const JAZZER = join(ROOT, 'node_modules', '@jazzer.js', 'core', 'dist', 'cli.js');

function usage(message) {
  console.error(`fuzz: ${message}\nusage: node scripts/fuzz.mjs [--seconds N] [--only NAME[,NAME...]] [--seed N] [--write-seeds] [--minimise]`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { seconds: DEFAULT_SECONDS, only: null, seed: 1, writeSeeds: false, minimise: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === '--seconds') {
      opts.seconds = Number(value());
      if (!Number.isInteger(opts.seconds) || opts.seconds < 1) usage('--seconds must be a whole number of at least 1');
    } else if (a === '--only') opts.only = new Set(value().split(','));
    else if (a === '--seed') {
      opts.seed = Number(value());
      if (!Number.isInteger(opts.seed) || opts.seed < 1) usage('--seed must be a positive whole number');
    } else if (a === '--write-seeds') opts.writeSeeds = true;
    else if (a === '--minimise') opts.minimise = true;
    else usage(`unknown argument ${a}`);
  }
  return opts;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`fuzz: ${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

/** Every target: packages/<package>/fuzz/<name>.fuzz.ts. */
function findTargets() {
  const targets = [];
  for (const pkg of readdirSync(join(ROOT, 'packages')).sort()) {
    const dir = join(ROOT, 'packages', pkg, 'fuzz');
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith('.fuzz.ts')) continue;
      const name = file.slice(0, -'.fuzz.ts'.length);
      targets.push({
        name,
        pkg,
        compiled: join(BUILD, 'packages', pkg, 'fuzz', `${name}.fuzz.js`),
        corpus: join(dir, 'corpus', name),
      });
    }
  }
  return targets;
}

/** A target's options (`fuzzOptions`) and seed generator (`seeds`), from its compiled module. */
async function loadTarget(t) {
  const mod = await import(pathToFileURL(t.compiled).href);
  if (typeof mod.fuzz !== 'function' || typeof mod.fuzzOptions !== 'object' || typeof mod.seeds !== 'function') {
    throw new Error(`${t.compiled}: a target exports fuzz, fuzzOptions and seeds`);
  }
  return mod;
}

function corpusFiles(dir) {
  return existsSync(dir) ? readdirSync(dir).filter((f) => !f.startsWith('.')) : [];
}

async function writeSeeds(t, mod) {
  mkdirSync(t.corpus, { recursive: true });
  const seeds = await mod.seeds();
  for (const s of seeds) writeFileSync(join(t.corpus, createHash('sha1').update(s).digest('hex')), s);
  console.log(`fuzz: ${t.name}: ${seeds.length} seed inputs written to ${relative(ROOT, t.corpus)}`);
}

/** Runs Jazzer.js with `args`; resolves with its exit code and output (also shown as it comes). */
function jazzer(args, { quiet }) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [JAZZER, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const take = (d) => {
      const s = d.toString();
      out += s;
      if (!quiet) process.stderr.write(s);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('close', (code, signal) => resolve({ code: code ?? 128, signal, out }));
  });
}

function jazzerArgs(t, mod, corpora, libFuzzerArgs) {
  const o = mod.fuzzOptions;
  // An optional libFuzzer dictionary beside the target: tokens of its format.
  const dict = join(dirname(t.corpus), '..', `${t.name}.dict`);
  return [
    t.compiled,
    ...corpora,
    // Instrument the code under test (compiled sources and the protocol package's build), not the harness.
    '--includes', 'packages/',
    '--excludes', 'node_modules', '--excludes', '.fuzz.js',
    '--timeout', String(o.timeoutMs ?? 10_000),
    ...(o.sync ? ['--sync'] : []),
    // Prototype pollution and the other detectors watch for injected commands and paths, which no parser here runs.
    '--disableBugDetectors', '.*',
    '--',
    `-max_len=${o.maxLen}`,
    `-rss_limit_mb=${o.rssLimitMb ?? 2048}`,
    '-print_final_stats=1',
    ...(existsSync(dict) ? [`-dict=${dict}`] : []),
    ...libFuzzerArgs,
  ];
}

async function fuzzOne(t, mod, opts, work) {
  const found = join(work, 'found');
  const artifacts = join(work, 'artifacts');
  mkdirSync(found, { recursive: true });
  mkdirSync(artifacts, { recursive: true });
  // New inputs go to the first folder (a scratch one); the committed corpus is only read.
  const args = jazzerArgs(t, mod, [found, t.corpus], [`-seed=${opts.seed}`, `-max_total_time=${opts.seconds}`, `-artifact_prefix=${artifacts}/`]);
  const started = Date.now();
  const r = await jazzer(args, { quiet: true });
  const seconds = (Date.now() - started) / 1000;
  writeFileSync(join(work, 'output.txt'), r.out);
  const stat = (name) => {
    // libFuzzer may print its final stats more than once; the last are the run's.
    const all = [...r.out.matchAll(new RegExp(`stat::${name}:\\s*(\\d+)`, 'g'))];
    return all.length > 0 ? Number(all[all.length - 1][1]) : null;
  };
  // Failing that (an async target's output can end before the stats), its last status line: "#N DONE cov: ... exec/s: R".
  const status = [...r.out.matchAll(/^#(\d+)\s+\w+\s+cov:.*?exec\/s: (\d+)/gm)].pop();
  const execs = stat('number_of_executed_units') ?? (status ? Number(status[1]) : 0);
  const rate = stat('average_exec_per_sec') ?? (status ? Number(status[2]) : 0);
  const crashes = corpusFiles(artifacts).map((f) => join(artifacts, f));
  const ok = r.code === 0 && crashes.length === 0;
  const counted = stat('number_of_executed_units') !== null || status !== undefined;
  if (ok && !counted) console.error(`fuzz: ${t.name}: libFuzzer printed no count of inputs; its output is in ${join(work, 'output.txt')}`);
  if (!ok) {
    console.error(`\nfuzz: ${t.name} FAILED (exit ${r.code}${r.signal ? `, ${r.signal}` : ''}); its output ends:\n${r.out.split('\n').slice(-60).join('\n')}`);
    for (const c of crashes) console.error(`fuzz: ${t.name}: failing input kept at ${c}`);
  }
  if (ok && opts.minimise) await minimise(t, mod, [t.corpus, found], work);
  return { ok, counted, execs, rate, seconds, corpus: corpusFiles(t.corpus).length };
}

/** Replaces the committed corpus by a minimal set with the same coverage (libFuzzer -merge=1). */
async function minimise(t, mod, sources, work) {
  const merged = join(work, 'merged');
  mkdirSync(merged, { recursive: true });
  // Set-cover merge: the fewest inputs that keep every feature (smaller than -merge=1's).
  const r = await jazzer(jazzerArgs(t, mod, [merged, ...sources], ['-merge=1', '-set_cover_merge=1']), { quiet: true });
  if (r.code !== 0) {
    console.error(`fuzz: ${t.name}: merge failed (exit ${r.code}); corpus left as it was\n${r.out.split('\n').slice(-30).join('\n')}`);
    return;
  }
  // Inputs that once failed stay, whatever they cover: they are the regression inputs of fixed bugs.
  for (const f of corpusFiles(t.corpus)) if (f.startsWith('crash-')) copyFileSync(join(t.corpus, f), join(merged, f));
  const old = `${t.corpus}.old`;
  renameSync(t.corpus, old);
  renameSync(merged, t.corpus);
  rmSync(old, { recursive: true, force: true });
  console.log(`fuzz: ${t.name}: corpus minimised to ${corpusFiles(t.corpus).length} inputs`);
}

const opts = parseArgs(process.argv.slice(2));
// Each target imports its own package's TypeScript sources and other packages' builds by name.
run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'packages/protocol', 'packages/rfb', 'packages/node-client', 'packages/agent', 'packages/tech']);
rmSync(BUILD, { recursive: true, force: true });
run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.fuzz.json']);
for (const change of ensureJazzerLoads()) console.log(`fuzz: Jazzer.js addon: ${change}`);

const targets = findTargets().filter((t) => opts.only === null || opts.only.has(t.name));
if (opts.only !== null && targets.length !== opts.only.size) usage(`no target named ${[...opts.only].filter((n) => !targets.some((t) => t.name === n)).join(', ')}`);
const work = mkdtempSync(join(tmpdir(), 'tandem-fuzz-'));
const results = [];
for (const t of targets) {
  const mod = await loadTarget(t);
  if (opts.writeSeeds) await writeSeeds(t, mod);
  const r = await fuzzOne(t, mod, opts, join(work, t.name));
  results.push({ t, ...r });
  console.log(`fuzz: ${t.pkg}/${t.name}: ${r.ok ? 'ok' : 'FAILED'}, ${r.execs} inputs in ${r.seconds.toFixed(1)} s, ${r.rate} exec/s, corpus ${r.corpus}`);
}

const pad = (s, n) => String(s).padEnd(n);
const num = (n) => String(n).padStart(12);
console.log(`\n${pad('target', 34)}${num('inputs')}${num('exec/s')}${num('corpus')}  result`);
for (const r of results) console.log(`${pad(`${r.t.pkg}/${r.t.name}`, 34)}${num(r.execs)}${num(r.rate)}${num(r.corpus)}  ${r.ok ? 'ok' : 'FAILED'}`);
const total = results.reduce((n, r) => n + r.execs, 0);
const seconds = results.reduce((n, r) => n + r.seconds, 0);
console.log(`${pad('total', 34)}${num(total)}${num(Math.round(total / seconds))}${num(results.reduce((n, r) => n + r.corpus, 0))}  ${seconds.toFixed(0)} s`);
const failed = results.filter((r) => !r.ok);
if (failed.length > 0) {
  console.error(`fuzz: ${failed.length} target(s) failed: ${failed.map((r) => r.t.name).join(', ')}; inputs kept under ${work}`);
  process.exit(1);
}
if (results.every((r) => r.counted)) rmSync(work, { recursive: true, force: true });
console.log(`fuzz: ${results.length} passed, 0 failed`);
