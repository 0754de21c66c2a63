import { describe, expect, it } from 'vitest';
import { codePointOf, splitVkKeyScan, virtualKeyOf } from './keysym-vk.js';

describe('keysyms as Windows keys', () => {
  it('maps non-character keysyms to virtual keys, extended where the key is', () => {
    expect(virtualKeyOf(0xff0d)).toEqual({ vk: 0x0d, extended: false }); // Return
    expect(virtualKeyOf(0xff8d)).toEqual({ vk: 0x0d, extended: true }); // KP_Enter
    expect(virtualKeyOf(0xff1b)).toEqual({ vk: 0x1b, extended: false }); // Escape
    expect(virtualKeyOf(0xff51)).toEqual({ vk: 0x25, extended: true }); // Left
    expect(virtualKeyOf(0xffbe)).toEqual({ vk: 0x70, extended: false }); // F1
    expect(virtualKeyOf(0xffd5)).toEqual({ vk: 0x87, extended: false }); // F24
    expect(virtualKeyOf(0xffb7)).toEqual({ vk: 0x67, extended: false }); // KP_7
    expect(virtualKeyOf(0xffea)).toEqual({ vk: 0xa5, extended: true }); // Alt_R
    expect(virtualKeyOf(0xfe03)).toEqual({ vk: 0xa5, extended: true }); // AltGr
  });

  it('has no virtual key for characters or unknown keysyms', () => {
    expect(virtualKeyOf(0x61)).toBeNull();
    expect(virtualKeyOf(0x01003042)).toBeNull();
    expect(virtualKeyOf(0xfd01)).toBeNull();
  });

  it('gives Latin-1 and Unicode keysyms their code points, nothing else', () => {
    expect(codePointOf(0x61)).toBe(0x61);
    expect(codePointOf(0x20)).toBe(0x20);
    expect(codePointOf(0xe9)).toBe(0xe9);
    expect(codePointOf(0x01003042)).toBe(0x3042);
    expect(codePointOf(0x0101f600)).toBe(0x1f600);
    expect(codePointOf(0x0100d800)).toBeNull(); // a lone surrogate
    expect(codePointOf(0x7f)).toBeNull();
    // Legacy keysyms, as X.Org's keysymdef.h defines them (and noVNC sends them).
    expect(codePointOf(0x6d6)).toBe(0x0436); // XK_Cyrillic_zhe
    expect(codePointOf(0x4b1)).toBe(0x30a2); // XK_kana_A
    expect(codePointOf(0x4a4)).toBe(0x3001); // XK_kana_comma
    expect(codePointOf(0x7e1)).toBe(0x03b1); // XK_Greek_alpha
    expect(codePointOf(0x1a3)).toBe(0x0141); // XK_Lstroke
    expect(codePointOf(0xce0)).toBe(0x05d0); // XK_hebrew_aleph
    expect(codePointOf(0x20ac)).toBe(0x20ac); // XK_EuroSign
    expect(codePointOf(0x4a0)).toBeNull(); // not assigned
    expect(codePointOf(0xff0d)).toBeNull();
  });

  it('splits VkKeyScanExW answers: key, Shift, Ctrl+Alt, none', () => {
    expect(splitVkKeyScan(0x0041)).toEqual({ vk: 0x41, state: { shift: false, ctrl: false, alt: false } });
    expect(splitVkKeyScan(0x0141)).toEqual({ vk: 0x41, state: { shift: true, ctrl: false, alt: false } });
    expect(splitVkKeyScan(0x0651)).toEqual({ vk: 0x51, state: { shift: false, ctrl: true, alt: true } });
    expect(splitVkKeyScan(-1)).toBeNull();
    expect(splitVkKeyScan(0x0841)).toBeNull(); // a layout's own shift state
  });
});
