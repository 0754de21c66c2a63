/**
 * The Windows clipboard's text (user32, kernel32; MSDN "Using the
 * Clipboard"): CF_UNICODETEXT read with OpenClipboard, GetClipboardData,
 * GlobalLock/GlobalSize; written as a GMEM_MOVEABLE block with
 * EmptyClipboard and SetClipboardData. The clipboard is opened by a
 * message-only window of its own (CreateWindowExW, HWND_MESSAGE): opened
 * without a window, EmptyClipboard leaves no owner and SetClipboardData
 * fails (MSDN, OpenClipboard).
 */
import { TandemError } from '@tandem/protocol';
import { WindowsFfi } from '../../platform/windows/ffi.js';
import { CLIPBOARD_LIMITS, type TextClipboard } from '../clipboard.js';

const CF_UNICODETEXT = 13;
const GMEM_MOVEABLE = 0x0002;
const HWND_MESSAGE = -3;
/** OpenClipboard fails while another program has it open: tries, this far apart. */
const OPEN_TRIES = 20;
const OPEN_RETRY_MS = 25;

type Pointer = unknown;
interface ClipboardApi {
  CreateWindowExW: (exStyle: number, className: string, name: string, style: number, x: number, y: number, w: number, h: number, parent: number, menu: null, instance: null, param: null) => Pointer;
  DestroyWindow: (hwnd: Pointer) => boolean;
  OpenClipboard: (hwnd: Pointer) => boolean;
  CloseClipboard: () => boolean;
  EmptyClipboard: () => boolean;
  IsClipboardFormatAvailable: (format: number) => boolean;
  GetClipboardData: (format: number) => Pointer;
  SetClipboardData: (format: number, memory: Pointer) => Pointer;
  GlobalAlloc: (flags: number, bytes: number) => Pointer;
  GlobalLock: (memory: Pointer) => Pointer;
  GlobalUnlock: (memory: Pointer) => boolean;
  GlobalSize: (memory: Pointer) => number;
  GlobalFree: (memory: Pointer) => Pointer;
  GetLastError: () => number;
}

function declare(ffi: WindowsFfi): ClipboardApi {
  return {
    CreateWindowExW: ffi.func('user32', 'void * __stdcall CreateWindowExW(uint32_t dwExStyle, const char16_t *lpClassName, const char16_t *lpWindowName, uint32_t dwStyle, int X, int Y, int nWidth, int nHeight, intptr_t hWndParent, void *hMenu, void *hInstance, void *lpParam)'),
    DestroyWindow: ffi.func('user32', 'bool __stdcall DestroyWindow(void *hWnd)'),
    OpenClipboard: ffi.func('user32', 'bool __stdcall OpenClipboard(void *hWndNewOwner)'),
    CloseClipboard: ffi.func('user32', 'bool __stdcall CloseClipboard()'),
    EmptyClipboard: ffi.func('user32', 'bool __stdcall EmptyClipboard()'),
    IsClipboardFormatAvailable: ffi.func('user32', 'bool __stdcall IsClipboardFormatAvailable(uint32_t format)'),
    GetClipboardData: ffi.func('user32', 'void * __stdcall GetClipboardData(uint32_t uFormat)'),
    SetClipboardData: ffi.func('user32', 'void * __stdcall SetClipboardData(uint32_t uFormat, void *hMem)'),
    GlobalAlloc: ffi.func('kernel32', 'void * __stdcall GlobalAlloc(uint32_t uFlags, size_t dwBytes)'),
    GlobalLock: ffi.func('kernel32', 'void * __stdcall GlobalLock(void *hMem)'),
    GlobalUnlock: ffi.func('kernel32', 'bool __stdcall GlobalUnlock(void *hMem)'),
    GlobalSize: ffi.func('kernel32', 'size_t __stdcall GlobalSize(void *hMem)'),
    GlobalFree: ffi.func('kernel32', 'void * __stdcall GlobalFree(void *hMem)'),
    GetLastError: ffi.func('kernel32', 'uint32_t __stdcall GetLastError()'),
  };
}

/** NULL as koffi gives it back. */
function isNull(p: Pointer): boolean {
  return p === null || p === undefined || p === 0 || p === 0n;
}

