import { describe, expect, it } from 'vitest';
import { readParts } from './sea-assets.js';

/** The parts as the build writes them: length, manifest, bytes. */
function parts(files: { path: string; bytes: string }[], manifest?: unknown): Uint8Array {
  let offset = 0;
  const entries = files.map((f) => {
    const e = { path: f.path, offset, length: Buffer.byteLength(f.bytes) };
    offset += e.length;
    return e;
  });
  const json = Buffer.from(JSON.stringify(manifest ?? { files: entries }));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  return Buffer.concat([length, json, ...files.map((f) => Buffer.from(f.bytes))]);
}

describe('the parts asset', () => {
  it('reads every file at its offset', () => {
    const { files, data } = readParts(parts([{ path: 'agent/page/index.html', bytes: '<html>' }, { path: 'node_modules/sharp/package.json', bytes: '{}' }]));
    expect(files.map((f) => [f.path, Buffer.from(data.subarray(f.offset, f.offset + f.length)).toString()])).toEqual([
      ['agent/page/index.html', '<html>'],
      ['node_modules/sharp/package.json', '{}'],
    ]);
  });

  it('refuses a manifest that is cut short, unreadable, or points outside the asset', () => {
    expect(() => readParts(new Uint8Array(2))).toThrow(/TANDEM|parts are damaged/);
    const whole = parts([{ path: 'a', bytes: 'abc' }]);
    expect(() => readParts(whole.subarray(0, 10))).toThrow(/manifest is cut short/);
    expect(() => readParts(parts([], { nope: 1 }))).toThrow(/not readable/);
    expect(() => readParts(parts([{ path: 'a', bytes: 'abc' }], { files: [{ path: 'a', offset: 1, length: 3 }] }))).toThrow(/file 0/);
    expect(() => readParts(parts([], { files: [{ path: '', offset: 0, length: 0 }] }))).toThrow(/file 0/);
  });
});
