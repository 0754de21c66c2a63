/**
 * Requiring a second factor, on a real relay process: set with
 * `tandem-relay policy require-2fa` beside the running relay and through the
 * API (administrators only, audited); an account it covers that has no
 * factor gets a sign-in that may only enrol one (TANDEM_ERR_ENROLMENT_REQUIRED
 * elsewhere, its technician client refused), which is a full sign-in once it
 * has enrolled; accounts it does not cover, and accounts with a factor
 * (`tandem tech session --totp`), are unchanged.
 */
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, api, auditEvents, createAdmin, errorCode, login, readLogin, runCli, startRelayProcess, type RelayFixture } from '@tandem/test-kit';

describe('second-factor policy', () => {
  let relay: RelayFixture;
  let adminToken: string;

  beforeAll(async () => {
    relay = await startRelayProcess();
    adminToken = (await createAdmin(relay)).token;
  });
  afterAll(async () => {
    await relay?.stop();
  });

  const policy = (...args: string[]) => runCli(['policy', ...args, '--data', relay.dataDir]);
  const signIn = (username: string, totp?: string) => api(relay, 'POST', '/api/auth/login', { body: totp === undefined ? { username, password: PASSWORD } : { username, password: PASSWORD, totp } });

  it('is set with tandem-relay policy while the relay runs, and refuses what it does not know', async () => {
    expect((await policy('show')).stdout).toBe('require-2fa: off\n');
    const set = await policy('require-2fa', 'technicians');
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toBe('require-2fa: technicians\n');
    expect((await api(relay, 'GET', '/api/policy/second-factor', { token: adminToken })).json).toEqual({ require: 'technicians' });
    const bad = await policy('require-2fa', 'some');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('tandem-relay: policy require-2fa: give one of off, admins, technicians, all\n');
    expect((await policy('show')).stdout).toBe('require-2fa: technicians\n');
    expect((await auditEvents(relay, adminToken, 'second-factor-policy')).map((e) => e.detail)).toEqual([expect.stringMatching(/^require=technicians by=cli/)]);
  });

  it('gives an account without a factor a sign-in that may only enrol one, and a full one once it has', async () => {
    await policy('require-2fa', 'technicians');
    await relay.addUser('nora');
    const answer = readLogin(await signIn('nora'));
    expect(answer.user).toMatchObject({ username: 'nora', enrolmentRequired: true });
    const token = answer.token;
    expect((await api(relay, 'GET', '/api/me', { token })).json).toMatchObject({ username: 'nora', enrolmentRequired: true });
    for (const [method, path] of [['GET', '/api/me/signins'], ['GET', '/api/audit/events']] as const) {
      const refused = await api(relay, method, path, { token });
      expect(refused.status, path).toBe(403);
      expect(errorCode(refused), path).toBe('TANDEM_ERR_ENROLMENT_REQUIRED');
    }
    // The technician client signed in so gets no session code.
    const pwFile = relay.file('nora-client.pw', `${PASSWORD}\n`);
    const client = relay.tech('nora', pwFile);
    await client.waitFor(/^error: TANDEM_ERR_ENROLMENT_REQUIRED /, 20_000, 'err');

    const start = await api(relay, 'POST', '/api/me/totp/start', { token, body: {} });
    expect(start.status, start.body).toBe(200);
    const secret = String(start.json?.secret);
    const confirm = await api(relay, 'POST', '/api/me/totp/confirm', { token, body: { code: await generate({ secret }) } });
    expect(confirm.status, confirm.body).toBe(200);
    // The same token is a full sign-in now.
    const me = await api(relay, 'GET', '/api/me', { token });
    expect(me.json).toEqual({ username: 'nora', displayName: 'nora', role: 'technician', team: '' });
    expect((await api(relay, 'GET', '/api/me/signins', { token })).status).toBe(200);
  });

  it('leaves accounts it does not cover, and accounts with a factor, as they were', async () => {
    await policy('require-2fa', 'admins');
    await relay.addUser('otto');
    expect(readLogin(await signIn('otto')).user.enrolmentRequired).toBeUndefined();
    const before = await login(relay, 'otto');
    await policy('require-2fa', 'all');
    const pwFile = await relay.addUser('tina');
    const enrol = await runCli(['user', 'totp', 'tina', '--data', relay.dataDir]);
    const secret = new URL(/^totp: (\S+)$/m.exec(enrol.stdout)?.[1] ?? 'x:').searchParams.get('secret') ?? '';
    const tech = relay.tech('tina', pwFile, ['--totp', await generate({ secret })]);
    await tech.waitFor(/^code: \d{8}$/);
    // A sign-in open before the policy stays as it was.
    expect((await api(relay, 'GET', '/api/me/signins', { token: before })).status).toBe(200);
    expect(readLogin(await signIn('otto')).user.enrolmentRequired).toBe(true);
    await policy('require-2fa', 'off');
  });

  it('is set by administrators only through the API, audited with who did it', async () => {
    await policy('require-2fa', 'off');
    await relay.addUser('pete');
    const techToken = await login(relay, 'pete');
    expect(errorCode(await api(relay, 'PUT', '/api/policy/second-factor', { token: techToken, body: { require: 'all' } }))).toBe('TANDEM_ERR_FORBIDDEN');
    expect(errorCode(await api(relay, 'PUT', '/api/policy/second-factor', { token: adminToken, body: { require: 'everyone' } }))).toBe('TANDEM_ERR_BAD_INPUT');
    const set = await api(relay, 'PUT', '/api/policy/second-factor', { token: adminToken, body: { require: 'admins' } });
    expect(set.status, set.body).toBe(200);
    expect((await policy('show')).stdout).toBe('require-2fa: admins\n');
    expect((await auditEvents(relay, adminToken, 'second-factor-policy'))[0]?.detail).toBe('require=admins by=admin');
    // The administrator signed in before keeps working; a new sign-in of theirs would be asked to enrol.
    expect((await api(relay, 'GET', '/api/users', { token: adminToken })).status).toBe(200);
    expect(readLogin(await signIn('admin')).user.enrolmentRequired).toBe(true);
    await policy('require-2fa', 'off');
  });
});
