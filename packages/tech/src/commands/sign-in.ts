/**
 * The technician's sign-in on the relay's HTTP API (docs/protocol.md,
 * `POST /api/auth/login`): the bearer token the rendezvous WebSocket takes.
 *
 * The password and the token go only where the technician said: to a relay
 * they named with `--relay` (never to one an invitation names, see
 * invitation-relays.ts), and never in the clear over the network: http://
 * only to this computer's loopback.
 */
import { LIMITS, TandemError, assertObject, assertString, type TechnicianIdentity } from '@tandem/protocol';
import { isLoopbackHost, requestJson, type RelayHttpOptions } from '@tandem/node-client';

/** What `POST /api/auth/login` answers. */
export interface LoginResult {
  token: string;
  user: TechnicianIdentity & { role: string };
}

/**
 * Refuses a relay address that would carry the password or the token in
 * clear text: anything but https://, except http:// to 127.0.0.0/8, ::1 and
 * localhost (a relay on this computer, or behind a local TLS-terminating
 * proxy). Throws TANDEM_ERR_BAD_INPUT naming `--relay`.
 */
export function assertCredentialsStayEncrypted(relayUrl: string): void {
  const url = new URL(relayUrl);
  if (url.protocol === 'https:') return;
  // URL keeps IPv6 hosts in brackets; the loopback check takes the bare address.
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname.replace(/^\[(.*)\]$/, '$1'))) return;
  throw new TandemError(
    'TANDEM_ERR_BAD_INPUT',
    `--relay: ${url.origin} is http://, which would send your password and sign-in token unencrypted across the network; ` +
      `give the relay's https:// address (http:// is only for a relay on this computer: 127.0.0.0/8, ::1, localhost)`,
  );
}

/** Signs a technician in: `POST /api/auth/login`, with the second factor's code when given (`--totp`). */
export async function login(options: RelayHttpOptions, username: string, password: string, totp?: string): Promise<LoginResult> {
  assertCredentialsStayEncrypted(options.relayUrl);
  const answer = await requestJson(options, 'POST', '/api/auth/login', totp === undefined ? { username, password } : { username, password, totp });
  assertObject(answer, 'login answer');
  assertString(answer.token, 'login answer.token', 1024, 1);
  const user = answer.user;
  assertObject(user, 'login answer.user');
  assertString(user.username, 'login answer.user.username', LIMITS.maxUserNameChars, 1);
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  return {
    token: answer.token,
    user: { username: user.username, displayName: text(user.displayName), team: text(user.team), role: text(user.role) },
  };
}
