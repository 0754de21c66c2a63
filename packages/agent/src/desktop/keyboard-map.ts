/**
 * The X server's keyboard mapping as a lookup from keysym to keycode and
 * shift level (X11 core protocol §5, "Keyboards"). Columns of a keycode's
 * row: 0 plain, 1 Shift, 2-3 group 2, 4 AltGr (ISO_Level3_Shift), 5 AltGr+Shift.
 */

/** Where a keysym lives on the keyboard. */
export interface KeyLocation {
  keycode: number;
  /** 0 plain, 1 Shift, 4 AltGr, 5 AltGr+Shift (column in the keycode's row). */
  level: 0 | 1 | 4 | 5;
}

/** Keysyms that are modifiers or the AltGr key. */
export const XK = {
  Shift_L: 0xffe1,
  Shift_R: 0xffe2,
  ISO_Level3_Shift: 0xfe03,
  Mode_switch: 0xff7e,
} as const;

const LEVELS = [0, 1, 4, 5] as const;

/** True for keysyms of printable characters, whose shift level decides the character. */
export function isCharacterKeysym(keysym: number): boolean {
  return (keysym >= 0x20 && keysym <= 0xff) || (keysym & 0xff000000) === 0x01000000 || (keysym >= 0x100 && keysym < 0xfe00);
}

export class KeyboardMap {
  readonly minKeycode: number;
  #rows: number[][];
  readonly #modifiers: number[][];

  /**
   * @param minKeycode the first keycode of `rows`
   * @param rows GetKeyboardMapping's answer: one row of keysyms per keycode
   * @param modifiers GetModifierMapping's answer: 8 rows of keycodes (Shift, Lock, Control, Mod1..Mod5)
   */
  constructor(minKeycode: number, rows: number[][], modifiers: number[][]) {
    this.minKeycode = minKeycode;
    this.#rows = rows.map((r) => [...r]);
    this.#modifiers = modifiers;
  }

  /** Keysyms per keycode. */
  get width(): number {
    return this.#rows[0]?.length ?? 0;
  }

  /** Finds `keysym`, preferring the plainest level. */
  find(keysym: number): KeyLocation | null {
    if (keysym === 0) return null;
    for (const level of LEVELS) {
      for (let i = 0; i < this.#rows.length; i++) {
        if (this.#rows[i]?.[level] === keysym) return { keycode: this.minKeycode + i, level };
      }
    }
    return null;
  }

  /** Keycodes bound to the Shift modifier. */
  shiftKeycodes(): number[] {
    return (this.#modifiers[0] ?? []).filter((k) => k !== 0);
  }

  /** Keycodes that select level 3 (AltGr): the ones whose keysym is ISO_Level3_Shift or Mode_switch. */
  level3Keycodes(): number[] {
    const out: number[] = [];
    this.#rows.forEach((row, i) => {
      if (row[0] === XK.ISO_Level3_Shift || row[0] === XK.Mode_switch) out.push(this.minKeycode + i);
    });
    return out;
  }

  /** Keycodes with no keysym at all: free to remap for keysyms the layout lacks. */
  spareKeycodes(): number[] {
    const out: number[] = [];
    this.#rows.forEach((row, i) => {
      if (row.every((k) => k === 0)) out.push(this.minKeycode + i);
    });
    return out;
  }

  /** The row a spare keycode gets to type `keysym` at level 0 (and 1, so Shift changes nothing). */
  rowFor(keysym: number): number[] {
    const row = new Array<number>(this.width).fill(0);
    row[0] = keysym;
    if (row.length > 1) row[1] = keysym;
    return row;
  }

  /** Records a change made with ChangeKeyboardMapping. */
  setRow(keycode: number, row: number[]): void {
    this.#rows[keycode - this.minKeycode] = [...row];
  }
}
