import { describe, it, expect } from 'vitest';
import { KeyboardMap, isCharacterKeysym } from './keyboard-map.js';

// A slice of a US layout with AltGr, as GetKeyboardMapping returns it (min keycode 8).
function usMap(): KeyboardMap {
  const rows: number[][] = Array.from({ length: 20 }, () => [0, 0, 0, 0, 0, 0]);
  rows[10 - 8] = [0x31, 0x21, 0x31, 0x21, 0xb9, 0xa1]; // 1 ! 1 ! ¹ ¡
  rows[26 - 8] = [0x65, 0x45, 0x65, 0x45, 0x20ac, 0xa2]; // e E e E € ¢  (keycode 26 is outside rows: ignored)
  rows[12 - 8] = [0x61, 0x41, 0x61, 0x41, 0xe6, 0xc6]; // a A a A æ Æ
  rows[14 - 8] = [0xffe1, 0, 0xffe1, 0, 0, 0]; // Shift_L
  rows[15 - 8] = [0xfe03, 0, 0xfe03, 0, 0, 0]; // ISO_Level3_Shift
  const mods = [[14, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [15, 0]];
  return new KeyboardMap(8, rows, mods);
}

describe('KeyboardMap', () => {
  it('finds keysyms at the plainest level', () => {
    const m = usMap();
    expect(m.find(0x61)).toEqual({ keycode: 12, level: 0 });
    expect(m.find(0x41)).toEqual({ keycode: 12, level: 1 });
    expect(m.find(0x21)).toEqual({ keycode: 10, level: 1 });
    expect(m.find(0xe6)).toEqual({ keycode: 12, level: 4 });
    expect(m.find(0xc6)).toEqual({ keycode: 12, level: 5 });
    expect(m.find(0x263a)).toBeNull();
    expect(m.find(0)).toBeNull();
  });

  it('knows Shift, AltGr and spare keycodes, and records remaps', () => {
    const m = usMap();
    expect(m.shiftKeycodes()).toEqual([14]);
    expect(m.level3Keycodes()).toEqual([15]);
    const spare = m.spareKeycodes();
    expect(spare).toContain(8);
    expect(spare).not.toContain(12);
    m.setRow(8, m.rowFor(0x1000263a));
    expect(m.find(0x1000263a)).toEqual({ keycode: 8, level: 0 });
    expect(m.spareKeycodes()).not.toContain(8);
  });

  it('tells character keysyms from function keys', () => {
    expect(isCharacterKeysym(0x61)).toBe(true);
    expect(isCharacterKeysym(0x100263a)).toBe(true);
    expect(isCharacterKeysym(0xff09)).toBe(false); // Tab
    expect(isCharacterKeysym(0xffe1)).toBe(false); // Shift_L
  });
});
