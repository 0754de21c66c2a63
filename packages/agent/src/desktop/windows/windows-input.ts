/**
 * Input on Windows through SendInput (MSDN: SendInput): the pointer in
 * absolute coordinates on the virtual desktop, buttons 1-3, the back button
 * (X button 1), both wheels; keys by keysym: non-character keys as virtual
 * keys with their scan codes, characters through the active keyboard layout
 * (the foreground window's: GetKeyboardLayout, VkKeyScanExW,
 * MapVirtualKeyExW) with Shift and AltGr pressed or released around the key
 * as the layout needs, and KEYEVENTF_UNICODE for characters no key of the
 * layout makes. Everything pressed is remembered, so a release hits the same
 * key and releaseAll() lets go of all of it.
 */
import type { WindowsFfi } from '../../platform/windows/ffi.js';
import { INPUT_SIZE, KEY, MOUSE, WHEEL_DELTA, encodeInputs, normalised, type InputRecord, type KeyRecord } from './input-records.js';
import { codePointOf, splitVkKeyScan, virtualKeyOf } from './keysym-vk.js';

type Handle = unknown;

const VK_LSHIFT = 0xa0, VK_RSHIFT = 0xa1, VK_LCONTROL = 0xa2, VK_LMENU = 0xa4, VK_RMENU = 0xa5;
const MAPVK_VK_TO_VSC = 0;
/** XBUTTON1 in MOUSEINPUT.mouseData: the back button (X button 8). */
const XBUTTON1 = 1;

interface InputFunctions {
  SendInput: (count: number, inputs: Buffer, size: number) => number;
  GetForegroundWindow: () => Handle;
  GetWindowThreadProcessId: (hwnd: Handle, pid: null) => number;
  GetKeyboardLayout: (thread: number) => Handle;
  VkKeyScanExW: (ch: number, layout: Handle) => number;
  MapVirtualKeyExW: (code: number, type: number, layout: Handle) => number;
}

/** RFB button bits → the flags of their press and release. */
const BUTTONS: readonly { bit: number; down: number; up: number; data: number }[] = [
  { bit: 0, down: MOUSE.LEFTDOWN, up: MOUSE.LEFTUP, data: 0 },
  { bit: 1, down: MOUSE.MIDDLEDOWN, up: MOUSE.MIDDLEUP, data: 0 },
  { bit: 2, down: MOUSE.RIGHTDOWN, up: MOUSE.RIGHTUP, data: 0 },
  { bit: 7, down: MOUSE.XDOWN, up: MOUSE.XUP, data: XBUTTON1 },
];

/** RFB wheel bits (buttons 4-7) → the wheel event each press makes. */
const WHEELS: readonly { bit: number; flags: number; delta: number }[] = [
  { bit: 3, flags: MOUSE.WHEEL, delta: WHEEL_DELTA },
  { bit: 4, flags: MOUSE.WHEEL, delta: -WHEEL_DELTA },
  { bit: 5, flags: MOUSE.HWHEEL, delta: -WHEEL_DELTA },
  { bit: 6, flags: MOUSE.HWHEEL, delta: WHEEL_DELTA },
];

/** What a pressed keysym holds down: its own key-up records. */
interface Held {
  releases: KeyRecord[];
  /** The virtual key, for the modifier bookkeeping (0 for a Unicode character). */
  vk: number;
}

export class WindowsInput {
  readonly #fn: InputFunctions;
  readonly #size: () => { w: number; h: number };
  readonly #keys = new Map<number, Held>();
  #buttons = 0;

