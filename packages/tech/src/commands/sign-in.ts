/**
 * The technician's sign-in on the relay's HTTP API (docs/protocol.md,
 * `POST /api/auth/login`): the bearer token the rendezvous WebSocket takes.
 */
import { LIMITS, assertObject, assertString, type TechnicianIdentity } from '@tandem/protocol';
import { requestJson, type RelayHttpOptions } from '@tandem/node-client';

/** What `POST /api/auth/login` answers. */
export interface LoginResult {
  token: string;
  user: TechnicianIdentity & { role: string };
}

/** Signs a technician in: `POST /api/auth/login`. */
export async function login(options: RelayHttpOptions, username: string, password: string): Promise<LoginResult> {
  const answer = await requestJson(options, 'POST', '/api/auth/login', { username, password });
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
