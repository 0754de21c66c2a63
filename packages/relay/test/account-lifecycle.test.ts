/**
 * The account lifecycle on a real relay process: disable, enable, reset,
 * unlock, revoke and delete through `tandem-relay user …` while the relay
 * runs on the same SQLite file (it must see each change at its next
 * request), and through the HTTP API; a technician's own password and
 * sign-ins; every change in the audit with who made it.
 */
import { userInfo } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PASSWORD,
  api,
  auditEvents,
  connect,
  createAdmin,
  errorCode,
  login,
  readUsers,
  runCli,
  startRelayProcess,
  type RelayFixture,
} from '@tandem/test-kit';

const CLI_ACTOR = `cli:${userInfo().username}`;

describe('account lifecycle', () => {
  let relay: RelayFixture;
  let adminToken: string;

  beforeAll(async () => {
    relay = await startRelayProcess();
    adminToken = (await createAdmin(relay)).token;
  });
  afterAll(async () => {
    await relay?.stop();
  });

  const cli = (...args: string[]) => runCli(['user', ...args, '--data', relay.dataDir]);
  const me = async (token: string) => (await api(relay, 'GET', '/api/me', { token })).status;
  const signIn = (username: string, password = PASSWORD) => api(relay, 'POST', '/api/auth/login', { body: { username, password } });
  const listed = async () => (await cli('list')).stdout.trim().split('\n').map((l) => l.split('\t'));

  /** A technician connection signed in with `token`, at `ready`. */
  async function technicianConnection(token: string) {
    const tech = await connect(relay);
    tech.send({ t: 'auth', token });
    await tech.signal('ready');
    return tech;
  }

  it('disables, enables, resets, unlocks and deletes through the CLI while the relay runs', async () => {
    await relay.addUser('tara');
    const token = await login(relay, 'tara');
    const tech = await technicianConnection(token);
    expect(await listed()).toContainEqual(['tara', 'technician', 'enabled', 'set', '1', 'none']);
    expect((await listed())[0]).toEqual(['username', 'role', 'status', 'password', 'signins', 'second-factors']);

    // Disabled: the token stops working, sign-in is refused, the open technician connection gets no code.
    const disabled = await cli('disable', 'tara');
    expect(disabled.code, disabled.stderr).toBe(0);
    expect(disabled.stdout).toBe('user disabled: tara\n');
    expect(await me(token)).toBe(401);
    const refused = await signIn('tara');
    expect(errorCode(refused)).toBe('TANDEM_ERR_SIGNIN_FAILED');
    expect(refused.json?.message).toMatch(/disabled/);
    tech.send({ t: 'allocate', mode: 'chat' });
    expect((await tech.failure()).code).toBe('TANDEM_ERR_UNAUTHORIZED');
    expect(await listed()).toContainEqual(['tara', 'technician', 'disabled', 'set', '0', 'none']);

    const enabled = await cli('enable', 'tara');
    expect(enabled.stdout).toBe('user enabled: tara\n');
    // Revocation layer: enabled again, the tokens from before the disabling stay dead (the account signs in afresh).
    expect(await me(token)).toBe(401);
    const again = await login(relay, 'tara');

    // Reset: the old password and every token stop working; the new link sets a new password.
    const reset = await cli('reset', 'tara');
    expect(reset.code, reset.stderr).toBe(0);
    const link = /^setup: (\S+)$/m.exec(reset.stdout)?.[1] ?? '';
    expect(link).toMatch(/\/#\/setup\/[A-Za-z0-9_-]{43}$/);
    expect(await me(again)).toBe(401);
    expect(errorCode(await signIn('tara'))).toBe('TANDEM_ERR_SIGNIN_FAILED');
    expect(await listed()).toContainEqual(['tara', 'technician', 'enabled', 'pending', '0', 'none']);
    const setup = await api(relay, 'POST', '/api/setup/complete', { body: { token: link.split('/#/setup/')[1], password: 'a brand new password' } });
    expect(setup.status, setup.body).toBe(200);
    await login(relay, 'tara', 'a brand new password');

    // Locked after five wrong passwords, even the right one is refused, until the CLI unlocks it.
    for (let i = 0; i < 5; i++) await signIn('tara', 'wrong wrong wrong');
    expect(errorCode(await signIn('tara', 'a brand new password'))).toBe('TANDEM_ERR_SIGNIN_LOCKED');
    const locked = readUsers(await api(relay, 'GET', '/api/users', { token: adminToken })).find((u) => u.username === 'tara');
    expect(locked?.locked).toBe(true);
    expect((await cli('unlock', 'tara')).stdout).toBe('user unlocked: tara\n');
    const afterUnlock = await login(relay, 'tara', 'a brand new password');

    const revoked = await cli('revoke', 'tara');
    expect(revoked.stdout).toBe('sign-ins revoked: tara (2)\n');
    expect(await me(afterUnlock)).toBe(401);

    // Deleted: gone from the list and cannot sign in; its audit rows stay with its name.
    expect((await cli('delete', 'tara')).stdout).toBe('user deleted: tara\n');
    expect((await listed()).map((row) => row[0])).not.toContain('tara');
    expect(errorCode(await signIn('tara', 'a brand new password'))).toBe('TANDEM_ERR_SIGNIN_FAILED');
    const unknown = await cli('disable', 'tara');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no user tara \(TANDEM_ERR_NOT_FOUND\)/);

    const events = (await auditEvents(relay, adminToken)).filter((e) => e.username === 'tara');
    for (const kind of ['user-disabled', 'user-enabled', 'user-reset', 'user-unlocked', 'signins-revoked', 'user-deleted'] as const) {
      expect(events.find((e) => e.kind === kind)?.detail, kind).toMatch(new RegExp(`^by=${CLI_ACTOR}\\b`));
    }
    expect(events.some((e) => e.kind === 'signin-failed' && e.detail === 'account disabled')).toBe(true);
    expect(events.some((e) => e.kind === 'signin-locked')).toBe(true);
  });

  it('disabled-flag layer: a token that was not revoked still stops working once the account is disabled (the flag alone, written into the database)', async () => {
    await relay.addUser('dora');
    const token = await login(relay, 'dora');
    const tech = await technicianConnection(token);
    // Only the flag, as a token issued while it was being written would see it: no token is revoked.
    const db = new Database(join(relay.dataDir, 'tandem.sqlite'));
    try {
      db.prepare('UPDATE users SET disabled_at = ? WHERE username = ?').run(Date.now(), 'dora');
    } finally {
      db.close();
    }
    expect(await me(token)).toBe(401);
    tech.send({ t: 'allocate', mode: 'chat' });
    expect((await tech.failure()).code).toBe('TANDEM_ERR_UNAUTHORIZED');
  });

  it('does the same through the HTTP API, for administrators only, never on their own account', async () => {
    await relay.addUser('bob');
    await relay.addUser('carol');
    const carol = await login(relay, 'carol');
    const bob = await login(relay, 'bob');
    const call = (method: string, path: string, token = adminToken) => api(relay, method, path, { token, body: method === 'DELETE' ? undefined : {} });

    expect(errorCode(await call('POST', '/api/users/bob/disable', carol))).toBe('TANDEM_ERR_FORBIDDEN');
    expect(errorCode(await call('POST', '/api/users/admin/disable'))).toBe('TANDEM_ERR_CONFLICT');
    expect(errorCode(await call('DELETE', '/api/users/admin'))).toBe('TANDEM_ERR_CONFLICT');
    expect(errorCode(await call('POST', '/api/users/nobody/disable'))).toBe('TANDEM_ERR_NOT_FOUND');
    expect(errorCode(await call('POST', '/api/users/bad%20name/disable'))).toBe('TANDEM_ERR_BAD_INPUT');

    expect((await call('POST', '/api/users/bob/disable')).status).toBe(200);
    expect(await me(bob)).toBe(401);
    const users = readUsers(await api(relay, 'GET', '/api/users', { token: adminToken }));
    expect(users.find((u) => u.username === 'bob')).toMatchObject({ disabled: true, signins: 0 });
    expect((await call('POST', '/api/users/bob/enable')).status).toBe(200);
    const bob2 = await login(relay, 'bob');
    const revoke = await call('POST', '/api/users/bob/revoke-signins');
    expect(revoke.json).toEqual({ revoked: 1 });
    expect(await me(bob2)).toBe(401);
    const reset = await call('POST', '/api/users/bob/reset');
    expect(reset.json?.setupLink).toMatch(/\/#\/setup\/[A-Za-z0-9_-]{43}$/);
    expect(errorCode(await signIn('bob'))).toBe('TANDEM_ERR_SIGNIN_FAILED');
    expect((await call('POST', '/api/users/bob/unlock')).status).toBe(200);
    expect((await call('DELETE', '/api/users/bob')).status).toBe(200);
    expect(readUsers(await api(relay, 'GET', '/api/users', { token: adminToken })).map((u) => u.username)).not.toContain('bob');

    const events = (await auditEvents(relay, adminToken)).filter((e) => e.username === 'bob');
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['user-disabled', 'user-enabled', 'signins-revoked', 'user-reset', 'user-unlocked', 'user-deleted']));
    for (const e of events.filter((e) => e.kind.startsWith('user-') && e.kind !== 'user-added')) expect(e.detail).toMatch(/^by=admin\b/);
  });

  it('lets a technician change the password (the current one required) and see the sign-ins', async () => {
    await relay.addUser('dina');
    const first = await login(relay, 'dina');
    const second = await login(relay, 'dina');
    const signins = await api(relay, 'GET', '/api/me/signins', { token: second });
    const rows = signins.json?.signins as { id: string; current: boolean; address: string; createdAt: number }[];
    expect(rows).toHaveLength(2);
    expect(rows.filter((r) => r.current)).toHaveLength(1);
    expect(rows.every((r) => /^[0-9a-f]{16}$/.test(r.id) && r.address === '127.0.0.1' && r.createdAt > 0)).toBe(true);

    const change = (currentPassword: string, newPassword: string) => api(relay, 'POST', '/api/me/password', { token: second, body: { currentPassword, newPassword } });
    expect(errorCode(await change('not my password', 'another good password'))).toBe('TANDEM_ERR_SIGNIN_FAILED');
    expect(errorCode(await change(PASSWORD, 'short'))).toBe('TANDEM_ERR_BAD_INPUT');
    expect((await change(PASSWORD, 'another good password')).status).toBe(200);
    // The other sign-in is revoked, the one that made the change stays; only the new password works.
    expect(await me(first)).toBe(401);
    expect(await me(second)).toBe(200);
    expect(errorCode(await signIn('dina'))).toBe('TANDEM_ERR_SIGNIN_FAILED');
    await login(relay, 'dina', 'another good password');
    const events = await auditEvents(relay, adminToken, 'password-changed');
    expect(events.find((e) => e.username === 'dina')?.detail).toBe('by=dina other-signins-revoked=1');
    expect((await auditEvents(relay, adminToken, 'signin-failed')).some((e) => e.username === 'dina' && e.detail === 'wrong password')).toBe(true);
  });
});
