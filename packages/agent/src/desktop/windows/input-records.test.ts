import { describe, expect, it } from 'vitest';
import { INPUT_SIZE, KEY, MOUSE, encodeInputs, normalised } from './input-records.js';

describe('SendInput records', () => {
  it('lays out INPUT as x64 Windows does: type, padding, then MOUSEINPUT or KEYBDINPUT', () => {
    const b = encodeInputs([
      { kind: 'mouse', dx: 1000, dy: 2000, data: -120, flags: MOUSE.WHEEL },
      { kind: 'key', vk: 0x41, scan: 0x1e, flags: KEY.KEYUP },
    ]);
    expect(b.length).toBe(2 * INPUT_SIZE);
    expect(b.readUInt32LE(0)).toBe(0); // INPUT_MOUSE
    expect(b.readInt32LE(8)).toBe(1000);
    expect(b.readInt32LE(12)).toBe(2000);
    expect(b.readInt32LE(16)).toBe(-120);
    expect(b.readUInt32LE(20)).toBe(MOUSE.WHEEL);
    expect(b.readUInt32LE(40)).toBe(1); // INPUT_KEYBOARD
    expect(b.readUInt16LE(48)).toBe(0x41);
    expect(b.readUInt16LE(50)).toBe(0x1e);
    expect(b.readUInt32LE(52)).toBe(KEY.KEYUP);
    expect(b.subarray(56, 80).every((x) => x === 0)).toBe(true);
  });

  it('normalises a pixel to the centre of its span on 0..65535', () => {
    const size = 800;
    for (const p of [0, 1, 399, 798, 799]) {
      const n = normalised(p, size);
      expect(Math.floor((n * size) / 65536)).toBe(p);
    }
    expect(normalised(-5, size)).toBe(0);
    expect(normalised(5000, size)).toBe(65535);
    expect(normalised(0, 1)).toBe(0);
  });
});
