/**
 * VNC password files for `--rfb-password-file` and `--vnc-password-file`:
 * either plain text (the first line is the password) or the 8-byte
 * obfuscated vncpasswd format written by `vncpasswd` and `x11vnc -storepasswd`.
 */
import { readFile } from 'node:fs/promises';
import { TandemError } from '@tandem/protocol';
import { decodeVncPasswordFile } from '@tandem/rfb';

/** Reads the password in `path`; a clear error when it is missing or empty. */
export async function readVncPasswordFile(path: string, option: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `${option}: cannot read ${path}: ${(err as Error).message}`);
  }
  const password = parseVncPasswordFile(bytes);
  if (password === '') throw new TandemError('TANDEM_ERR_BAD_INPUT', `${option}: ${path} holds an empty password`);
  return password;
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The password in a file's bytes: binary vncpasswd format when it holds bytes text never has. */
export function parseVncPasswordFile(bytes: Uint8Array): string {
  // vncpasswd output is 8 bytes of DES ciphertext (16 with TigerVNC's view-only password): a control
  // byte or invalid UTF-8 in a file of that length is that format; text files are read as text.
  const control = bytes.some((b) => (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f);
  const binary = (bytes.length === 8 || bytes.length === 16) && (control || !isUtf8(bytes));
  if (binary) return decodeVncPasswordFile(bytes);
  const text = Buffer.from(bytes).toString('latin1');
  return (text.split(/\r?\n/)[0] ?? '');
}