  /** `size` tells the virtual desktop's current size (the framebuffer's). */
  constructor(ffi: WindowsFfi, size: () => { w: number; h: number }) {
    this.#size = size;
    this.#fn = {
      SendInput: ffi.func('user32', 'uint32_t __stdcall SendInput(uint32_t cInputs, const void *pInputs, int cbSize)'),
      GetForegroundWindow: ffi.func('user32', 'void * __stdcall GetForegroundWindow()'),
      GetWindowThreadProcessId: ffi.func('user32', 'uint32_t __stdcall GetWindowThreadProcessId(void *hWnd, _Out_ uint32_t *lpdwProcessId)'),
      GetKeyboardLayout: ffi.func('user32', 'void * __stdcall GetKeyboardLayout(uint32_t idThread)'),
      VkKeyScanExW: ffi.func('user32', 'int16_t __stdcall VkKeyScanExW(char16_t ch, void *dwhkl)'),
      MapVirtualKeyExW: ffi.func('user32', 'uint32_t __stdcall MapVirtualKeyExW(uint32_t uCode, uint32_t uMapType, void *dwhkl)'),
    };
  }

  /** RFB PointerEvent semantics: move, then press and release what changed in the mask. */
  pointer(x: number, y: number, mask: number): void {
    const { w, h } = this.#size();
    const records: InputRecord[] = [{ kind: 'mouse', dx: normalised(x, w), dy: normalised(y, h), data: 0, flags: MOUSE.MOVE | MOUSE.ABSOLUTE | MOUSE.VIRTUALDESK }];
    const was = this.#buttons;
    for (const b of BUTTONS) {
      const before = (was >> b.bit) & 1, now = (mask >> b.bit) & 1;
      if (before !== now) records.push({ kind: 'mouse', dx: 0, dy: 0, data: b.data, flags: now ? b.down : b.up });
    }
    // A wheel turns once per press of its button; its release does nothing.
    for (const wheel of WHEELS) {
      if (((mask >> wheel.bit) & 1) === 1 && ((was >> wheel.bit) & 1) === 0) records.push({ kind: 'mouse', dx: 0, dy: 0, data: wheel.delta, flags: wheel.flags });
    }
    this.#buttons = mask & 0xff;
    this.#send(records);
  }

  /** RFB KeyEvent semantics for X keysym `keysym`. */
  key(keysym: number, down: boolean): void {
    if (!down) {
      const held = this.#keys.get(keysym);
      if (held === undefined) return; // a release of a key this driver never pressed
      this.#keys.delete(keysym);
      this.#send(held.releases);
      return;
    }
    if (this.#keys.has(keysym)) {
      // Auto-repeat: the client sends another press without a release; the key goes down again.
      const again = this.#pressRecords(keysym);
      if (again) this.#send(again.records);
      return;
    }
    const press = this.#pressRecords(keysym);
    if (!press) return;
    this.#keys.set(keysym, press.held);
    this.#send(press.records);
  }

  #pressRecords(keysym: number): { records: KeyRecord[]; held: Held } | null {
    const layout = this.#layout();
    const key = virtualKeyOf(keysym);
    if (key) {
      const scan = this.#fn.MapVirtualKeyExW(key.vk, MAPVK_VK_TO_VSC, layout) & 0xff;
      const flags = key.extended ? KEY.EXTENDEDKEY : 0;
      return {
        records: [{ kind: 'key', vk: key.vk, scan, flags }],
        held: { vk: key.vk, releases: [{ kind: 'key', vk: key.vk, scan, flags: flags | KEY.KEYUP }] },
      };
    }
    const cp = codePointOf(keysym);
    if (cp === null) return null;
    const found = cp <= 0xffff ? splitVkKeyScan(this.#fn.VkKeyScanExW(cp, layout)) : null;
    if (!found) return this.#unicode(cp);
    const scan = this.#fn.MapVirtualKeyExW(found.vk, MAPVK_VK_TO_VSC, layout) & 0xff;
    const heldVks = new Set([...this.#keys.values()].map((k) => k.vk));
    const shiftsHeld = [VK_LSHIFT, VK_RSHIFT].filter((vk) => heldVks.has(vk));
    const altGr = found.state.ctrl && found.state.alt;
    const before: KeyRecord[] = [], after: KeyRecord[] = [];
    const tap = (vk: number, extended: boolean, pressFirst: boolean): void => {
      const s = this.#fn.MapVirtualKeyExW(vk, MAPVK_VK_TO_VSC, layout) & 0xff, ext = extended ? KEY.EXTENDEDKEY : 0;
      const downRec: KeyRecord = { kind: 'key', vk, scan: s, flags: ext }, upRec: KeyRecord = { kind: 'key', vk, scan: s, flags: ext | KEY.KEYUP };
      before.push(pressFirst ? downRec : upRec);
      after.unshift(pressFirst ? upRec : downRec);
    };
    if (found.state.shift && shiftsHeld.length === 0) tap(VK_LSHIFT, false, true);
    if (!found.state.shift && shiftsHeld.length > 0) for (const vk of shiftsHeld) tap(vk, false, false);
    // AltGr is Ctrl+Alt to a layout (VkKeyScanExW's shift state 6, MSDN: VkKeyScanExW); pressed as such unless the client holds AltGr itself.
    if (altGr && !heldVks.has(VK_RMENU)) {
      tap(VK_LCONTROL, false, true);
      tap(VK_LMENU, false, true);
    }
    return {
      records: [...before, { kind: 'key', vk: found.vk, scan, flags: 0 }, ...after],
      held: { vk: found.vk, releases: [{ kind: 'key', vk: found.vk, scan, flags: KEY.KEYUP }] },
    };
  }

  /** A character no key of the layout makes: its UTF-16 units as KEYEVENTF_UNICODE events (MSDN: KEYBDINPUT). */
  #unicode(cp: number): { records: KeyRecord[]; held: Held } {
    const units = String.fromCodePoint(cp).split('').map((c) => c.charCodeAt(0));
    return {
      records: units.map((u) => ({ kind: 'key', vk: 0, scan: u, flags: KEY.UNICODE })),
      held: { vk: 0, releases: units.map((u) => ({ kind: 'key', vk: 0, scan: u, flags: KEY.UNICODE | KEY.KEYUP })) },
    };
  }

  /** The keyboard layout of the foreground window's thread (the one the keys go to). */
  #layout(): Handle {
    const fg = this.#fn.GetForegroundWindow();
    const thread = fg ? this.#fn.GetWindowThreadProcessId(fg, null) : 0;
    return this.#fn.GetKeyboardLayout(thread);
  }

  /** Releases every key and button held. */
  releaseAll(): void {
    const records: InputRecord[] = [];
    for (const held of [...this.#keys.values()].reverse()) records.push(...held.releases);
    this.#keys.clear();
    for (const b of BUTTONS) if ((this.#buttons >> b.bit) & 1) records.push({ kind: 'mouse', dx: 0, dy: 0, data: b.data, flags: b.up });
    this.#buttons = 0;
    this.#send(records);
  }

  /** Sends `records` in one SendInput; a refusal (another desktop has the input, UIPI) drops them, as a locked screen would. */
  #send(records: readonly InputRecord[]): void {
    if (records.length === 0) return;
    this.#fn.SendInput(records.length, encodeInputs(records), INPUT_SIZE);
  }
}
