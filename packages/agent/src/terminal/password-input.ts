/**
 * Getting an invitation's password for `tandem invite`: from a file, from
 * the first line of stdin, or asked on the terminal without echo.
 */
import { LIMITS, TandemError } from '@tandem/protocol';
import type { Readable, Writable } from 'node:stream';
import type { LineInput } from '@tandem/node-client';

/**
 * The most a guesser may win against an invitation is one chance in this
 * many: the chance that one of the `--max-wrong` attempts it gets hits a
 * random password of the minimum length stays below 1 / GUESS_ODDS.
 */
export const GUESS_ODDS = 1_000_000;

/**
 * Shortest invitation password for `maxWrong` counted attempts, characters.
 * The worst case a person picks is digits only (read over the phone), 10
 * symbols per character, so a random password of L characters is guessed by
 * `maxWrong` tries with chance maxWrong / 10^L; the minimum is the smallest L
 * with maxWrong / 10^L < 1 / {@link GUESS_ODDS}: 7 for 1 to 9 attempts (the
 * default 5), 8 for 10 to 99, 9 for 100 to 999. Each try counts because the
 * customer's agent sends nothing that depends on the password before the
 * technician proved it (docs/protocol.md, "What a guesser learns").
 */
export function minInvitationPasswordChars(maxWrong: number): number {
  let length = 1;
  // Integers only (10^9 < 2^53): maxWrong / 10^L < 1 / GUESS_ODDS  ⇔  maxWrong · GUESS_ODDS < 10^L.
  while (maxWrong * GUESS_ODDS >= 10 ** length) length++;
  return length;
}

/** Checks an invitation password's length against the number of attempts it gets; returns it. */
export function checkInvitationPassword(password: string, source: string, maxWrong: number): string {
  const min = minInvitationPasswordChars(maxWrong);
  if ([...password].length < min) {
    throw new TandemError(
      'TANDEM_ERR_BAD_INPUT',
      `${source}: the password must have at least ${min} characters with --max-wrong ${maxWrong} (so that ${maxWrong} guesses at a random password of digits succeed with a chance below one in a million)`,
    );
  }
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
