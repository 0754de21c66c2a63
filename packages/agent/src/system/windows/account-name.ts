/**
 * The Windows account's full name: GetUserNameExW with NameDisplay
 * (secur32, MSDN "GetUserNameExW", EXTENDED_NAME_FORMAT). A local account
 * without a full name, or a computer that cannot look it up, has none.
 */
import { WindowsFfi } from '../../platform/windows/ffi.js';

/** EXTENDED_NAME_FORMAT's NameDisplay (secext.h). */
const NAME_DISPLAY = 3;
/** Characters of room for the name; a longer one fails the call (ERROR_MORE_DATA) and the user name is used. */
const NAME_CHARS = 1024;

type GetUserNameEx = (format: number, buffer: Buffer, size: [number]) => boolean;

/** The display name of the account this process runs as, or undefined when it has none. */
export function windowsDisplayName(ffi: WindowsFfi): string | undefined {
  const getUserNameEx = ffi.func<GetUserNameEx>('secur32', 'bool __stdcall GetUserNameExW(int NameFormat, _Out_ uint16_t *lpNameBuffer, _Inout_ uint32_t *nSize)');
  const buffer = Buffer.alloc(NAME_CHARS * 2);
  const size: [number] = [NAME_CHARS];
  if (!getUserNameEx(NAME_DISPLAY, buffer, size)) return undefined;
  // On success nSize is the length without the terminating NUL.
  const name = buffer.toString('utf16le', 0, Math.min(size[0], NAME_CHARS) * 2).trim();
  return name === '' ? undefined : name;
}

/** {@link windowsDisplayName} with koffi loaded for the call (throws when koffi cannot be loaded). */
export function loadWindowsDisplayName(): string | undefined {
  const ffi = WindowsFfi.load();
  try {
    return windowsDisplayName(ffi);
  } finally {
    ffi.close();
  }
}
