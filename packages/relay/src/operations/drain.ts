/**
 * Waiting out live sessions while the relay drains (SIGTERM with
 * `--drain-timeout`): a session ends when its people end it, so the relay
 * looks at the count of live sessions until it is zero or the time is up.
 */

/** How often the drain looks at the count of live sessions. */
export const DRAIN_POLL_MS = 100;

/** Resolves true once `count()` is 0, false once `timeoutMs` passed first. */
export function waitForSessions(count: () => number, timeoutMs: number, pollMs = DRAIN_POLL_MS): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve) => {
    const look = (): void => {
      if (count() === 0) return resolve(true);
      const left = deadline - Date.now();
      if (left <= 0) return resolve(false);
      setTimeout(look, Math.min(pollMs, left));
    };
    look();
  });
}
