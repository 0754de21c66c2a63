/**
 * Links to the console's old address keep working: the console moved from
 * `/` to `/console/`, and links handed out before (and the `setup:` line the
 * relay prints, README) read `ORIGIN/#/setup/TOKEN` or
 * `ORIGIN/#/invitation/DATA`. Only the browser sees a fragment (RFC 3986
 * §3.5: it is never sent), so the relay cannot redirect them; this page,
 * which the relay serves at `/`, sends any fragment that is a console route
 * (`#/…`) on to the console with the same fragment. The fragment's secret
 * goes nowhere else: it stays in the address, within the relay's origin.
 */
import { CONSOLE_PATH } from '@tandem/protocol';

/** Where to go for the fragment `hash` (`location.hash`): the console, when it is a console route. */
export function consoleTarget(hash: string): string | undefined {
  return hash.startsWith('#/') ? `${CONSOLE_PATH}${hash}` : undefined;
}

/** Goes to the console, replacing this page in the history, when the address holds a console route; true if it did. */
export function forwardToConsole(location: Location): boolean {
  const target = consoleTarget(location.hash);
  if (target === undefined) return false;
  // replace: the browser's Back button skips this page instead of bouncing forward again.
  location.replace(target);
  return true;
}
