/**
 * Secrets given as files on the command line (`--password-file F` and the
 * like), so that they stay out of the process list and shell history.
 */
import { readFile } from 'node:fs/promises';
import { LIMITS, TandemError } from '@tandem/protocol';

/** Reads a password file, dropping one trailing newline (as `echo` writes it); `option` names it in errors. */
export async function readPasswordFile(path: string, option = '--password-file'): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `${option}: cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  const password = text.replace(/\r?\n$/, '');
  if (password.length === 0) throw new TandemError('TANDEM_ERR_BAD_INPUT', `${option}: ${path} is empty`);
  if (password.length > LIMITS.maxPasswordChars) throw new TandemError('TANDEM_ERR_BAD_INPUT', `${option}: password longer than ${LIMITS.maxPasswordChars} characters`);
  return password;
}
