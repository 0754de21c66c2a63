import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, api, auditEvents, createAdmin, login, readLogin, readSetupLink, readUsers, startRelayProcess, type ApiAnswer, type RelayFixture } from '@tandem/test-kit';

let relay: RelayFixture;
let admin: string;

beforeAll(async () => {
  relay = await startRelayProcess();
});
afterAll(() => relay.stop());

describe('HTTP API', () => {
  it('serves /api/info and security headers on every response', async () => {
    const info = await api(relay, 'GET', '/api/info');
    expect(info.status).toBe(200);
    expect(info.json).toMatchObject({ tls: false });
    expect(typeof info.json?.version).toBe('string');
    expect(info.json?.fingerprint).toBeUndefined();
    for (const answer of [info, await api(relay, 'GET', '/'), await api(relay, 'GET', '/api/nope')]) {
      expect(answer.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(answer.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['referrer-policy']).toBe('no-referrer');
    }
    expect((await api(relay, 'GET', '/')).status).toBe(200);
    expect((await api(relay, 'GET', '/api/nope')).json).toMatchObject({ code: 'TANDEM_ERR_NOT_FOUND' });
  });

  it('creates the first administrator through the one-time set-up link', async () => {
    expect(relay.setupLink).toMatch(new RegExp(`^${relay.url}/#/setup/[A-Za-z0-9_-]{43}$`));
    const token = relay.setupLink?.split('/#/setup/')[1] ?? '';
    // The token travels only in request bodies (paths end up in proxies' access logs): the path form is no route at all.
    for (const method of ['GET', 'POST']) {
      const inPath = await api(relay, method, `/api/setup/${token}`, method === 'POST' ? { body: { password: PASSWORD } } : {});
      expect(inPath.status, method).toBe(404);
      expect(inPath.json?.code).toBe('TANDEM_ERR_NOT_FOUND');
    }
    expect((await api(relay, 'POST', '/api/setup/describe', { body: { token } })).json).toEqual({ username: 'admin', role: 'admin' });
    const noToken = await api(relay, 'POST', '/api/setup/describe', { body: {} });
    expect(noToken.json).toMatchObject({ code: 'TANDEM_ERR_BAD_INPUT' });
    expect(noToken.json?.message).toMatch(/token/);
    const weak = await api(relay, 'POST', '/api/setup/complete', { body: { token, password: 'short' } });
    expect(weak.status).toBe(400);
    expect(weak.json).toMatchObject({ code: 'TANDEM_ERR_BAD_INPUT' });
    expect((await api(relay, 'POST', '/api/setup/complete', { body: { token, password: PASSWORD, displayName: 'Root' } })).status).toBe(200);
    const spent = await api(relay, 'POST', '/api/setup/complete', { body: { token, password: PASSWORD } });
    expect(spent.status).toBe(403);
    expect(spent.json?.code).toBe('TANDEM_ERR_SETUP_LINK');
    expect((await api(relay, 'POST', '/api/setup/describe', { body: { token } })).json?.code).toBe('TANDEM_ERR_SETUP_LINK');
    admin = await login(relay, 'admin');
  });

  it('signs in, answers /api/me, and logs out', async () => {
    const answer = await api(relay, 'POST', '/api/auth/login', { body: { username: 'admin', password: PASSWORD, extra: 'ignored' } });
    expect(answer.json).toMatchObject({ user: { username: 'admin', displayName: 'Root', role: 'admin', team: '' } });
    expect(answer.json?.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const token = readLogin(answer).token;
    expect((await api(relay, 'GET', '/api/me', { token })).json).toEqual({ username: 'admin', displayName: 'Root', role: 'admin', team: '' });
    expect((await api(relay, 'POST', '/api/auth/logout', { token })).json).toEqual({});
    const after = await api(relay, 'GET', '/api/me', { token });
    expect(after.status).toBe(401);
    expect(after.json?.code).toBe('TANDEM_ERR_UNAUTHORIZED');
    expect((await api(relay, 'GET', '/api/me')).status).toBe(401);
  });

  it('validates bodies', async () => {
    const badName = await api(relay, 'POST', '/api/auth/login', { body: { username: 5, password: 'x' } });
    expect(badName.json).toMatchObject({ code: 'TANDEM_ERR_BAD_INPUT' });
    expect(badName.json?.message).toMatch(/username/);
    expect((await api(relay, 'POST', '/api/auth/login', { body: [1] })).json?.code).toBe('TANDEM_ERR_BAD_INPUT');
    expect((await api(relay, 'POST', '/api/auth/login', { rawBody: '{not json' })).json?.code).toBe('TANDEM_ERR_BAD_INPUT');
    const big = await api(relay, 'POST', '/api/auth/login', { rawBody: JSON.stringify({ username: 'a', password: 'x'.repeat(100_000) }) });
    expect(big.status).toBe(413);
    expect(big.json?.code).toBe('TANDEM_ERR_MESSAGE_TOO_LARGE');
    expect((await api(relay, 'POST', '/api/users', { token: admin, body: { username: 'bad name', role: 'technician' } })).json?.code).toBe('TANDEM_ERR_BAD_INPUT');
    expect((await api(relay, 'POST', '/api/users', { token: admin, body: { username: 'x', role: 'root' } })).json?.code).toBe('TANDEM_ERR_BAD_INPUT');
  });

  it('lets an admin add users with a set-up link; technicians may not', async () => {
    const created = await api(relay, 'POST', '/api/users', { token: admin, body: { username: 'tina', role: 'technician', displayName: 'Tina', team: 'Desk 2' } });
    expect(created.status).toBe(200);
    // Answered to the console, which lives at /console/: its own address, no detour through the support page.
    expect(readSetupLink(created)).toMatch(new RegExp(`^${relay.url}/console/#/setup/[A-Za-z0-9_-]{43}$`));
    expect((await api(relay, 'POST', '/api/users', { token: admin, body: { username: 'tina', role: 'technician' } })).json?.code).toBe('TANDEM_ERR_CONFLICT');
    const list = await api(relay, 'GET', '/api/users', { token: admin });
    const tinaRow = readUsers(list).find((u) => u.username === 'tina');
    expect(tinaRow).toMatchObject({ displayName: 'Tina', team: 'Desk 2', role: 'technician', hasPassword: false });
    expect(typeof tinaRow?.createdAt).toBe('number');
    const token = readSetupLink(created).split('/#/setup/')[1] ?? '';
    expect((await api(relay, 'POST', '/api/setup/complete', { body: { token, password: PASSWORD } })).status).toBe(200);
    const tina = await login(relay, 'tina');
    expect((await api(relay, 'GET', '/api/users', { token: tina })).json?.code).toBe('TANDEM_ERR_FORBIDDEN');
    expect((await api(relay, 'GET', '/api/audit/sessions', { token: tina })).status).toBe(403);
    const events = await auditEvents(relay, admin);
    expect(events.some((e) => e.kind === 'user-added' && e.username === 'tina' && e.detail.includes('by=admin'))).toBe(true);
    expect(events.some((e) => e.kind === 'password-set' && e.username === 'tina')).toBe(true);
  });

  it('exports the audit as CSV, neutralising formulas', async () => {
    await api(relay, 'POST', '/api/auth/login', { body: { username: '=HYPERLINK("http://evil")', password: 'wrong password' } });
    const csv = await api(relay, 'GET', '/api/audit/events.csv', { token: admin });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.split('\r\n')[0]).toBe('id,at,kind,username,address,sessionId,detail');
    expect(csv.body).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(csv.body).not.toMatch(/(^|,)=HYPERLINK/m);
    const sessions = await api(relay, 'GET', '/api/audit/sessions.csv', { token: admin });
    expect(sessions.body.split('\r\n')[0]).toBe(
      'sessionId,nameplate,technicianUsername,technicianAddress,customerName,customerNumber,caseNumber,customerAddress,modeRequested,modeAtStart,lastMode,createdAt,startedAt,endedAt,endReason',
    );
    expect((await api(relay, 'GET', '/api/audit/events?limit=0', { token: admin })).json?.code).toBe('TANDEM_ERR_BAD_INPUT');
    expect((await api(relay, 'GET', '/api/audit/events?limit=1', { token: admin })).json?.events).toHaveLength(1);
  });
});

describe('sign-in lockout', () => {
  let locked: RelayFixture;
  beforeAll(async () => {
    locked = await startRelayProcess();
    await createAdmin(locked);
    await locked.addUser('victim');
  });
  afterAll(() => locked.stop());

  it('locks an account after too many failures, even for the right password, and audits it', async () => {
    const attempt = (password: string): Promise<ApiAnswer> => api(locked, 'POST', '/api/auth/login', { body: { username: 'victim', password } });
    for (let i = 0; i < 4; i++) expect((await attempt('wrong password')).json?.code).toBe('TANDEM_ERR_SIGNIN_FAILED');
    const fifth = await attempt('wrong password');
    expect(fifth.status).toBe(429);
    expect(fifth.json?.code).toBe('TANDEM_ERR_SIGNIN_LOCKED');
    expect((await attempt(PASSWORD)).json?.code).toBe('TANDEM_ERR_SIGNIN_LOCKED');
    const adminToken = await login(locked, 'admin');
    const failed = (await auditEvents(locked, adminToken, 'signin-failed')).filter((e) => e.username === 'victim');
    expect(failed).toHaveLength(6);
    expect(failed.every((e) => e.address === '127.0.0.1')).toBe(true);
    const locks = (await auditEvents(locked, adminToken, 'signin-locked')).filter((e) => e.username === 'victim');
    expect(locks).toHaveLength(1);
    expect(locks[0]?.detail).toMatch(/account/);
  });

  it('locks an address after too many failures across accounts', async () => {
    const adminToken = await login(locked, 'admin');
    let last: ApiAnswer | undefined;
    for (let i = 0; i < 15; i++) last = await api(locked, 'POST', '/api/auth/login', { body: { username: `nobody${i}`, password: 'wrong password' } });
    // 5 failures for "victim" plus 15 here make 20 from this address.
    expect(last?.json?.code).toBe('TANDEM_ERR_SIGNIN_LOCKED');
    expect((await api(locked, 'POST', '/api/auth/login', { body: { username: 'admin', password: PASSWORD } })).json?.code).toBe('TANDEM_ERR_SIGNIN_LOCKED');
    const locks = await auditEvents(locked, adminToken, 'signin-locked');
    expect(locks.some((e) => /address/.test(e.detail) && e.address === '127.0.0.1')).toBe(true);
  });
});
