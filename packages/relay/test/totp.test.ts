/**
 * TOTP (RFC 6238) sign-in on a real relay process: enrolled with
 * `tandem-relay user totp` or through the API (confirmed with a code), codes
 * computed here with otplib from the secret the relay gave, a code accepted
 * once only, wrong codes counted toward the same lock as wrong passwords,
 * recovery codes spent on use, and `tandem tech session --totp`.
 */
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, api, auditEvents, createAdmin, errorCode, readUsers, runCli, startRelayProcess, type RelayFixture } from '@tandem/test-kit';

/** The secret of an otpauth URI. */
function secretOf(otpauth: string): string {
  const secret = new URL(otpauth).searchParams.get('secret');
  if (secret === null) throw new Error(`no secret in ${otpauth}`);
  return secret;
}

describe('TOTP second factor', () => {
  let relay: RelayFixture;
  let adminToken: string;

  beforeAll(async () => {
    relay = await startRelayProcess();
    adminToken = (await createAdmin(relay)).token;
  });
  afterAll(async () => {
    await relay?.stop();
  });

  const signIn = (username: string, totp?: string, password = PASSWORD) =>
    api(relay, 'POST', '/api/auth/login', { body: totp === undefined ? { username, password } : { username, password, totp } });

  /** Adds `name` with a password and enrols TOTP with the CLI; its secret and recovery codes. */
  async function enrolled(name: string): Promise<{ secret: string; recovery: string[]; pwFile: string }> {
    const pwFile = await relay.addUser(name);
    const result = await runCli(['user', 'totp', name, '--data', relay.dataDir]);
    expect(result.code, result.stderr).toBe(0);
    const otpauth = /^totp: (otpauth:\/\/totp\/\S+)$/m.exec(result.stdout)?.[1] ?? '';
    expect(otpauth).toMatch(new RegExp(`^otpauth://totp/Tandem:${name}\\?secret=[A-Z2-7]+&issuer=Tandem$`));
    const recovery = [...result.stdout.matchAll(/^recovery: ([A-Z2-7]{4}(?:-[A-Z2-7]{4}){3})$/gm)].map((m) => m[1] ?? '');
    expect(recovery).toHaveLength(10);
    return { secret: secretOf(otpauth), recovery, pwFile };
  }

  it('signs in with a code computed from the secret, and refuses the same code again', async () => {
    const { secret } = await enrolled('tess');
    const missing = await signIn('tess');
    expect(missing.status).toBe(401);
    expect(missing.json).toMatchObject({ code: 'TANDEM_ERR_SECOND_FACTOR', factors: ['totp', 'recovery'] });
    // Without the right password the second factor is never asked for.
    expect(errorCode(await signIn('tess', undefined, 'not the password'))).toBe('TANDEM_ERR_SIGNIN_FAILED');

    const code = await generate({ secret });
    const ok = await signIn('tess', code);
    expect(ok.status, ok.body).toBe(200);
    const replayed = await signIn('tess', code);
    expect(errorCode(replayed)).toBe('TANDEM_ERR_SIGNIN_FAILED');
    const failures = (await auditEvents(relay, adminToken, 'signin-failed')).filter((e) => e.username === 'tess').map((e) => e.detail);
    expect(failures).toContain('replayed one-time code');
    const tess = readUsers(await api(relay, 'GET', '/api/users', { token: adminToken })).find((u) => u.username === 'tess');
    expect(tess?.secondFactors).toEqual(['totp', 'recovery']);
    expect((await auditEvents(relay, adminToken, 'totp-enrolled')).find((e) => e.username === 'tess')?.detail).toMatch(/^by=cli/);
  });

  it('locks the account after wrong codes, as after wrong passwords', async () => {
    const { secret } = await enrolled('lola');
    for (let i = 0; i < 5; i++) expect(errorCode(await signIn('lola', String(100000 + i)))).toMatch(/^TANDEM_ERR_SIGNIN_(FAILED|LOCKED)$/);
    expect(errorCode(await signIn('lola', await generate({ secret })))).toBe('TANDEM_ERR_SIGNIN_LOCKED');
    const events = (await auditEvents(relay, adminToken)).filter((e) => e.username === 'lola');
    expect(events.filter((e) => e.kind === 'signin-failed' && e.detail === 'wrong one-time code')).toHaveLength(5);
    expect(events.some((e) => e.kind === 'signin-locked')).toBe(true);
  });

  it('takes a recovery code once, and a reset clears the factor', async () => {
    const { recovery } = await enrolled('rex');
    const [first] = recovery;
    expect((await signIn('rex', first)).status).toBe(200);
    expect(errorCode(await signIn('rex', first))).toBe('TANDEM_ERR_SIGNIN_FAILED');
    expect((await auditEvents(relay, adminToken, 'recovery-code-used')).find((e) => e.username === 'rex')?.detail).toBe('left=9');
    // A reset (lost password or phone) clears the second factor with the password.
    expect((await runCli(['user', 'reset', 'rex', '--data', relay.dataDir])).code).toBe(0);
    const rex = readUsers(await api(relay, 'GET', '/api/users', { token: adminToken })).find((u) => u.username === 'rex');
    expect(rex?.secondFactors).toEqual([]);
  });

  it('enrols through the API with a confirmation code, and only then asks for it', async () => {
    await relay.addUser('ella');
    const token = (await signIn('ella')).json?.token as string;
    const start = await api(relay, 'POST', '/api/me/totp/start', { token, body: {} });
    expect(start.json?.otpauthUrl).toMatch(/^otpauth:\/\/totp\/Tandem:ella\?/);
    expect(start.json?.qr).toMatch(/^data:image\/svg\+xml;base64,/);
    // Not enrolled until confirmed: the password alone still signs in.
    expect((await signIn('ella')).status).toBe(200);
    const secret = String(start.json?.secret);
    expect(errorCode(await api(relay, 'POST', '/api/me/totp/confirm', { token, body: { code: '000000' } }))).toBe('TANDEM_ERR_BAD_INPUT');
    const confirm = await api(relay, 'POST', '/api/me/totp/confirm', { token, body: { code: await generate({ secret }) } });
    expect(confirm.status, confirm.body).toBe(200);
    expect(confirm.json?.recoveryCodes).toHaveLength(10);
    expect(errorCode(await signIn('ella'))).toBe('TANDEM_ERR_SECOND_FACTOR');
  });

  it('signs the technician command line in with --totp', async () => {
    const { secret, pwFile } = await enrolled('tom');
    const without = relay.tech('tom', pwFile);
    await without.waitFor(/^error: TANDEM_ERR_SECOND_FACTOR /, 20_000, 'err');
    expect(await without.exited).not.toBe(0);
    const tech = relay.tech('tom', pwFile, ['--totp', await generate({ secret })]);
    await tech.waitFor(/^code: \d{8}$/);
  });
});
