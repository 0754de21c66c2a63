// Makes Jazzer.js's prebuilt libFuzzer addon load on glibc 2.36 (Debian 12).
//
// @jazzer.js/fuzzer 4.0.0 ships one Linux x64 addon, built with GCC 13 against
// glibc 2.38, and its C++ sources are not in the npm package (a source build
// also downloads a patched LLVM, which cannot be fetched here). The addon asks
// for exactly three symbols that Debian 12 lacks:
//   __isoc23_strtol, __isoc23_strtoul (GLIBC_2.38): the C23 versions of
//     strtol/strtoul, which differ only in also parsing "0b" prefixes; libFuzzer
//     calls them with base 10 on its own flags;
//   std::ios_base_library_init() (GLIBCXX_3.4.32): a marker GCC 13's <iostream>
//     references so that libstdc++ initialises the standard streams; it is
//     never called (no relocation names it) and Node has already initialised them.
// This rewrites the addon's ELF dynamic symbol table so that the first two
// bind to strtol@GLIBC_2.2.5 and strtoul@GLIBC_2.2.5 (their names are the tails
// of the C23 names in .dynstr), marks the marker unversioned, and marks the two
// version needs weak (VER_FLG_WEAK: glibc then does not refuse to load).
// Nothing else changes. It is idempotent and does nothing where the addon
// already loads (a newer glibc, another platform).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';

const VER_FLG_WEAK = 0x2;
const VER_NDX_GLOBAL = 1;
const C23_PREFIX = '__isoc23_';
const C23_SYMBOLS = new Set(['__isoc23_strtol', '__isoc23_strtoul']);
const MARKER_SYMBOL = '_ZSt21ios_base_library_initv';
const WEAKENED_VERSIONS = new Set(['GLIBC_2.38', 'GLIBCXX_3.4.32']);

/** The path of the addon that @jazzer.js/fuzzer loads on this platform. */
export function jazzerAddonPath() {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@jazzer.js/fuzzer/package.json');
  return join(dirname(pkg), 'prebuilds', `fuzzer-${process.platform}-${process.arch}.node`);
}

/** Tries to load the addon in a child process; returns its error text, or null when it loads. */
function loadError(addon) {
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(addon)})`], { encoding: 'utf8' });
  return r.status === 0 ? null : `${r.stderr}`.trim();
}

/** Rewrites the addon in place as described above; returns what it changed. */
function patchElf(file) {
  const b = readFileSync(file);
  if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2 || b[5] !== 1) throw new Error(`${file}: not a little-endian ELF64 file`);
  const shoff = Number(b.readBigUInt64LE(0x28));
  const shentsize = b.readUInt16LE(0x3a);
  const shnum = b.readUInt16LE(0x3c);
  const shstrndx = b.readUInt16LE(0x3e);
  const section = (i) => {
    const o = shoff + i * shentsize;
    return { name: b.readUInt32LE(o), off: Number(b.readBigUInt64LE(o + 0x18)), size: Number(b.readBigUInt64LE(o + 0x20)) };
  };
  const cstr = (off) => b.toString('latin1', off, b.indexOf(0, off));
  const names = section(shstrndx);
  const sections = new Map();
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    sections.set(cstr(names.off + s.name), s);
  }
  const need = (n) => {
    const s = sections.get(n);
    if (!s) throw new Error(`${file}: no ${n} section`);
    return s;
  };
  const dynsym = need('.dynsym'), dynstr = need('.dynstr'), versym = need('.gnu.version'), verneed = need('.gnu.version_r');
  const changes = [];
  // Version needs (Elf64_Verneed / Elf64_Vernaux): find libc's GLIBC_2.2.5 index; weaken the two missing versions.
  let libcBase = -1;
  for (let o = verneed.off; ;) {
    const cnt = b.readUInt16LE(o + 2), lib = cstr(dynstr.off + b.readUInt32LE(o + 4)), next = b.readUInt32LE(o + 12);
    for (let a = o + b.readUInt32LE(o + 8), k = 0; k < cnt; k++) {
      const flags = b.readUInt16LE(a + 4), index = b.readUInt16LE(a + 6), version = cstr(dynstr.off + b.readUInt32LE(a + 8));
      if (lib === 'libc.so.6' && version === 'GLIBC_2.2.5') libcBase = index;
      if (WEAKENED_VERSIONS.has(version) && (flags & VER_FLG_WEAK) === 0) {
        b.writeUInt16LE(flags | VER_FLG_WEAK, a + 4);
        changes.push(`version need ${version} of ${lib} marked weak`);
      }
      const step = b.readUInt32LE(a + 12);
      if (step === 0) break;
      a += step;
    }
    if (next === 0) break;
    o += next;
  }
  if (libcBase < 0) throw new Error(`${file}: no GLIBC_2.2.5 version need on libc.so.6`);
  for (let i = 0; i < dynsym.size / 24; i++) {
    const at = dynsym.off + i * 24;
    const nameOff = b.readUInt32LE(at);
    const name = cstr(dynstr.off + nameOff);
    if (C23_SYMBOLS.has(name)) {
      b.writeUInt32LE(nameOff + C23_PREFIX.length, at);
      b.writeUInt16LE(libcBase, versym.off + i * 2);
      changes.push(`${name} bound to ${name.slice(C23_PREFIX.length)}@GLIBC_2.2.5`);
    } else if (name === MARKER_SYMBOL && b.readUInt16LE(versym.off + i * 2) !== VER_NDX_GLOBAL) {
      b.writeUInt16LE(VER_NDX_GLOBAL, versym.off + i * 2);
      changes.push(`${name} made unversioned`);
    }
  }
  writeFileSync(file, b);
  return changes;
}

/**
 * Ensures the Jazzer.js addon loads here, patching it when (and only when)
 * it fails for the glibc 2.38 / GLIBCXX_3.4.32 symbols above.
 * @returns the changes made (empty when none were needed)
 */
export function ensureJazzerLoads() {
  const addon = jazzerAddonPath();
  const before = loadError(addon);
  if (before === null) return [];
  if (process.platform !== 'linux' || process.arch !== 'x64' || !/GLIBC_2\.38|GLIBCXX_3\.4\.32/.test(before)) {
    throw new Error(`the Jazzer.js addon does not load here:\n${before}`);
  }
  const changes = patchElf(addon);
  const after = loadError(addon);
  if (after !== null) throw new Error(`the Jazzer.js addon still does not load after the glibc compatibility patch:\n${after}`);
  return changes;
}
