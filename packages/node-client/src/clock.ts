/**
 * The agent's clock. In normal use it is the system clock. For tests only,
 * `TANDEM_TEST_CLOCK_OFFSET_MS` (a whole number of milliseconds, negative
 * for the past) shifts what this process believes the time is, so a test
 * can run a technician or customer "days ahead" or "days back" without
 * changing the machine's clock. It is read once when a command starts; it is
 * documented as test-only (README, "Invitations") and never needed in use.
 */
import { TandemError } from '@tandem/protocol';

/** The environment variable that shifts the clock, for tests only. */
export const TEST_CLOCK_ENV = 'TANDEM_TEST_CLOCK_OFFSET_MS';

/** A clock: milliseconds since the epoch. */
export type Clock = () => number;

/** The process's clock: the system clock, shifted by {@link TEST_CLOCK_ENV} when set. */
export function clockFromEnv(env: NodeJS.ProcessEnv): Clock {
  const raw = env[TEST_CLOCK_ENV];
  if (raw === undefined || raw === '') return Date.now;
  if (!/^-?\d{1,15}$/.test(raw)) throw new TandemError('TANDEM_ERR_BAD_INPUT', `${TEST_CLOCK_ENV}: must be a whole number of milliseconds, got ${JSON.stringify(raw)}`);
  const offset = Number(raw);
  return () => Date.now() + offset;
}

/** A time in the local time zone as ISO 8601 with its offset: 2025-06-01T18:30:00+09:00. */
export function localIsoTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2): string => String(Math.abs(n)).padStart(w, '0');
  const offsetMin = -d.getTimezoneOffset();
  const sign = offsetMin >= 0 ? '+' : '-';
  const date = `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return `${date}T${time}${sign}${pad(Math.trunc(offsetMin / 60))}:${pad(offsetMin % 60)}`;
}
