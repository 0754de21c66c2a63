/**
 * RFB keysyms (X11 keysyms, RFC 6143 §7.5.4) as Windows sees keys: the
 * non-character keys as virtual-key codes (MSDN: "Virtual-Key Codes"), with
 * the extended-key flag where the key sits in the extended part of the
 * keyboard, and characters as their Unicode code point, which the active
 * layout then turns into a key (VkKeyScanExW) or, when no key of it makes
 * the character, a KEYEVENTF_UNICODE event.
 */

import { LEGACY_KEYSYM_CODE_POINTS } from '../legacy-keysyms.js';

/** A non-character key: its virtual-key code, and whether it is an extended key (KEYEVENTF_EXTENDEDKEY). */
export interface VirtualKey {
  vk: number;
  extended: boolean;
}

/** keysym → [virtual key, extended]. */
const KEYS = new Map<number, [number, boolean]>([
  [0xff08, [0x08, false]], // BackSpace → VK_BACK
  [0xff09, [0x09, false]], // Tab → VK_TAB
  [0xfe20, [0x09, false]], // ISO_Left_Tab (Shift+Tab) → VK_TAB
  [0xff0d, [0x0d, false]], // Return → VK_RETURN
  [0xff13, [0x13, false]], // Pause → VK_PAUSE
  [0xff14, [0x91, false]], // Scroll_Lock → VK_SCROLL
  [0xff1b, [0x1b, false]], // Escape → VK_ESCAPE
  [0xffff, [0x2e, true]], // Delete → VK_DELETE
  [0xff50, [0x24, true]], // Home → VK_HOME
  [0xff51, [0x25, true]], // Left → VK_LEFT
  [0xff52, [0x26, true]], // Up → VK_UP
  [0xff53, [0x27, true]], // Right → VK_RIGHT
  [0xff54, [0x28, true]], // Down → VK_DOWN
  [0xff55, [0x21, true]], // Prior (Page Up) → VK_PRIOR
  [0xff56, [0x22, true]], // Next (Page Down) → VK_NEXT
  [0xff57, [0x23, true]], // End → VK_END
  [0xff61, [0x2c, true]], // Print → VK_SNAPSHOT
  [0xff63, [0x2d, true]], // Insert → VK_INSERT
  [0xff67, [0x5d, true]], // Menu → VK_APPS
  [0xff7f, [0x90, true]], // Num_Lock → VK_NUMLOCK
  [0xff8d, [0x0d, true]], // KP_Enter → VK_RETURN, extended
  [0xffaa, [0x6a, false]], // KP_Multiply → VK_MULTIPLY
  [0xffab, [0x6b, false]], // KP_Add → VK_ADD
  [0xffac, [0x6c, false]], // KP_Separator → VK_SEPARATOR
  [0xffad, [0x6d, false]], // KP_Subtract → VK_SUBTRACT
  [0xffae, [0x6e, false]], // KP_Decimal → VK_DECIMAL
  [0xffaf, [0x6f, true]], // KP_Divide → VK_DIVIDE, extended
  [0xff95, [0x24, false]], // KP_Home (Num Lock off) → VK_HOME on the keypad
  [0xff96, [0x25, false]], // KP_Left
  [0xff97, [0x26, false]], // KP_Up
  [0xff98, [0x27, false]], // KP_Right
  [0xff99, [0x28, false]], // KP_Down
  [0xff9a, [0x21, false]], // KP_Prior
  [0xff9b, [0x22, false]], // KP_Next
  [0xff9c, [0x23, false]], // KP_End
  [0xff9e, [0x2d, false]], // KP_Insert
  [0xff9f, [0x2e, false]], // KP_Delete
  [0xffe1, [0xa0, false]], // Shift_L → VK_LSHIFT
  [0xffe2, [0xa1, false]], // Shift_R → VK_RSHIFT
  [0xffe3, [0xa2, false]], // Control_L → VK_LCONTROL
  [0xffe4, [0xa3, true]], // Control_R → VK_RCONTROL
  [0xffe5, [0x14, false]], // Caps_Lock → VK_CAPITAL
  [0xffe7, [0x5b, true]], // Meta_L → VK_LWIN
  [0xffe8, [0x5c, true]], // Meta_R → VK_RWIN
  [0xffe9, [0xa4, false]], // Alt_L → VK_LMENU
  [0xffea, [0xa5, true]], // Alt_R → VK_RMENU
  [0xffeb, [0x5b, true]], // Super_L → VK_LWIN
  [0xffec, [0x5c, true]], // Super_R → VK_RWIN
  [0xfe03, [0xa5, true]], // ISO_Level3_Shift (AltGr) → VK_RMENU
]);

/** The virtual key of a non-character keysym, or null (a character, or a key Windows has not). */
export function virtualKeyOf(keysym: number): VirtualKey | null {
  // F1-F24 → VK_F1-VK_F24.
  if (keysym >= 0xffbe && keysym <= 0xffd5) return { vk: 0x70 + (keysym - 0xffbe), extended: false };
  // KP_0-KP_9 → VK_NUMPAD0-VK_NUMPAD9.
  if (keysym >= 0xffb0 && keysym <= 0xffb9) return { vk: 0x60 + (keysym - 0xffb0), extended: false };
  const k = KEYS.get(keysym);
  return k === undefined ? null : { vk: k[0], extended: k[1] };
}

/**
 * The Unicode code point a character keysym stands for (X11 keysym
 * encoding, Appendix A): Latin-1 keysyms are their code point, 0x01000000 +
 * code point is the code point, and a keysym of the legacy blocks (kana,
 * Cyrillic, Greek, Latin-2...: what noVNC sends for those characters) is
 * the one of its table; anything else (not a character) is null.
 */
export function codePointOf(keysym: number): number | null {
  if ((keysym >= 0x20 && keysym <= 0x7e) || (keysym >= 0xa0 && keysym <= 0xff)) return keysym;
  if (keysym >= 0x01000100 && keysym <= 0x0110ffff) {
    const cp = keysym - 0x01000000;
    return cp >= 0xd800 && cp <= 0xdfff ? null : cp;
  }
  return LEGACY_KEYSYM_CODE_POINTS.get(keysym) ?? null;
}

/** The shift state VkKeyScanExW's high byte gives: which modifiers the layout needs for a character. */
export interface ShiftState {
  shift: boolean;
  ctrl: boolean;
  alt: boolean;
}

/** Splits VkKeyScanExW's answer into the virtual key and its shift state; null when no key makes the character (-1). */
export function splitVkKeyScan(result: number): { vk: number; state: ShiftState } | null {
  const low = result & 0xff, high = (result >> 8) & 0xff;
  if (low === 0xff && high === 0xff) return null;
  // Shift states beyond Shift, Ctrl and Alt (Hankaku, the layout's own) are not something SendInput can press.
  if ((high & ~0x07) !== 0) return null;
  return { vk: low, state: { shift: (high & 1) !== 0, ctrl: (high & 2) !== 0, alt: (high & 4) !== 0 } };
}
