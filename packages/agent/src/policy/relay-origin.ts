/**
 * Relay addresses as the policy compares them: the URL's origin after WHATWG
 * URL normalisation (scheme and host lower-cased, default port dropped), so
 * `https://Relay.example.com:443/` and `https://relay.example.com` are the
 * same relay. The invitation format normalises the same way
 * (`normaliseRelayOrigin` in @tandem/protocol).
 */
import { TandemError } from '@tandem/protocol';

/** Longest relay address accepted, characters. */
const MAX_URL_CHARS = 256;

/**
 * Returns the origin of an `http(s)://host[:port]` address, or throws
 * TANDEM_ERR_BAD_INPUT naming `name` for anything else (another scheme,
 * credentials, a path, query or fragment).
 */
export function relayOrigin(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new TandemError('TANDEM_ERR_BAD_INPUT', `${name}: must be a string`);
  if (value.length > MAX_URL_CHARS) throw new TandemError('TANDEM_ERR_BAD_INPUT', `${name}: longer than ${MAX_URL_CHARS} characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch (err) {
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `${name}: not a URL: ${JSON.stringify(value)}`, { cause: err });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TandemError('TANDEM_ERR_BAD_INPUT', `${name}: must start with https:// or http://, got ${JSON.stringify(value)}`);
  if (url.username !== '' || url.password !== '') throw new TandemError('TANDEM_ERR_BAD_INPUT', `${name}: must not contain a user name or password`);
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || /[?#]/.test(value)) {
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `${name}: give only the relay's address (scheme, host, port), got ${JSON.stringify(value)}`);
  }
  return url.origin;
}
