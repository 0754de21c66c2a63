/**
 * A registry value as the agent reads it, and the decoding of a value's
 * bytes by its type (MSDN, "Registry Value Types"): REG_SZ and
 * REG_EXPAND_SZ are UTF-16LE, possibly NUL-terminated; REG_MULTI_SZ is
 * NUL-terminated strings ended by one more NUL; REG_DWORD and REG_QWORD are
 * little-endian. Pure, so it is tested on any platform.
 */

/** One value of a registry key: its name, its type, its data decoded by type. */
export type RegistryValue =
  | { name: string; type: 'REG_DWORD' | 'REG_QWORD'; data: number | bigint }
  | { name: string; type: 'REG_SZ' | 'REG_EXPAND_SZ'; data: string }
  | { name: string; type: 'REG_MULTI_SZ'; data: string[] }
  | { name: string; type: 'REG_BINARY' | 'REG_NONE' | 'REG_OTHER'; data: Uint8Array };

/** Reads every value of a key (`HKLM\...` or `HKCU\...`); undefined when the key does not exist. */
export type RegistryReadKey = (key: string) => Promise<RegistryValue[] | undefined>;

/** The type numbers of winnt.h. */
export const REG_TYPES = { REG_NONE: 0, REG_SZ: 1, REG_EXPAND_SZ: 2, REG_BINARY: 3, REG_DWORD: 4, REG_MULTI_SZ: 7, REG_QWORD: 11 } as const;

/** UTF-16LE text without what follows its first NUL (a string's terminator, if any). */
function utf16(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length - (bytes.length % 2)).toString('utf16le');
  const nul = text.indexOf('\0');
  return nul < 0 ? text : text.slice(0, nul);
}

/** Decodes the data of a value of type `type` named `name`. A DWORD or QWORD of another size is REG_OTHER. */
export function decodeRegistryValue(name: string, type: number, bytes: Uint8Array): RegistryValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  switch (type) {
    case REG_TYPES.REG_SZ:
    case REG_TYPES.REG_EXPAND_SZ:
      return { name, type: type === REG_TYPES.REG_SZ ? 'REG_SZ' : 'REG_EXPAND_SZ', data: utf16(bytes) };
    case REG_TYPES.REG_MULTI_SZ: {
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length - (bytes.length % 2)).toString('utf16le');
      // "a\0b\0\0": the strings end at the first empty one (the list's terminator).
      const strings = text.split('\0');
      const end = strings.indexOf('');
      return { name, type: 'REG_MULTI_SZ', data: end < 0 ? strings : strings.slice(0, end) };
    }
    case REG_TYPES.REG_DWORD:
      if (bytes.length === 4) return { name, type: 'REG_DWORD', data: view.getUint32(0, true) };
      break;
    case REG_TYPES.REG_QWORD:
      if (bytes.length === 8) {
        const big = view.getBigUint64(0, true);
        return { name, type: 'REG_QWORD', data: big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big };
      }
      break;
    case REG_TYPES.REG_BINARY:
      return { name, type: 'REG_BINARY', data: Uint8Array.from(bytes) };
    case REG_TYPES.REG_NONE:
      return { name, type: 'REG_NONE', data: Uint8Array.from(bytes) };
    default:
      break;
  }
  return { name, type: 'REG_OTHER', data: Uint8Array.from(bytes) };
}
