/**
 * The console's API client against a real relay process on loopback (not a
 * server written for the test): signing in, the bearer token on every call,
 * JSON bodies, a signed-in download, and every failure turned into a coded
 * TandemError as the relay really answers it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TandemError } from '@tandem/protocol';
import { closedPortUrl, RelayFixture } from '@tandem/test-kit';
import { ApiClient, codeForStatus, errorFromResponse } from '../src/api/api-client.js';

const PASSWORD = 'api-client-right-password';

describe('ApiClient against a real relay', () => {
  const relay = new RelayFixture();

  beforeAll(async () => {
    await relay.start();
    await relay.addUser('ito', 'admin', PASSWORD, ['--display-name', 'Ito Admin']);
  });

  afterAll(async () => {
    await relay.stop();
  });

  it('signs in, then the bearer token works on every call: users, a new user\'s set-up link, the CSV export', async () => {
    const signedIn: { token?: string } = {};
    const api = new ApiClient({ baseUrl: relay.url, getToken: () => signedIn.token });
    // Without the token the relay refuses the same call: what follows works because the client sends it.
    await expect(api.listUsers()).rejects.toMatchObject({ code: 'TANDEM_ERR_UNAUTHORIZED' });
    const answer = await api.login('ito', PASSWORD);
    expect(answer.token).toMatch(/\S{16,}/);
    signedIn.token = answer.token;
    expect(await api.me()).toMatchObject({ username: 'ito', role: 'admin' });
    const before = (await api.listUsers()).map((u) => u.username).sort();
    expect(before).toContain('ito');
    expect(await api.addUser({ username: 'sato', role: 'technician' })).toMatch(/\/#\/setup\/\S+$/);
    expect((await api.listUsers()).map((u) => u.username).sort()).toEqual([...before, 'sato'].sort());
    const csv = await (await api.download('/api/audit/sessions.csv')).text();
    expect(csv.split(/\r?\n/)[0]).toMatch(/sessionId/);
  });

  it('turns a failed sign-in into TANDEM_ERR_SIGNIN_FAILED', async () => {
    const api = new ApiClient({ baseUrl: relay.url, getToken: () => undefined });
    const err = await api.login('ito', 'wrong password').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TandemError);
    expect((err as TandemError).code).toBe('TANDEM_ERR_SIGNIN_FAILED');
  });

  it('reports a token the relay rejects through onUnauthorized', async () => {
    let signedOut = 0;
    const api = new ApiClient({ baseUrl: relay.url, getToken: () => 'stale-token-from-another-relay', onUnauthorized: () => signedOut++ });
    await expect(api.listUsers()).rejects.toMatchObject({ code: 'TANDEM_ERR_UNAUTHORIZED' });
    expect(signedOut).toBe(1);
  });

  it('maps an unreachable relay to TANDEM_ERR_RELAY_UNREACHABLE', async () => {
    const unreachable = new ApiClient({ baseUrl: await closedPortUrl(), getToken: () => undefined });
    await expect(unreachable.me()).rejects.toMatchObject({ code: 'TANDEM_ERR_RELAY_UNREACHABLE' });
  });

  it('keeps the code and message of a JSON error body, and maps a proxy\'s error page by its status', () => {
    const err = errorFromResponse(429, JSON.stringify({ code: 'TANDEM_ERR_SIGNIN_LOCKED', message: 'locked' }));
    expect(err.code).toBe('TANDEM_ERR_SIGNIN_LOCKED');
    expect(err.message).toBe('locked');
    expect(errorFromResponse(500, '{"code":"NOT_A_CODE"}').code).toBe('TANDEM_ERR_INTERNAL');
    // What a reverse proxy in front of the relay answers when the relay is down: HTML, not the relay's JSON.
    expect(errorFromResponse(502, '<html>Bad gateway</html>').code).toBe('TANDEM_ERR_RELAY_UNREACHABLE');
    expect(codeForStatus(429)).toBe('TANDEM_ERR_RATE_LIMITED');
    expect(codeForStatus(418)).toBe('TANDEM_ERR_INTERNAL');
  });
});
