/**
 * The one place that loads koffi (FFI) and the Windows DLLs. Every Windows
 * file of the agent (the desktop driver, the event log, the registry policy,
 * the clipboard, the account's name) declares its functions through a
 * {@link WindowsFfi}; nothing else requires koffi.
 *
 * koffi is loaded lazily, only on `process.platform === 'win32'`, with a
 * require relative to this module: in development from the repository's
 * node_modules (`koffi`, pinned exactly in packages/agent/package.json, and its
 * Windows part `@koromix/koffi-win32-x64` beside it), in the downloaded
 * Windows agent from its private folder, where the bootstrap writes
 * `node_modules/koffi/…` and `node_modules/@koromix/koffi-win32-x64/…` next
 * to the agent's bundle (docs/agent-file.md).
 */
import { createRequire } from 'node:module';
import type * as Koffi from 'koffi';
import { TandemError } from '@tandem/protocol';

/** The koffi module's API. */
export type KoffiApi = typeof Koffi;

/** A koffi type: a type name (`'int'`, `'void *'`) or a type object (a struct, a pointer, a callback's prototype). */
export type TypeSpec = Parameters<KoffiApi['type']>[0];

/** A function declared through koffi: called with JavaScript values, returns the C result. */
export type NativeFunction = (...args: never[]) => unknown;

/** The DLLs the agent calls. */
export type WindowsDll = 'user32' | 'gdi32' | 'kernel32' | 'advapi32' | 'secur32';

const DLLS: readonly WindowsDll[] = ['user32', 'gdi32', 'kernel32', 'advapi32', 'secur32'];

/**
 * koffi and the agent's Windows DLLs, loaded on first use. Each user holds
 * its own instance (LoadLibrary counts references, so several are cheap).
 * Function signatures are C prototypes in koffi's syntax with
 * `__stdcall` (the Win32 API's convention; on x64 it is the one convention).
 */
export class WindowsFfi {
  readonly koffi: KoffiApi;
  readonly #libs = new Map<WindowsDll, Koffi.LibraryHandle>();

  private constructor(koffi: KoffiApi) {
    this.koffi = koffi;
  }

  /**
   * Loads koffi; throws a TandemError (TANDEM_ERR_INTERNAL, naming the
   * platform or the missing module) anywhere but on Windows or when koffi's
   * Windows part is not where it should be.
   */
  static load(platform: NodeJS.Platform = process.platform): WindowsFfi {
    if (platform !== 'win32') throw new TandemError('TANDEM_ERR_INTERNAL', `the Windows functions are not available on ${platform}`);
    const require = createRequire(import.meta.url);
    try {
      return new WindowsFfi(require('koffi') as KoffiApi);
    } catch (err) {
      throw new TandemError('TANDEM_ERR_INTERNAL', `koffi (the FFI for the Windows functions) cannot be loaded: ${(err as Error).message}`, { cause: err });
    }
  }

  /**
   * Where koffi's entry is, for a worker thread that runs a Windows message
   * loop of its own (a low-level hook is called on the thread that set it,
   * from that thread's message loop): the worker requires this path, the
   * same module this loader found.
   */
  static modulePath(platform: NodeJS.Platform = process.platform): string {
    WindowsFfi.load(platform);
    return createRequire(import.meta.url).resolve('koffi');
  }

  /** The DLL `name`, loaded on first use (LoadLibraryW through koffi.load). */
  dll(name: WindowsDll): Koffi.LibraryHandle {
    if (!DLLS.includes(name)) throw new TandemError('TANDEM_ERR_INTERNAL', `no such Windows DLL in the agent's list: ${String(name)}`);
    let lib = this.#libs.get(name);
    if (lib === undefined) {
      lib = this.koffi.load(`${name}.dll`);
      this.#libs.set(name, lib);
    }
    return lib;
  }

  /**
   * Declares the function of `dll` named in `signature`, a C prototype such
   * as `'int __stdcall GetSystemMetrics(int nIndex)'`; `T` is its JavaScript
   * shape. Throws when the DLL has no such export.
   */
  func<T extends NativeFunction>(dll: WindowsDll, signature: string): T {
    return this.dll(dll).func(signature) as unknown as T;
  }

  /**
   * Declares `name` of `dll` with koffi types (for structs and callbacks
   * declared as type objects, which a prototype string cannot name without
   * registering a global type name).
   */
  funcOf<T extends NativeFunction>(dll: WindowsDll, name: string, result: TypeSpec, args: readonly TypeSpec[]): T {
    return this.dll(dll).func('__stdcall', name, result, [...args]) as unknown as T;
  }

  /** Closes the DLLs this instance loaded (FreeLibrary). */
  close(): void {
    for (const lib of this.#libs.values()) lib.unload();
    this.#libs.clear();
  }
}
