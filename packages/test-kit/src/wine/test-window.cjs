// The Wine harness's small Windows test program, run by node.exe under Wine:
// one top-level window that records what it receives, one line per message,
// appended to LOG (argv[2]) as it comes:
//
//   ready HWND                the window is shown and has the focus
//   char CODE                 WM_CHAR: a UTF-16 code unit, decimal
//   key VK                    WM_KEYDOWN, WM_SYSKEYDOWN: the virtual key, decimal
//   down BUTTON X Y           WM_LBUTTONDOWN, WM_RBUTTONDOWN, WM_MBUTTONDOWN, WM_XBUTTONDOWN: left, right, middle, back
//                             (X button 1) or forward; client coordinates
//   up BUTTON X Y             the same buttons' WM_…BUTTONUP
//   wheel DELTA               WM_MOUSEWHEEL: the signed wheel delta
//   hwheel DELTA              WM_MOUSEHWHEEL: the signed horizontal wheel delta
//
// Usage: node.exe test-window.cjs LOG X Y WIDTH HEIGHT
// It runs until the window is closed (WM_CLOSE, or its process is killed).
// koffi comes from the repository's node_modules (build-agents.mjs puts its
// Windows part there). The functions are user32's (MSDN: RegisterClassExW,
// CreateWindowExW, GetMessageW, DispatchMessageW, DefWindowProcW).
/* global process */
'use strict';
const { appendFileSync, writeFileSync } = require('node:fs');
const koffi = require('koffi');

const [log, x, y, width, height] = [process.argv[2], ...process.argv.slice(3, 7).map(Number)];
if (!log || [x, y, width, height].some((n) => !Number.isInteger(n))) {
  process.stderr.write('usage: test-window.cjs LOG X Y WIDTH HEIGHT\n');
  process.exit(2);
}
writeFileSync(log, '');
const record = (line) => appendFileSync(log, `${line}\n`);

const user32 = koffi.load('user32.dll');
const kernel32 = koffi.load('kernel32.dll');
const WNDPROC = koffi.proto('intptr_t __stdcall TestWindowProc(void *hwnd, uint32_t msg, uintptr_t wParam, intptr_t lParam)');
const WNDCLASSEXW = koffi.struct('TestWindowClass', {
  cbSize: 'uint32_t', style: 'uint32_t', lpfnWndProc: koffi.pointer(WNDPROC), cbClsExtra: 'int', cbWndExtra: 'int',
  hInstance: 'void *', hIcon: 'void *', hCursor: 'void *', hbrBackground: 'void *', lpszMenuName: 'const char16_t *',
  lpszClassName: 'const char16_t *', hIconSm: 'void *',
});
koffi.struct('TestWindowMsg', { hwnd: 'void *', message: 'uint32_t', wParam: 'uintptr_t', lParam: 'intptr_t', time: 'uint32_t', x: 'int32_t', y: 'int32_t', lPrivate: 'uint32_t' });
const GetModuleHandleW = kernel32.func('void * __stdcall GetModuleHandleW(const char16_t *name)');
const RegisterClassExW = user32.func('uint16_t __stdcall RegisterClassExW(const TestWindowClass *cls)');
const CreateWindowExW = user32.func('void * __stdcall CreateWindowExW(uint32_t exStyle, const char16_t *cls, const char16_t *title, uint32_t style, int x, int y, int w, int h, void *parent, void *menu, void *inst, void *param)');
const DefWindowProcW = user32.func('intptr_t __stdcall DefWindowProcW(void *hwnd, uint32_t msg, uintptr_t wParam, intptr_t lParam)');
const GetMessageW = user32.func('int __stdcall GetMessageW(_Out_ TestWindowMsg *msg, void *hwnd, uint32_t min, uint32_t max)');
const TranslateMessage = user32.func('bool __stdcall TranslateMessage(const TestWindowMsg *msg)');
const DispatchMessageW = user32.func('intptr_t __stdcall DispatchMessageW(const TestWindowMsg *msg)');
const ShowWindow = user32.func('bool __stdcall ShowWindow(void *hwnd, int cmd)');
const SetForegroundWindow = user32.func('bool __stdcall SetForegroundWindow(void *hwnd)');
const SetFocus = user32.func('void * __stdcall SetFocus(void *hwnd)');
const UpdateWindow = user32.func('bool __stdcall UpdateWindow(void *hwnd)');
const PostQuitMessage = user32.func('void __stdcall PostQuitMessage(int code)');
const LoadCursorW = user32.func('void * __stdcall LoadCursorW(void *inst, uintptr_t name)');

