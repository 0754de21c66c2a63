import { describe, expect, it } from 'vitest';
import { cursorArgb } from './windows-cursor.js';

const px = (...v: number[]): Uint8Array => new Uint8Array(v);

describe('cursor images', () => {
  it('keeps a colour cursor\'s alpha channel', () => {
    expect([...cursorArgb(2, 1, px(10, 20, 30, 255, 0, 0, 0, 0), px(0, 0, 0, 0, 255, 255, 255, 0))]).toEqual([0xff1e140a, 0]);
  });

  it('takes a colour cursor without alpha from its AND mask', () => {
    expect([...cursorArgb(2, 1, px(10, 20, 30, 0, 1, 2, 3, 0), px(0, 0, 0, 0, 255, 255, 255, 0))]).toEqual([0xff1e140a, 0]);
  });

  it('draws a monochrome cursor from AND and XOR: black, white, transparent, inverted as black', () => {
    const and = [0, 0, 0, 0, 0, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0];
    const xor = [0, 0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 255, 0, 0, 0];
    expect([...cursorArgb(4, 1, null, px(...and, ...xor))]).toEqual([0xff000000, 0xffffffff, 0, 0xff000000]);
  });
});
