/**
 * Getting an invitation's password for `tandem invite`: from a file, from
 * the first line of stdin, or asked on the terminal without echo.
 */
import { LIMITS, TandemError } from '@tandem/protocol';
import type { Readable, Writable } from 'node:stream';
import type { LineInput } from '@tandem/node-client';

/** Shortest invitation password, characters: wrong ones are limited, but a few characters at least. */
export const MIN_INVITATION_PASSWORD_CHARS = 4;

/** Checks an invitation password's length; returns it. */
export function checkInvitationPassword(password: string, source: string): string {
  if ([...password].length < MIN_INVITATION_PASSWORD_CHARS) throw new TandemError('TANDEM_ERR_BAD_INPUT', `${source}: the password must have at least ${MIN_INVITATION_PASSWORD_CHARS} characters`);
  if (password.length > LIMITS.maxPasswordChars) throw new TandemError('TANDEM_ERR_BAD_INPUT', `${source}: the password must have at most ${LIMITS.maxPasswordChars} characters`);
  return password;
}

/** The next line of `input`, or undefined at its end. */
export function nextLine(input: LineInput): Promise<string | undefined> {
  return new Promise((resolve) => {
    const look = (): void => {
      const line = input.shift();
      if (line !== undefined) resolve(line);
      else if (input.ended) resolve(undefined);
      else input.onChange(look);
    };
    look();
  });
}

/** Asks for a line on a terminal without echoing it. */
export function askHidden(prompt: string, stdin: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown }, stderr: Writable): Promise<string> {
  if (stdin.isTTY !== true || typeof stdin.setRawMode !== 'function') {
    return Promise.reject(new TandemError('TANDEM_ERR_BAD_INPUT', '--ask-password needs a terminal; use --password-file F or --password-stdin in scripts'));
  }
  const setRaw = stdin.setRawMode.bind(stdin);
  stderr.write(prompt);
  setRaw(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (err?: TandemError): void => {
      stdin.off('data', onData);
      setRaw(false);
      stdin.pause();
      stderr.write('\n');
      if (err) reject(err);
      else resolve(text);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new TandemError('TANDEM_ERR_BAD_INPUT', 'no password given (Ctrl+C)'));
        if (ch === '\u007f' || ch === '\b') text = [...text].slice(0, -1).join('');
        else if (ch >= ' ') text += ch;
      }
    };
    stdin.on('data', onData);
  });
}
