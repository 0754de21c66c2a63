import type { X11Client, X11Xtest } from 'x11';
import { isCharacterKeysym, type KeyboardMap } from './keyboard-map.js';

/** How many spare keycodes are remapped in turn for keysyms the layout lacks. */
const SPARES_IN_USE = 4;

/**
 * Input through XTEST (XTEST extension 2.2, FakeInput): pointer motion,
 * buttons 1-8 (4-7 are the two wheel axes), and keys by keysym through the
 * server's keyboard mapping, with Shift and AltGr pressed or released around a
 * key as its level needs, and spare keycodes remapped for missing keysyms.
 */
export class X11Input {
  readonly #X: X11Client;
  readonly #xtest: X11Xtest;
  readonly #root: number;
  readonly #map: KeyboardMap;
  /** keysym pressed → keycode used, so the release hits the same key. */
  readonly #keys = new Map<number, number>();
  #buttons = 0;
  #spares: number[];
  #spareNext = 0;
  readonly #remapped = new Set<number>();

  constructor(X: X11Client, xtest: X11Xtest, root: number, map: KeyboardMap) {
    this.#X = X;
    this.#xtest = xtest;
    this.#root = root;
    this.#map = map;
    this.#spares = map.spareKeycodes().slice(-SPARES_IN_USE);
  }

  /** RFB PointerEvent semantics: move, then press and release what changed in the mask. */
  pointer(x: number, y: number, mask: number): void {
    const t = this.#xtest;
    t.FakeInput(t.MotionNotify, 0, 0, this.#root, x, y);
    for (let bit = 0; bit < 8; bit++) {
      const was = (this.#buttons >> bit) & 1, now = (mask >> bit) & 1;
      if (was !== now) t.FakeInput(now ? t.ButtonPress : t.ButtonRelease, bit + 1, 0, this.#root, 0, 0);
    }
    this.#buttons = mask & 0xff;
  }

  /** RFB KeyEvent semantics for X keysym `keysym`. */
  key(keysym: number, down: boolean): void {
    const t = this.#xtest;
    if (!down) {
      const keycode = this.#keys.get(keysym);
      if (keycode === undefined) return; // a release of a key this engine never pressed
      this.#keys.delete(keysym);
      t.FakeInput(t.KeyRelease, keycode, 0, this.#root, 0, 0);
      return;
    }
    let loc = this.#map.find(keysym);
    if (!loc) loc = this.#remap(keysym);
    if (!loc) return;
    const held = new Set(this.#keys.values());
    const shifts = this.#map.shiftKeycodes(), level3 = this.#map.level3Keycodes();
    const shiftHeld = shifts.filter((k) => held.has(k)), l3Held = level3.filter((k) => held.has(k));
    const needShift = loc.level === 1 || loc.level === 5, needL3 = loc.level >= 4;
    const press: number[] = [], release: number[] = [];
    // Only characters depend on the level; function keys keep the modifiers the client holds (Shift+Tab, Shift+arrows).
    const character = isCharacterKeysym(keysym);
    if (needShift && shiftHeld.length === 0 && shifts[0] !== undefined) press.push(shifts[0]);
    if (!needShift && character && shiftHeld.length > 0) release.push(...shiftHeld);
    if (needL3 && l3Held.length === 0 && level3[0] !== undefined) press.push(level3[0]);
    if (!needL3 && character && l3Held.length > 0) release.push(...l3Held);
    for (const k of press) t.FakeInput(t.KeyPress, k, 0, this.#root, 0, 0);
    for (const k of release) t.FakeInput(t.KeyRelease, k, 0, this.#root, 0, 0);
    t.FakeInput(t.KeyPress, loc.keycode, 0, this.#root, 0, 0);
    this.#keys.set(keysym, loc.keycode);
    for (const k of press) t.FakeInput(t.KeyRelease, k, 0, this.#root, 0, 0);
    for (const k of release) t.FakeInput(t.KeyPress, k, 0, this.#root, 0, 0);
  }

  #remap(keysym: number): { keycode: number; level: 0 } | null {
    const held = new Set(this.#keys.values());
    for (let i = 0; i < this.#spares.length; i++) {
      const keycode = this.#spares[(this.#spareNext + i) % this.#spares.length] as number;
      if (held.has(keycode)) continue;
      this.#spareNext = (this.#spareNext + i + 1) % this.#spares.length;
      const row = this.#map.rowFor(keysym);
      this.#X.ChangeKeyboardMapping(keycode, row.length, row);
      this.#map.setRow(keycode, row);
      this.#remapped.add(keycode);
      return { keycode, level: 0 };
    }
    return null;
  }

  /** Releases every key and button held, and gives remapped spare keycodes back their empty rows. */
  releaseAll(): void {
    const t = this.#xtest;
    for (const keycode of new Set(this.#keys.values())) t.FakeInput(t.KeyRelease, keycode, 0, this.#root, 0, 0);
    this.#keys.clear();
    for (let bit = 0; bit < 8; bit++) {
      if ((this.#buttons >> bit) & 1) t.FakeInput(t.ButtonRelease, bit + 1, 0, this.#root, 0, 0);
    }
    this.#buttons = 0;
    for (const keycode of this.#remapped) {
      const empty = new Array<number>(this.#map.width).fill(0);
      this.#X.ChangeKeyboardMapping(keycode, empty.length, empty);
      this.#map.setRow(keycode, empty);
    }
    this.#remapped.clear();
  }
}
