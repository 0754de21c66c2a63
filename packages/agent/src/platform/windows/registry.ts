/**
 * Reading a registry key's values on Windows (advapi32): RegOpenKeyExW
 * (KEY_READ, the 64-bit view), RegQueryInfoKeyW for the longest name and
 * data, RegEnumValueW for each value, RegCloseKey. A key that does not
 * exist is undefined; any other failure (access denied) is an error.
 */
import { TandemError } from '@tandem/protocol';
import { WindowsFfi } from './ffi.js';
import { decodeRegistryValue, type RegistryReadKey, type RegistryValue } from './registry-value.js';

/** The predefined keys (winreg.h), by the short names messages use. */
const ROOTS: Record<string, number> = { HKLM: 0x80000002, HKEY_LOCAL_MACHINE: 0x80000002, HKCU: 0x80000001, HKEY_CURRENT_USER: 0x80000001 };

const KEY_READ = 0x20019;
const KEY_WOW64_64KEY = 0x0100;
const ERROR_SUCCESS = 0;
const ERROR_FILE_NOT_FOUND = 2;
const ERROR_ACCESS_DENIED = 5;
const ERROR_MORE_DATA = 234;
const ERROR_NO_MORE_ITEMS = 259;
/** Past this, a value that keeps growing is an error, not another try. */
const MAX_VALUE_BYTES = 16 * 1024 * 1024;

type Status = number;
interface Advapi {
  RegOpenKeyExW: (root: number, subKey: string, options: number, sam: number, key: [number]) => Status;
  RegQueryInfoKeyW: (key: number, c: null, cc: null, r: null, subKeys: null, maxSub: null, maxClass: null, values: [number], maxName: [number], maxData: [number], sd: null, time: null) => Status;
  RegEnumValueW: (key: number, index: number, name: Buffer, nameChars: [number], r: null, type: [number], data: Buffer, dataBytes: [number]) => Status;
  RegCloseKey: (key: number) => Status;
}

function declare(ffi: WindowsFfi): Advapi {
  return {
    RegOpenKeyExW: ffi.func('advapi32', 'long __stdcall RegOpenKeyExW(uintptr_t hKey, const char16_t *lpSubKey, uint32_t ulOptions, uint32_t samDesired, _Out_ uintptr_t *phkResult)'),
    RegQueryInfoKeyW: ffi.func('advapi32', 'long __stdcall RegQueryInfoKeyW(uintptr_t hKey, void *lpClass, void *lpcchClass, void *lpReserved, void *lpcSubKeys, void *lpcbMaxSubKeyLen, void *lpcbMaxClassLen, _Out_ uint32_t *lpcValues, _Out_ uint32_t *lpcbMaxValueNameLen, _Out_ uint32_t *lpcbMaxValueLen, void *lpcbSecurityDescriptor, void *lpftLastWriteTime)'),
    RegEnumValueW: ffi.func('advapi32', 'long __stdcall RegEnumValueW(uintptr_t hKey, uint32_t dwIndex, _Out_ uint16_t *lpValueName, _Inout_ uint32_t *lpcchValueName, void *lpReserved, _Out_ uint32_t *lpType, _Out_ uint8_t *lpData, _Inout_ uint32_t *lpcbData)'),
    RegCloseKey: ffi.func('advapi32', 'long __stdcall RegCloseKey(uintptr_t hKey)'),
  };
}

/** An error for a failed call; the caller names the key. */
function failure(fn: string, status: Status): Error {
  return new TandemError('TANDEM_ERR_INTERNAL', `${fn}: ${status === ERROR_ACCESS_DENIED ? 'access denied' : 'Win32 error'} (${status})`);
}

/** Reads every value of `key` (`HKLM\Software\…` or `HKCU\…`) through `ffi`; undefined when the key does not exist. */
export function readRegistryKeySync(ffi: WindowsFfi, key: string): RegistryValue[] | undefined {
  const slash = key.indexOf('\\');
  const root = ROOTS[slash < 0 ? key : key.slice(0, slash)];
  if (root === undefined) throw new TandemError('TANDEM_ERR_INTERNAL', `registry: ${key} is not under HKLM or HKCU`);
  const api = declare(ffi);
  const handle: [number] = [0];
  const opened = api.RegOpenKeyExW(root, slash < 0 ? '' : key.slice(slash + 1), 0, KEY_READ | KEY_WOW64_64KEY, handle);
  if (opened === ERROR_FILE_NOT_FOUND) return undefined;
  if (opened !== ERROR_SUCCESS) throw failure('RegOpenKeyExW', opened);
  try {
    const count: [number] = [0];
    const maxName: [number] = [0];
    const maxData: [number] = [0];
    const info = api.RegQueryInfoKeyW(handle[0], null, null, null, null, null, null, count, maxName, maxData, null, null);
    if (info !== ERROR_SUCCESS) throw failure('RegQueryInfoKeyW', info);
    const values: RegistryValue[] = [];
    let nameChars = maxName[0] + 1;
    let dataBytes = Math.max(maxData[0], 1);
    for (let index = 0; ; ) {
      const name = Buffer.alloc(nameChars * 2);
      const data = Buffer.alloc(dataBytes);
      const nameLength: [number] = [nameChars];
      const dataLength: [number] = [dataBytes];
      const type: [number] = [0];
      const status = api.RegEnumValueW(handle[0], index, name, nameLength, null, type, data, dataLength);
      if (status === ERROR_NO_MORE_ITEMS) return values;
      if (status === ERROR_MORE_DATA) {
        // A value grew since RegQueryInfoKeyW: try the same index with room enough (a value is at most 1 MB, MSDN "Registry Element Size Limits").
        if (dataBytes > MAX_VALUE_BYTES) throw failure('RegEnumValueW', status);
        nameChars *= 2;
        dataBytes = Math.max(dataBytes * 2, dataLength[0]);
        continue;
      }
      if (status !== ERROR_SUCCESS) throw failure('RegEnumValueW', status);
      values.push(decodeRegistryValue(name.toString('utf16le', 0, nameLength[0] * 2), type[0], data.subarray(0, dataLength[0])));
      index++;
    }
  } finally {
    api.RegCloseKey(handle[0]);
  }
}

/** The registry reader on Windows (koffi loaded on first use); undefined elsewhere. */
export function windowsRegistry(platform: NodeJS.Platform = process.platform): RegistryReadKey | undefined {
  if (platform !== 'win32') return undefined;
  return (key) =>
    new Promise((resolve) => {
      const ffi = WindowsFfi.load();
      try {
        resolve(readRegistryKeySync(ffi, key));
      } finally {
        ffi.close();
      }
    });
}
