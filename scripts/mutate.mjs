#!/usr/bin/env node
// Mutation testing of the security-critical modules (docs/security.md,
// "Mutation testing"): StrykerJS changes one thing at a time in a module's
// code (a condition, an operator, a constant, a removed call...) and runs the
// module's own unit tests against each change; a change no test notices is a
// surviving mutant. Each module runs on its own, with only the unit tests that
// cover it, on two cores at most, and incrementally: a second run re-tests
// only the mutants whose code or tests changed (state in reports/mutation/).
//
//   npm run mutate                          every module, in the order below
//   npm run mutate -- record-layer cpace    the modules named
//   npm run mutate -- --full gatekeeper     ignores the incremental state
//
// Not part of `npm test`: a full run takes tens of minutes (runtimes per module
// in docs/security.md). HTML and JSON reports go to reports/mutation/<module>.*.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MUTATION_MODULES } from './mutate-modules.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const REPORTS = join(ROOT, 'reports', 'mutation');

function usage(message) {
  console.error(`mutate: ${message}\nusage: node scripts/mutate.mjs [--full] [--concurrency N] [MODULE...]\nmodules: ${Object.keys(MUTATION_MODULES).join(', ')}`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { modules: [], full: false, concurrency: 2 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--full') opts.full = true;
    else if (a === '--concurrency') {
      opts.concurrency = Number(argv[++i]);
      if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1) usage('--concurrency must be a whole number of at least 1');
    } else if (a.startsWith('-')) usage(`unknown argument ${a}`);
    else if (!Object.hasOwn(MUTATION_MODULES, a)) usage(`unknown module ${a}`);
    else opts.modules.push(a);
  }
  if (opts.modules.length === 0) opts.modules = Object.keys(MUTATION_MODULES);
  return opts;
}

/** Stryker's options for one module. */
function strykerOptions(name, module, opts) {
  return {
    packageManager: 'npm',
    testRunner: 'vitest',
    vitest: { configFile: 'scripts/vitest-mutate.config.mjs', related: false },
    checkers: ['typescript'],
    tsconfigFile: module.tsconfig,
    // Each mutant runs only the tests that reached its code in the dry run.
    coverageAnalysis: 'perTest',
    mutate: module.mutate,
    testFiles: module.tests,
    concurrency: opts.concurrency,
    incremental: !opts.full,
    incrementalFile: join(REPORTS, `${name}.incremental.json`),
    tempDirName: '.stryker-tmp',
    // The built agents (over 200 MB) are not needed by unit tests; everything else is copied into the sandbox.
    ignorePatterns: ['packages/agent/dist/agents', 'reports', '.tandem-test', '.fuzz-build', 'test-results'],
    reporters: ['progress', 'html', 'json'],
    htmlReporter: { fileName: join(REPORTS, `${name}.html`) },
    jsonReporter: { fileName: join(REPORTS, `${name}.json`) },
    thresholds: { high: 90, low: 90, break: null },
    cleanTempDir: 'always',
  };
}

/** Counts by status, and the score as Stryker defines it: detected / (detected + undetected). */
function summarise(results) {
  const count = (status) => results.filter((r) => r.status === status).length;
  const killed = count('Killed');
  const timeout = count('Timeout');
  const survived = count('Survived');
  const noCoverage = count('NoCoverage');
  const invalid = count('CompileError') + count('RuntimeError');
  // Mutants of module-level constants, evaluated once at import: the vitest runner does not re-import
  // them per mutant, so they survive whatever the tests (docs/security.md checks them by hand).
  const staticSurvivors = results.filter((r) => r.static && r.status === 'Survived').length;
  const detected = killed + timeout;
  const undetected = survived + noCoverage;
  const score = detected + undetected === 0 ? 100 : (100 * detected) / (detected + undetected);
  return { mutants: detected + undetected, killed, timeout, survived, noCoverage, invalid, staticSurvivors, score };
}

/** One line per surviving mutant: where, which mutator, the original code and what it became. */
function describeSurvivor(r) {
  const { start, end } = r.location;
  const lines = readFileSync(r.fileName, 'utf8').split('\n');
  const first = lines[start.line - 1] ?? '';
  const original = start.line === end.line ? first.slice(start.column - 1, end.column - 1) : `${first.slice(start.column - 1)} …`;
  // Lines and columns are 1-based (mutation-testing-report-schema).
  const at = `${relative(ROOT, r.fileName)}:${start.line}:${start.column}`;
  const clip = (text) => (text.length > 100 ? `${text.slice(0, 100)}…` : text);
  return `  ${r.status === 'NoCoverage' ? 'no coverage' : 'survived'}${r.static ? ' (static)' : ''} ${at} ${r.mutatorName}: ${clip(original)} → ${clip(r.replacement ?? '')}`;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  // Two shared cores: mutation testing yields to everything else.
  setPriority(10);
  mkdirSync(REPORTS, { recursive: true });
  const { Stryker } = await import('@stryker-mutator/core');
  const rows = [];
  for (const name of opts.modules) {
    const module = MUTATION_MODULES[name];
    console.log(`mutate: ${name}: ${module.mutate.join(' ')} against ${module.tests.join(' ')}`);
    const started = Date.now();
    const results = await new Stryker(strykerOptions(name, module, opts)).runMutationTest();
    const seconds = Math.round((Date.now() - started) / 1000);
    const summary = { name, ...summarise(results), seconds };
    rows.push(summary);
    const survivors = results.filter((r) => r.status === 'Survived' || r.status === 'NoCoverage');
    writeFileSync(join(REPORTS, `${name}.survivors.txt`), survivors.map(describeSurvivor).join('\n') + '\n');
    console.log(`mutate: ${name}: ${summary.score.toFixed(2)}% (${summary.killed} killed, ${summary.timeout} timeout, ${summary.survived} survived, ${summary.noCoverage} no coverage) in ${seconds} s`);
    for (const r of survivors) console.log(describeSurvivor(r));
  }
  console.log('\n| module | mutants | killed | survived | timeout | no coverage | score | runtime | not compiled | of the survivors, static |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(`| ${r.name} | ${r.mutants} | ${r.killed} | ${r.survived} | ${r.timeout} | ${r.noCoverage} | ${r.score.toFixed(2)}% | ${r.seconds} s | ${r.invalid} | ${r.staticSurvivors} |`);
  }
  const below = rows.filter((r) => r.score < 90);
  if (below.length > 0) {
    console.error(`mutate: below 90%: ${below.map((r) => r.name).join(', ')}`);
    process.exit(1);
  }
}

await main();
