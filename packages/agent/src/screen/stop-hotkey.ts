/**
 * The customer's keyboard hotkey that takes back control: Ctrl+Alt+Shift+S,
 * grabbed on the X root window (XGrabKey, X11 protocol §GrabKey) while the
 * technician is in control, released otherwise. Esc, the established
 * products' key, cannot be observed on X11 without taking it away from every
 * application, so a combination no application uses is grabbed instead.
 */
import x11 from 'x11';
import type { X11Client, X11Display, X11Event } from 'x11';
import { TandemError } from '@tandem/protocol';

/** The hotkey as people read it (page text, terminal help). */
export const STOP_HOTKEY_LABEL = 'Ctrl+Alt+Shift+S';

/** The keys that take back control on `platform`, as people read them: on Windows Esc too (windows-stop-hotkey.ts). */
export function stopHotkeyLabel(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? `Esc or ${STOP_HOTKEY_LABEL}` : STOP_HOTKEY_LABEL;
}

const XK_s = 0x73;
const XK_Alt_L = 0xffe9;
const XK_Num_Lock = 0xff7f;
const SHIFT_MASK = 1 << 0;
const LOCK_MASK = 1 << 1;
const CONTROL_MASK = 1 << 2;
const GRAB_MODE_ASYNC = 1;

/** GrabKey/UngrabKey, which the shared x11 typings leave out. */
interface GrabClient extends X11Client {
  GrabKey(wid: number, ownerEvents: number, modifiers: number, key: number, pointerMode: number, keybMode: number): void;
  UngrabKey(wid: number, key: number, modifiers: number): void;
}

/** A grabbed (or not yet grabbed) hotkey on one display. */
export class StopHotkey {
  readonly #X: GrabClient;
  readonly #root: number;
  readonly #keycode: number;
  readonly #modifierSets: number[];
  #active = false;
  #closed = false;

  private constructor(X: GrabClient, root: number, keycode: number, modifierSets: number[], onPress: () => void, onError: (err: Error) => void) {
    this.#X = X;
    this.#root = root;
    this.#keycode = keycode;
    this.#modifierSets = modifierSets;
    X.on('event', (ev: X11Event) => {
      if (ev.name === 'KeyPress' && ev.keycode === keycode && this.#active) onPress();
    });
    // BadAccess when another client holds the same grab: the page's button and /stop-control still work.
    X.on('error', (err) => onError(err));
    X.on('end', () => { this.#closed = true; });
  }

  /** Connects to `display` (default $DISPLAY) and prepares the grab; `onPress` runs on each press while active. */
  static async open(opts: { display?: string; onPress: () => void; onError: (err: Error) => void }): Promise<StopHotkey> {
    const display = opts.display ?? process.env.DISPLAY;
    if (!display) throw new TandemError('TANDEM_ERR_BAD_INPUT', 'hotkey: no X display ($DISPLAY is not set)');
    const d = await new Promise<X11Display>((resolve, reject) => {
      x11.createClient({ display }, (err, result) => { if (err) reject(err); else resolve(result); return true; }).on('error', reject);
    });
    const X = d.client as GrabClient;
    const screen = d.screen[0];
    if (!screen) {
      X.terminate();
      throw new TandemError('TANDEM_ERR_INTERNAL', `hotkey: display ${display} has no screen`);
    }
    const rows = await new Promise<number[][]>((resolve, reject) => X.GetKeyboardMapping(d.min_keycode, d.max_keycode - d.min_keycode + 1, (err, r) => { if (err) reject(err); else resolve(r); return true; }));
    const mods = await new Promise<number[][]>((resolve, reject) => X.GetModifierMapping((err, r) => { if (err) reject(err); else resolve(r); return true; }));
    const keycodeOf = (keysym: number): number => {
      const i = rows.findIndex((row) => row.includes(keysym));
      return i < 0 ? -1 : d.min_keycode + i;
    };
    const maskOf = (keysym: number, fallback: number): number => {
      const kc = keycodeOf(keysym);
      const i = mods.findIndex((m) => m.includes(kc));
      return kc < 0 || i < 0 ? fallback : 1 << i;
    };
    const keycode = keycodeOf(XK_s);
    if (keycode < 0) {
      X.terminate();
      throw new TandemError('TANDEM_ERR_INTERNAL', `hotkey: the keyboard of ${display} has no S key`);
    }
    const alt = maskOf(XK_Alt_L, 1 << 3);
    const numLock = maskOf(XK_Num_Lock, 1 << 4);
    const base = CONTROL_MASK | SHIFT_MASK | alt;
    // A grab matches modifiers exactly: also grab with Caps Lock and Num Lock on.
    const sets = [base, base | LOCK_MASK, base | numLock, base | LOCK_MASK | numLock];
    return new StopHotkey(X, screen.root, keycode, sets, opts.onPress, opts.onError);
  }

  /** Grabs the key (true) or lets it go (false). */
  setActive(active: boolean): void {
    if (this.#closed || active === this.#active) return;
    this.#active = active;
    for (const m of this.#modifierSets) {
      if (active) this.#X.GrabKey(this.#root, 0, m, this.#keycode, GRAB_MODE_ASYNC, GRAB_MODE_ASYNC);
      else this.#X.UngrabKey(this.#root, this.#keycode, m);
    }
  }

  /** Lets the key go and disconnects. */
  close(): void {
    if (this.#closed) return;
    this.setActive(false);
    this.#closed = true;
    this.#X.terminate();
  }
}
