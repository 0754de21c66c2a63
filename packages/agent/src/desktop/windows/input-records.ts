/**
 * SendInput's INPUT records as bytes (MSDN: INPUT, MOUSEINPUT, KEYBDINPUT),
 * for x64: a DWORD type, 4 bytes of padding, then the union, 40 bytes in
 * all. Built here rather than through a koffi union so that one call can
 * carry a whole RFB event (a pointer move with its button changes, a key
 * with the modifiers it needs) and the layout is checked by a unit test.
 */

/** sizeof(INPUT) on x64. */
export const INPUT_SIZE = 40;

const INPUT_MOUSE = 0, INPUT_KEYBOARD = 1;

/** MOUSEINPUT.dwFlags. */
export const MOUSE = {
  MOVE: 0x0001,
  LEFTDOWN: 0x0002,
  LEFTUP: 0x0004,
  RIGHTDOWN: 0x0008,
  RIGHTUP: 0x0010,
  MIDDLEDOWN: 0x0020,
  MIDDLEUP: 0x0040,
  XDOWN: 0x0080,
  XUP: 0x0100,
  WHEEL: 0x0800,
  HWHEEL: 0x1000,
  VIRTUALDESK: 0x4000,
  ABSOLUTE: 0x8000,
} as const;

/** KEYBDINPUT.dwFlags. */
export const KEY = {
  EXTENDEDKEY: 0x0001,
  KEYUP: 0x0002,
  UNICODE: 0x0004,
  SCANCODE: 0x0008,
} as const;

/** One wheel notch (MSDN: WHEEL_DELTA). */
export const WHEEL_DELTA = 120;

/** A mouse record. */
export interface MouseRecord {
  kind: 'mouse';
  dx: number;
  dy: number;
  data: number;
  flags: number;
}

/** A keyboard record. */
export interface KeyRecord {
  kind: 'key';
  vk: number;
  scan: number;
  flags: number;
}

export type InputRecord = MouseRecord | KeyRecord;

/** The INPUT array for `records`, ready for SendInput(records.length, bytes, INPUT_SIZE). */
export function encodeInputs(records: readonly InputRecord[]): Buffer {
  const b = Buffer.alloc(records.length * INPUT_SIZE);
  records.forEach((r, i) => {
    const o = i * INPUT_SIZE;
    if (r.kind === 'mouse') {
      b.writeUInt32LE(INPUT_MOUSE, o);
      b.writeInt32LE(r.dx, o + 8);
      b.writeInt32LE(r.dy, o + 12);
      // mouseData is a DWORD holding a signed wheel delta.
      b.writeInt32LE(r.data, o + 16);
      b.writeUInt32LE(r.flags, o + 20);
    } else {
      b.writeUInt32LE(INPUT_KEYBOARD, o);
      b.writeUInt16LE(r.vk, o + 8);
      b.writeUInt16LE(r.scan, o + 10);
      b.writeUInt32LE(r.flags, o + 12);
    }
    // time 0 (the system stamps it), dwExtraInfo 0.
  });
  return b;
}

/**
 * Normalised absolute coordinates of pixel `p` on an axis of `size` pixels
 * (MOUSEEVENTF_ABSOLUTE | MOUSEEVENTF_VIRTUALDESK: 0..65535 spans the
 * virtual desktop): the centre of the pixel, so the system's rounding lands
 * on it.
 */
export function normalised(p: number, size: number): number {
  if (size <= 1) return 0;
  return Math.min(65535, Math.max(0, Math.round(((p + 0.5) * 65536) / size)));
}
