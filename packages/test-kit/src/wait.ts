/**
 * Waiting in tests: a pause, polling a condition until it holds, and a file
 * that should (or should not) appear. Conditions are polled, never timed:
 * the timeouts only bound how long a failing test takes.
 */
import { existsSync } from 'node:fs';

/** How often {@link waitFor} looks again. */
const POLL_MS = 10;

/** What a check returns once it holds: anything but a falsy value. */
export type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `check` (awaited when it returns a promise) until it returns a truthy
 * value and resolves with that value; fails after `timeoutMs` naming `what`
 * (by default the check's own source).
 */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 5000, what?: string): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (isTruthy(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what ?? check.toString()}`);
    await sleep(POLL_MS);
  }
}

/** {@link waitFor} for a condition: polls until `check()` holds, failing after `timeoutMs` naming `what`. */
export async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  await waitFor(check, timeoutMs, what);
}

function isTruthy<T>(value: T): value is Truthy<T> {
  return Boolean(value);
}

/** Waits until `path` exists (true) or `ms` passed (false): for files a command should, or must not, create. */
export async function appears(path: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (existsSync(path)) return true;
    await sleep(100);
  }
  return existsSync(path);
}