const WM_DESTROY = 0x0002, WM_KEYDOWN = 0x0100, WM_SYSKEYDOWN = 0x0104, WM_CHAR = 0x0102, WM_MOUSEWHEEL = 0x020a, WM_MOUSEHWHEEL = 0x020e;
/** Button messages: [message, button name, down]. */
const BUTTON_MESSAGES = new Map([
  [0x0201, ['left', true]], [0x0202, ['left', false]], [0x0204, ['right', true]], [0x0205, ['right', false]],
  [0x0207, ['middle', true]], [0x0208, ['middle', false]], [0x020b, ['x', true]], [0x020c, ['x', false]],
]);
const WS_POPUP = 0x80000000, WS_VISIBLE = 0x10000000, WS_EX_TOPMOST = 0x8, SW_SHOW = 5, COLOR_WINDOW = 5, IDC_ARROW = 32512;
const low = (l) => Number(BigInt.asIntN(16, BigInt(l) & 0xffffn));
const high = (l) => Number(BigInt.asIntN(16, (BigInt(l) >> 16n) & 0xffffn));

const proc = koffi.register((hwnd, msg, wParam, lParam) => {
  const button = BUTTON_MESSAGES.get(msg);
  if (msg === WM_CHAR) record(`char ${Number(wParam)}`);
  else if (msg === WM_KEYDOWN || msg === WM_SYSKEYDOWN) record(`key ${Number(wParam)}`);
  else if (button) {
    // X buttons: HIWORD(wParam) is XBUTTON1 (1, back) or XBUTTON2 (2, forward).
    const name = button[0] === 'x' ? (high(wParam) === 1 ? 'back' : 'forward') : button[0];
    record(`${button[1] ? 'down' : 'up'} ${name} ${low(lParam)} ${high(lParam)}`);
  } else if (msg === WM_MOUSEWHEEL) record(`wheel ${high(wParam)}`);
  else if (msg === WM_MOUSEHWHEEL) record(`hwheel ${high(wParam)}`);
  else if (msg === WM_DESTROY) PostQuitMessage(0);
  return DefWindowProcW(hwnd, msg, wParam, lParam);
}, koffi.pointer(WNDPROC));

const instance = GetModuleHandleW(null);
const atom = RegisterClassExW({
  cbSize: koffi.sizeof(WNDCLASSEXW), style: 0, lpfnWndProc: proc, cbClsExtra: 0, cbWndExtra: 0, hInstance: instance, hIcon: null,
  hCursor: LoadCursorW(null, IDC_ARROW), hbrBackground: BigInt(COLOR_WINDOW + 1), lpszMenuName: null, lpszClassName: 'TandemTestWindow', hIconSm: null,
});
if (atom === 0) {
  process.stderr.write('RegisterClassExW failed\n');
  process.exit(1);
}
const hwnd = CreateWindowExW(WS_EX_TOPMOST, 'TandemTestWindow', 'Tandem test window', WS_POPUP | WS_VISIBLE, x, y, width, height, null, null, instance, null);
if (!hwnd) {
  process.stderr.write('CreateWindowExW failed\n');
  process.exit(1);
}
ShowWindow(hwnd, SW_SHOW);
UpdateWindow(hwnd);
SetForegroundWindow(hwnd);
SetFocus(hwnd);
record(`ready ${koffi.address(hwnd)}`);
const msg = {};
while (GetMessageW(msg, null, 0, 0) > 0) {
  TranslateMessage(msg);
  DispatchMessageW(msg);
}
