import { TandemError } from '@tandem/protocol';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a human duration such as `5m`, `90s`, `2s`, `1h` or `1500ms` into
 * milliseconds. A bare number is taken as seconds. Throws
 * `TANDEM_ERR_BAD_INPUT` naming `name` when the text is not a positive duration.
 */
export function parseDuration(text: string, name = 'duration'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!match) throw new TandemError('TANDEM_ERR_BAD_INPUT', `${name}: "${text}" is not a duration (examples: 5m, 90s, 2s)`);
  const value = Number(match[1]);
  const ms = Math.round(value * (UNITS[match[2] ?? 's'] ?? 1000));
  if (!(ms > 0) || !Number.isSafeInteger(ms)) throw new TandemError('TANDEM_ERR_BAD_INPUT', `${name}: must be a positive duration`);
  return ms;
}
