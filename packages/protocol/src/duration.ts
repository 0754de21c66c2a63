/**
 * The one reading of a duration typed by a person, for every command line
 * (`tandem-relay start --code-lifetime 5m`, `tandem invite --expires 2d`,
 * `--relay-timeout 30s`): a number (decimals allowed) and a unit, `ms`, `s`,
 * `m`, `h` or `d`; a bare number is seconds. Milliseconds out.
 */
import { TandemError } from './errors.js';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses `text` into milliseconds. Throws `TANDEM_ERR_BAD_INPUT` naming
 * `name` when it is not a positive duration.
 */
export function parseDuration(text: string, name = 'duration'): number {
  const match = /^\s*(\d{1,9}(?:\.\d{1,3})?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!match) throw new TandemError('TANDEM_ERR_BAD_INPUT', `${name}: ${JSON.stringify(text)} is not a duration such as 30s, 5m, 1h or 2d`);
  const ms = Math.round(Number(match[1]) * (UNIT_MS[match[2] ?? 's'] ?? 1000));
  if (!(ms > 0) || !Number.isSafeInteger(ms)) throw new TandemError('TANDEM_ERR_BAD_INPUT', `${name}: must be a positive duration`);
  return ms;
}
