/** Catching an expected error in unit tests. */
import { TandemError } from '@tandem/protocol';

/** Runs `fn` and returns the TandemError it throws; fails when it returns or throws anything else. */
export function thrownTandemError(fn: () => unknown): TandemError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TandemError) return err;
    throw new Error(`expected a TandemError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected a TandemError, but nothing was thrown');
}
