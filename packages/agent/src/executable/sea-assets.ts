/**
 * The parts the downloaded agent carries (sharp and libvips, the page's
 * files and i18next, the agent's code) as one asset of its single
 * executable application (`node:sea`), `tandem/parts`, written to the
 * private folder at start. Its layout (made by scripts/build-agents.mjs,
 * docs/agent-file.md): a 4-byte little-endian length, a JSON manifest
 * `{ "files": [{ "path", "offset", "length" }] }`, then the files' bytes,
 * each at its offset after the manifest. The paths keep the layout the parts
 * expect: sharp finds libvips through its RPATH
 * `$ORIGIN/../../sharp-libvips-…/lib`, the agent's bundle finds sharp in
 * `node_modules` and the page beside `dist/`.
 *
 * One asset rather than one per file, so that Node's start only skips over
 * it: a download cut short inside it still starts far enough for the
 * integrity check to refuse it with a clear message.
 */
import { TandemError } from '@tandem/protocol';
import type { PrivateFolder } from './private-folder.js';

/** The asset's key. */
export const PARTS_KEY = 'tandem/parts';

/** The assets API of `node:sea` that extraction needs. */
export interface SeaAssets {
  getRawAsset(key: string): string | ArrayBuffer;
}

/** One file of the parts. */
export interface PartFile {
  path: string;
  offset: number;
  length: number;
}

const damaged = (what: string): TandemError => new TandemError('TANDEM_ERR_AGENT_DAMAGED', `this Tandem file's parts are damaged (${what}); download it again`);

/** Reads the parts' manifest; every file lies within the asset. */
export function readParts(parts: Uint8Array): { files: PartFile[]; data: Uint8Array } {
  if (parts.length < 4) throw damaged('no manifest');
  const length = new DataView(parts.buffer, parts.byteOffset, parts.length).getUint32(0, true);
  if (4 + length > parts.length) throw damaged('the manifest is cut short');
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(parts.subarray(4, 4 + length)));
  } catch {
    // Not JSON: the check below reports it as the damage it is.
    value = undefined;
  }
  const files = typeof value === 'object' && value !== null ? (value as { files?: unknown }).files : undefined;
  if (!Array.isArray(files)) throw damaged('the manifest is not readable');
  const data = parts.subarray(4 + length);
  return {
    data,
    files: files.map((f: unknown, i): PartFile => {
      const entry = typeof f === 'object' && f !== null ? (f as Record<string, unknown>) : {};
      const { path, offset, length: size } = entry;
      if (typeof path !== 'string' || path === '' || typeof offset !== 'number' || typeof size !== 'number' || !Number.isInteger(offset) || !Number.isInteger(size) || offset < 0 || size < 0 || offset + size > data.length) {
        throw damaged(`file ${i} of the manifest`);
      }
      return { path, offset, length: size };
    }),
  };
}

/** Writes every part into `folder`. */
export function extractParts(sea: SeaAssets, folder: PrivateFolder): void {
  const asset = sea.getRawAsset(PARTS_KEY);
  // node:sea hands out the executable's own memory: it is only read.
  const bytes = typeof asset === 'string' ? new TextEncoder().encode(asset) : new Uint8Array(asset);
  const { files, data } = readParts(bytes);
  for (const file of files) folder.write(file.path, data.subarray(file.offset, file.offset + file.length));
}
