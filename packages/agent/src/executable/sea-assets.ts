/**
 * The parts the downloaded agent carries as its single executable
 * application's assets (Node's `node:sea`), written to the private folder at
 * start: a manifest (`tandem/manifest.json`, made by
 * scripts/build-agents.mjs) lists every file by its path in the folder, which
 * is also its asset key, keeping the layout the parts expect (sharp finds
 * libvips through its RPATH `$ORIGIN/../../sharp-libvips-…/lib`, the agent's
 * bundle finds sharp in `node_modules` and the page beside `dist/`).
 */
import { TandemError, assertObject, assertString } from '@tandem/protocol';
import type { PrivateFolder } from './private-folder.js';

/** The manifest's asset key. */
export const MANIFEST_KEY = 'tandem/manifest.json';

/** The assets API of `node:sea` that extraction needs. */
export interface SeaAssets {
  getRawAsset(key: string): string | ArrayBuffer;
}

/** An asset's bytes (node:sea hands out the executable's own memory: read, never written). */
function assetBytes(sea: SeaAssets, key: string): Uint8Array {
  const asset = sea.getRawAsset(key);
  return typeof asset === 'string' ? new TextEncoder().encode(asset) : new Uint8Array(asset);
}

/** The file paths the manifest lists. */
export function readManifest(sea: SeaAssets): string[] {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(assetBytes(sea, MANIFEST_KEY)));
  } catch (err) {
    throw new TandemError('TANDEM_ERR_AGENT_DAMAGED', `this Tandem file has no readable list of its parts (${(err as Error).message}); download it again`, { cause: err });
  }
  assertObject(value, 'manifest');
  const files = value.files;
  if (!Array.isArray(files)) throw new TandemError('TANDEM_ERR_AGENT_DAMAGED', 'this Tandem file lists no parts; download it again');
  return files.map((f: unknown, i) => {
    assertString(f, `manifest.files[${i}]`, 1024, 1);
    return f;
  });
}

/** Writes every listed asset into `folder`. */
export function extractAssets(sea: SeaAssets, folder: PrivateFolder): void {
  for (const path of readManifest(sea)) folder.write(path, assetBytes(sea, path));
}
