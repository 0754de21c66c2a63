/**
 * The one normalisation of a relay address, used wherever relays are named:
 * the session (whose origin CPace binds), invitations, and the agent's local
 * policy. Its origin per the WHATWG URL standard (scheme and host lower-cased,
 * default port dropped), refusing anything else: another scheme, a user name
 * or password, a path, query or fragment.
 */
import { LIMITS } from './constants.js';
import { TandemError, type TandemErrorCode } from './errors.js';

/**
 * Returns the origin of an `http(s)://host[:port]` address, or throws a
 * TandemError with `code` (default TANDEM_ERR_BAD_INPUT) naming `name`.
 */
export function normaliseRelayOrigin(value: unknown, name = 'relay', code: TandemErrorCode = 'TANDEM_ERR_BAD_INPUT'): string {
  const invalid = (what: string, cause?: unknown): TandemError => new TandemError(code, `${name}: ${what}`, cause === undefined ? undefined : { cause });
  if (typeof value !== 'string') throw invalid('must be a string');
  if (value.length > LIMITS.maxRelayUrlChars) throw invalid(`longer than ${LIMITS.maxRelayUrlChars} characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch (err) {
    throw invalid(`not a URL: ${JSON.stringify(value)}`, err);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid(`must start with https:// or http://, got ${JSON.stringify(value)}`);
  if (url.username !== '' || url.password !== '') throw invalid('must not contain a user name or password');
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || /[?#]/.test(value)) {
    throw invalid(`give only the relay's address (scheme, host, port), got ${JSON.stringify(value)}`);
  }
  return url.origin;
}

/**
 * The origin of `value` when it is a relay address, else undefined: for
 * matching relays against each other (an invitation's against the console's
 * own origin or the technician's `--relay`), where "not a relay address"
 * simply means "matches nothing".
 */
export function relayOriginOf(value: unknown): string | undefined {
  try {
    return normaliseRelayOrigin(value);
  } catch {
    // normaliseRelayOrigin throws only for values that are not relay addresses: the answer is "none".
    return undefined;
  }
}
