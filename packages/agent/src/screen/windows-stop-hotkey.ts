/**
 * The customer's keys that take back control on Windows: Esc, as Windows
 * Remote Assistance offered it, and Ctrl+Alt+Shift+S as on X11. A
 * low-level keyboard hook (MSDN: SetWindowsHookExW WH_KEYBOARD_LL,
 * LowLevelKeyboardProc) observes every key of the session without taking
 * it from the application that has the focus (the hook always calls
 * CallNextHookEx), and ignores the keys that SendInput made (LLKHF_INJECTED):
 * the technician's own Esc never stops their control.
 *
 * Windows calls a low-level hook on the thread that set it, from that
 * thread's message loop, and waits for it (LowLevelHooksTimeout): so the hook
 * lives in a worker thread that does nothing but pump its messages
 * (GetMessageW), and posts each press to the agent's thread. PostThreadMessageW
 * with WM_QUIT ends it.
 */
import { Worker } from 'node:worker_threads';
import { TandemError } from '@tandem/protocol';
import { WindowsFfi } from '../platform/windows/ffi.js';

const WM_QUIT = 0x0012;

/** The worker's code (CommonJS, evaluated): koffi from the path the loader found, the hook, the message loop. */
const HOOK_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const koffi = require(workerData.koffi);
const user32 = koffi.load('user32.dll');
const kernel32 = koffi.load('kernel32.dll');
const KBDLLHOOKSTRUCT = koffi.struct({ vkCode: 'uint32_t', scanCode: 'uint32_t', flags: 'uint32_t', time: 'uint32_t', dwExtraInfo: 'uintptr_t' });
const HOOKPROC = koffi.pointer(koffi.proto('__stdcall', null, 'intptr_t', ['int', 'uintptr_t', koffi.pointer(KBDLLHOOKSTRUCT)]));
const SetWindowsHookExW = user32.func('__stdcall', 'SetWindowsHookExW', 'void *', ['int', HOOKPROC, 'void *', 'uint32_t']);
const CallNextHookEx = user32.func('__stdcall', 'CallNextHookEx', 'intptr_t', ['void *', 'int', 'uintptr_t', koffi.pointer(KBDLLHOOKSTRUCT)]);
const UnhookWindowsHookEx = user32.func('bool __stdcall UnhookWindowsHookEx(void *hhk)');
const GetAsyncKeyState = user32.func('int16_t __stdcall GetAsyncKeyState(int vKey)');
const GetMessageW = user32.func('int __stdcall GetMessageW(_Out_ void *msg, void *hwnd, uint32_t min, uint32_t max)');
const PeekMessageW = user32.func('bool __stdcall PeekMessageW(_Out_ void *msg, void *hwnd, uint32_t min, uint32_t max, uint32_t remove)');
const GetCurrentThreadId = kernel32.func('uint32_t __stdcall GetCurrentThreadId()');
const GetModuleHandleW = kernel32.func('void * __stdcall GetModuleHandleW(const char16_t *name)');
const WH_KEYBOARD_LL = 13, HC_ACTION = 0, WM_KEYDOWN = 0x100, WM_SYSKEYDOWN = 0x104, LLKHF_INJECTED = 0x10;
const VK_ESCAPE = 0x1b, VK_S = 0x53, VK_SHIFT = 0x10, VK_CONTROL = 0x11, VK_MENU = 0x12;
const down = (vk) => (GetAsyncKeyState(vk) & 0x8000) !== 0;
const msg = Buffer.alloc(48);
// A thread has a message queue once it asks for a message (MSDN: PostThreadMessageW): make it before telling its id.
PeekMessageW(msg, null, 0, 0, 0);
const proc = koffi.register((code, wParam, info) => {
  if (code === HC_ACTION && (Number(wParam) === WM_KEYDOWN || Number(wParam) === WM_SYSKEYDOWN)) {
    const k = koffi.decode(info, KBDLLHOOKSTRUCT);
    if ((k.flags & LLKHF_INJECTED) === 0) {
      if (k.vkCode === VK_ESCAPE) parentPort.postMessage({ type: 'press', key: 'Esc' });
      else if (k.vkCode === VK_S && down(VK_CONTROL) && down(VK_MENU) && down(VK_SHIFT)) parentPort.postMessage({ type: 'press', key: 'Ctrl+Alt+Shift+S' });
    }
  }
  return CallNextHookEx(null, code, wParam, info);
}, HOOKPROC);
const hook = SetWindowsHookExW(WH_KEYBOARD_LL, proc, GetModuleHandleW(null), 0);
if (!hook) {
  parentPort.postMessage({ type: 'failed', message: 'SetWindowsHookExW(WH_KEYBOARD_LL) failed' });
} else {
  parentPort.postMessage({ type: 'ready', thread: GetCurrentThreadId() });
  while (GetMessageW(msg, null, 0, 0) > 0) { /* the hook runs inside GetMessageW */ }
  UnhookWindowsHookEx(hook);
}
koffi.unregister(proc);
`;

type HookMessage = { type: 'ready'; thread: number } | { type: 'press'; key: string } | { type: 'failed'; message: string };

/** The hook, installed (ready) or not, on Windows. */
export class WindowsStopHotkey {
  readonly #worker: Worker;
  readonly #thread: number;
  readonly #post: (thread: number, msg: number, wParam: number, lParam: number) => boolean;
  readonly #ffi: WindowsFfi;
  #active = false;
  #closed = false;

  private constructor(worker: Worker, thread: number, ffi: WindowsFfi, onPress: (key: string) => void) {
    this.#worker = worker;
    this.#thread = thread;
    this.#ffi = ffi;
    this.#post = ffi.func('user32', 'bool __stdcall PostThreadMessageW(uint32_t idThread, uint32_t Msg, uintptr_t wParam, intptr_t lParam)');
    worker.on('message', (m: HookMessage) => {
      if (m.type === 'press' && this.#active && !this.#closed) onPress(m.key);
    });
  }

  /** Starts the hook's thread; resolves once the hook is set, rejects with a clear TandemError when it cannot be. */
  static open(opts: { onPress: (key: string) => void; onError: (err: Error) => void }): Promise<WindowsStopHotkey> {
    const ffi = WindowsFfi.load();
    const worker = new Worker(HOOK_THREAD, { eval: true, workerData: { koffi: WindowsFfi.modulePath() } });
    return new Promise((resolve, reject) => {
      const fail = (err: Error): void => {
        ffi.close();
        worker.terminate().catch(() => undefined);
        reject(new TandemError('TANDEM_ERR_INTERNAL', `the keyboard hook cannot be set: ${err.message}`));
      };
      const first = (m: HookMessage): void => {
        worker.off('error', fail);
        if (m.type === 'ready') {
          const hotkey = new WindowsStopHotkey(worker, m.thread, ffi, opts.onPress);
          worker.on('error', (err) => opts.onError(err));
          resolve(hotkey);
        } else {
          fail(new Error(m.type === 'failed' ? m.message : `unexpected first message ${m.type}`));
        }
      };
      worker.once('message', first);
      worker.once('error', fail);
    });
  }

  /** Presses count while active (the technician in control), and are ignored otherwise. */
  setActive(active: boolean): void {
    this.#active = active;
  }

  /** Ends the hook's message loop (WM_QUIT), which unhooks and ends the thread. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#active = false;
    if (!this.#post(this.#thread, WM_QUIT, 0, 0)) this.#worker.terminate().catch(() => undefined);
    this.#worker.unref();
    this.#ffi.close();
  }
}
