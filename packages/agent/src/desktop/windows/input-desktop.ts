/**
 * Which desktop has the input: the user's own ("Default") or the secure
 * desktop Windows switches to for a UAC prompt, Ctrl+Alt+Del, or the lock
 * screen ("Winlogon", "Screen-saver"). A program of the user cannot open
 * the secure desktop, so OpenInputDesktop fails there, or names another
 * desktop (MSDN: OpenInputDesktop, GetUserObjectInformationW UOI_NAME).
 * While it has the input the driver's frames show the user's desktop behind
 * it and its input goes nowhere: the page and the technician are told why.
 */
import type { WindowsFfi } from '../../platform/windows/ffi.js';

type Handle = unknown;

const DESKTOP_READOBJECTS = 0x0001;
const UOI_NAME = 2;

/** The user's own desktop, or one the user cannot see into. */
export type InputDesktop = 'default' | 'secure';

/** The state a desktop name means: null (OpenInputDesktop failed) or another name than "Default" is the secure desktop. */
export function inputDesktopOf(name: string | null): InputDesktop {
  return name !== null && name.toLowerCase() === 'default' ? 'default' : 'secure';
}

/** Asks Windows which desktop receives the input. */
export class InputDesktopProbe {
  readonly #open: (flags: number, inherit: boolean, access: number) => Handle;
  readonly #info: (obj: Handle, index: number, out: Buffer, length: number, needed: [number]) => boolean;
  readonly #close: (desk: Handle) => boolean;

  constructor(ffi: WindowsFfi) {
    this.#open = ffi.func('user32', 'void * __stdcall OpenInputDesktop(uint32_t dwFlags, bool fInherit, uint32_t dwDesiredAccess)');
    this.#info = ffi.func('user32', 'bool __stdcall GetUserObjectInformationW(void *hObj, int nIndex, _Out_ void *pvInfo, uint32_t nLength, _Out_ uint32_t *lpnLengthNeeded)');
    this.#close = ffi.func('user32', 'bool __stdcall CloseDesktop(void *hDesktop)');
  }

  /** The input desktop's name, or null when it cannot be opened. */
  name(): string | null {
    const desk = this.#open(0, false, DESKTOP_READOBJECTS);
    if (!desk) return null;
    try {
      const buf = Buffer.alloc(512);
      const needed: [number] = [0];
      if (!this.#info(desk, UOI_NAME, buf, buf.length, needed)) return null;
      const text = buf.toString('utf16le');
      const end = text.indexOf('\0');
      return end < 0 ? text : text.slice(0, end);
    } finally {
      this.#close(desk);
    }
  }

  /** Which desktop has the input now. */
  state(): InputDesktop {
    return inputDesktopOf(this.name());
  }
}