/** Text with `\n` line ends from the clipboard's `\r\n`, and back. */
export function fromWindowsText(text: string): string {
  return text.replace(/\r\n/g, '\n');
}
/** `\n` (and a lone `\r`) as Windows' `\r\n`. */
export function toWindowsText(text: string): string {
  return text.replace(/\r\n|\r|\n/g, '\r\n');
}

/** The Windows clipboard's text. */
export class WindowsClipboard implements TextClipboard {
  readonly #ffi: WindowsFfi;
  readonly #api: ClipboardApi;
  readonly #window: Pointer;

  /** Loads koffi and makes the clipboard's message-only window. */
  constructor(ffi: WindowsFfi = WindowsFfi.load()) {
    this.#ffi = ffi;
    this.#api = declare(ffi);
    this.#window = this.#api.CreateWindowExW(0, 'STATIC', 'Tandem clipboard', 0, 0, 0, 0, 0, HWND_MESSAGE, null, null, null);
    if (isNull(this.#window)) throw this.#failed('CreateWindowExW');
  }

  async readText(): Promise<string | undefined> {
    const api = this.#api;
    if (!api.IsClipboardFormatAvailable(CF_UNICODETEXT)) return undefined;
    await this.#open();
    try {
      const memory = api.GetClipboardData(CF_UNICODETEXT);
      if (isNull(memory)) return undefined;
      const bytes = api.GlobalSize(memory);
      if (bytes > (CLIPBOARD_LIMITS.maxTextUnits + 1) * 2) {
        throw new TandemError('TANDEM_ERR_MESSAGE_TOO_LARGE', `clipboard: its text is longer than ${CLIPBOARD_LIMITS.maxTextUnits} characters`);
      }
      const p = api.GlobalLock(memory);
      if (isNull(p)) throw this.#failed('GlobalLock');
      let text: string;
      try {
        text = Buffer.from(new Uint8Array(this.#ffi.koffi.view(p, bytes))).toString('utf16le', 0, bytes - (bytes % 2));
      } finally {
        api.GlobalUnlock(memory);
      }
      const nul = text.indexOf('\0');
      return fromWindowsText(nul < 0 ? text : text.slice(0, nul));
    } finally {
      api.CloseClipboard();
    }
  }

  async writeText(text: string): Promise<void> {
    if (typeof text !== 'string') throw new TandemError('TANDEM_ERR_BAD_INPUT', 'clipboard: text must be a string');
    const windows = toWindowsText(text);
    if (windows.length > CLIPBOARD_LIMITS.maxTextUnits) throw new TandemError('TANDEM_ERR_MESSAGE_TOO_LARGE', `clipboard: text longer than ${CLIPBOARD_LIMITS.maxTextUnits} characters`);
    const api = this.#api;
    const bytes = Buffer.from(`${windows}\0`, 'utf16le');
    const memory = api.GlobalAlloc(GMEM_MOVEABLE, bytes.length);
    if (isNull(memory)) throw this.#failed('GlobalAlloc');
    let owned = false;
    try {
      const p = api.GlobalLock(memory);
      if (isNull(p)) throw this.#failed('GlobalLock');
      new Uint8Array(this.#ffi.koffi.view(p, bytes.length)).set(bytes);
      api.GlobalUnlock(memory);
      await this.#open();
      try {
        if (!api.EmptyClipboard()) throw this.#failed('EmptyClipboard');
        if (isNull(api.SetClipboardData(CF_UNICODETEXT, memory))) throw this.#failed('SetClipboardData');
        // From here the system owns the block (MSDN, SetClipboardData).
        owned = true;
      } finally {
        api.CloseClipboard();
      }
    } finally {
      if (!owned) api.GlobalFree(memory);
    }
  }

  close(): void {
    this.#api.DestroyWindow(this.#window);
    this.#ffi.close();
  }

  async #open(): Promise<void> {
    for (let i = 0; i < OPEN_TRIES; i++) {
      if (this.#api.OpenClipboard(this.#window)) return;
      await new Promise((resolve) => setTimeout(resolve, OPEN_RETRY_MS));
    }
    throw this.#failed('OpenClipboard', `another program keeps the clipboard open`);
  }

  #failed(call: string, why = `Win32 error ${this.#api.GetLastError()}`): TandemError {
    return new TandemError('TANDEM_ERR_INTERNAL', `clipboard: ${call} failed (${why})`);
  }
}
