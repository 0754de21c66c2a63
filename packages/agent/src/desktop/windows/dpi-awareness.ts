/**
 * The agent's process made DPI aware before it reads the screen or moves
 * the pointer: otherwise, on a monitor scaled above 100 %, Windows gives a
 * program that is not DPI aware scaled-down metrics and a scaled screen
 * image, and maps its coordinates (MSDN: "High DPI Desktop Application
 * Development on Windows"). Per-monitor v2 where the system has it
 * (SetProcessDpiAwarenessContext, Windows 10 1703), system DPI aware
 * (SetProcessDPIAware, Vista) otherwise.
 */
import type { WindowsFfi } from '../../platform/windows/ffi.js';

/** DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE_V2, a pseudo-handle. */
const PER_MONITOR_AWARE_V2 = -4;

/** How the process was made DPI aware: `per-monitor-v2`, `system`, or `unchanged` (neither call took: already set, say by a manifest). */
export type DpiAwareness = 'per-monitor-v2' | 'system' | 'unchanged';

/** Makes this process DPI aware, once; later calls change nothing (the first setting of a process stays). */
export function makeDpiAware(ffi: WindowsFfi): DpiAwareness {
  // A missing export throws at declaration (older Windows): the next way is tried.
  const perMonitor = declared(() => ffi.func<(ctx: number) => boolean>('user32', 'bool __stdcall SetProcessDpiAwarenessContext(intptr_t value)'));
  if (perMonitor?.(PER_MONITOR_AWARE_V2) === true) return 'per-monitor-v2';
  const system = declared(() => ffi.func<() => boolean>('user32', 'bool __stdcall SetProcessDPIAware()'));
  return system?.() === true ? 'system' : 'unchanged';
}

function declared<T>(declare: () => T): T | null {
  try {
    return declare();
  } catch {
    // The export does not exist on this system: the caller tries the next way.
    return null;
  }
}
