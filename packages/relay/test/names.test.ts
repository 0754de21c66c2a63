/**
 * Names are shown to customers (the technician the relay vouches for) and to
 * administrators (users, audit): a display name, team or user name holding
 * control characters or bidirectional overrides (U+202E turns
 * "Admin\u202Egnp.exe" into "Adminexe.png") could pass for another. The
 * relay refuses them wherever a name enters: the users API, `user add`, the
 * set-up link. And the console's CSP allows connections to the relay only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, api, createAdmin, readSetupLink, readUsers, runCli, startRelayProcess, type RelayFixture } from '@tandem/test-kit';

/** Characters no name may hold: C0 and C1 controls, DEL, bidirectional embeddings, overrides, isolates and marks, line and paragraph separators. */
const BAD = ['\u0000', '\u0007', '\n', '\u007f', '\u0085', '\u061c', '\u200e', '\u200f', '\u202a', '\u202e', '\u2066', '\u2069', '\u2028', '\u2029'];

describe('names at the relay', () => {
  let relay: RelayFixture;
  let admin: string;
  beforeAll(async () => {
    relay = await startRelayProcess();
    admin = (await createAdmin(relay)).token;
  });
  afterAll(() => relay.stop());

  it('refuses control and bidirectional characters in display names, teams and user names in the users API', async () => {
    for (const [i, ch] of BAD.entries()) {
      for (const field of ['displayName', 'team', 'username'] as const) {
        const body = { username: `u${i}${field}`, role: 'technician', [field]: field === 'username' ? `u${i}${ch}x` : `Tanaka ${ch}Ichiro` };
        const answer = await api(relay, 'POST', '/api/users', { token: admin, body });
        expect(answer.status, `${field} U+${ch.codePointAt(0)?.toString(16)}`).toBe(400);
        expect(answer.json?.code).toBe('TANDEM_ERR_BAD_INPUT');
        expect(answer.json?.message).toMatch(new RegExp(`^${field}: `));
      }
    }
    const message = (await api(relay, 'POST', '/api/users', { token: admin, body: { username: 'evil', role: 'technician', displayName: 'Admin\u202Egnp.exe' } })).json?.message;
    expect(message).toBe('displayName: must not contain control or bidirectional-text characters (found U+202E)');
    const users = readUsers(await api(relay, 'GET', '/api/users', { token: admin }));
    expect(users.map((u) => u.username)).toEqual(['admin']);
    // Names from every script still pass, as do ordinary spaces and punctuation.
    expect((await api(relay, 'POST', '/api/users', { token: admin, body: { username: 'yamada', role: 'technician', displayName: '山田 花子 (Hanako) — Ümit', team: 'サポート 2' } })).status).toBe(200);
  });

  it('refuses them in user add on the command line', async () => {
    const result = await runCli(['user', 'add', 'cli-evil', '--role', 'technician', '--data', relay.dataDir, '--display-name', 'Admin\u202Egnp.exe']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/displayName: must not contain control or bidirectional-text characters \(found U\+202E\) \(TANDEM_ERR_BAD_INPUT\)/);
    const team = await runCli(['user', 'add', 'cli-evil', '--role', 'technician', '--data', relay.dataDir, '--team', 'Desk\u0007']);
    expect(team.stderr).toMatch(/team: must not contain control/);
  });

  it('refuses them when a set-up link is completed, and the link stays usable', async () => {
    const created = await api(relay, 'POST', '/api/users', { token: admin, body: { username: 'newbie', role: 'technician' } });
    const token = readSetupLink(created).split('/#/setup/')[1] ?? '';
    const bad = await api(relay, 'POST', '/api/setup/complete', { body: { token, password: PASSWORD, displayName: 'New\u2066bie' } });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ code: 'TANDEM_ERR_BAD_INPUT' });
    expect(bad.json?.message).toMatch(/^displayName: must not contain control/);
    expect((await api(relay, 'POST', '/api/setup/complete', { body: { token, password: PASSWORD, displayName: 'Newbie' } })).status).toBe(200);
  });

  it("restricts the console's connect-src to the relay's own origin", async () => {
    const header = (await api(relay, 'GET', '/')).headers['content-security-policy'];
    const csp = typeof header === 'string' ? header : '';
    const connect = csp.split('; ').find((d) => d.startsWith('connect-src '));
    expect(connect).toBe(`connect-src 'self' ${relay.url.replace(/^http/, 'ws')}`);
  });
});
