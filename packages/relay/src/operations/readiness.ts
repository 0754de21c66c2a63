/**
 * Readiness: the named checks `/readyz` runs. The database is one; a Redis
 * check joins the list when the relay runs as one node of several (issue 15,
 * "Several nodes"), without a change here.
 */
import { sql } from 'kysely';
import type { Storage } from '../storage.js';

/** One dependency the relay needs to take on new sessions. */
export interface ReadinessCheck {
  /** Its name in `/readyz`'s answer (`database`, later `redis`). */
  readonly name: string;
  /** Resolves when it is reachable; rejects with why not. */
  check(): Promise<void>;
}

/** How long one check may take before it counts as failed. */
export const READINESS_TIMEOUT_MS = 2000;

/** The database answers `select 1`. */
export function databaseCheck(storage: Storage): ReadinessCheck {
  return {
    name: 'database',
    check: async () => {
      await sql`select 1`.execute(storage.db);
    },
  };
}

/** One check's result: `ok`, or `failed` with the reason (for the log only: `/readyz` answers the word). */
export type CheckResult = { ok: true } | { ok: false; reason: string };

/** Runs `check` with {@link READINESS_TIMEOUT_MS}. */
export async function runCheck(check: ReadinessCheck, timeoutMs = READINESS_TIMEOUT_MS): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check.check(), timeout]);
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}
