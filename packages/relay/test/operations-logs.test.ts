/**
 * The relay's JSON log (--log-level, --log-file) over a whole session and
 * sign-ins, scanned for every secret that passed through the relay: the
 * passwords, the bearer tokens, the set-up token and the session code. At
 * `trace` the log holds every request's headers and body, so only the
 * redaction (operations/logging.ts) keeps them out.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createAdmin, login, RelayFixture } from '@tandem/test-kit';

const TECH_PASSWORD = 'tech password 9f3c1e77';
const WRONG_PASSWORD = 'a wrong guess 4b0d2a19';

describe('the JSON log', () => {
  const relay = new RelayFixture();
  let logFile = '';

  beforeAll(async () => {
    logFile = join(relay.dir, 'relay.log');
    await relay.start(['--log-level', 'trace', '--log-file', logFile]);
  });
  afterAll(() => relay.stop());

  it('carries request ids and no password, token, set-up token or session code over a whole session', async () => {
    const setupToken = relay.setupLink?.split('/#/setup/')[1] ?? '';
    expect(setupToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const admin = await createAdmin(relay);
    const techPw = await relay.addUser('tanaka', 'technician', TECH_PASSWORD);
    const wrong = await api(relay, 'POST', '/api/auth/login', { body: { username: 'tanaka', password: WRONG_PASSWORD } });
    expect(wrong.status).toBe(401);
    const techToken = await login(relay, 'tanaka', TECH_PASSWORD);
    expect((await api(relay, 'GET', '/api/me', { token: techToken })).status).toBe(200);

    const tech = relay.tech('tanaka', techPw);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/))[1] ?? '';
    const agent = relay.join(code, ['--name', 'Yamada Hanako']);
    await agent.waitFor(/\[y\/n\]/i, 20_000, 'any');
    agent.send('y');
    await tech.waitFor(/^event: accepted chat$/);
    tech.send('hello');
    await agent.waitFor(/^chat: hello$/);
    tech.endInput();
    await agent.waitFor(/^event: ended technician-ended$/);
    expect(await tech.exitCode()).toBe(0);
    expect((await api(relay, 'GET', '/api/audit/sessions', { token: admin.token })).status).toBe(200);
    expect(await relay.shutdown()).toBe(0);

    const log = readFileSync(logFile, 'utf8');
    const lines = log.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const output = `${log}\n${relay.proc.stderrLines.join('\n')}`;
    for (const [what, secret] of [
      ['the administrator password', admin.password],
      ['the technician password', TECH_PASSWORD],
      ['the wrong password', WRONG_PASSWORD],
      ['the administrator token', admin.token],
      ['the technician token', techToken],
      ['the set-up token', setupToken],
      ['the session code', code],
    ] as const) {
      expect(output.includes(secret), `${what} is in the relay's log`).toBe(false);
    }
    // The defence is exercised: headers and bodies are in the log, their secrets masked.
    expect(log).toContain('"authorization":"[redacted]"');
    expect(log).toContain('"password":"[redacted]"');
    expect(log).toContain('"token":"[redacted]"');
    expect(lines.filter((l) => l.msg === 'incoming request').every((l) => typeof l.reqId === 'string')).toBe(true);
    expect(lines.some((l) => l.msg === 'request body')).toBe(true);
    // stdout keeps exactly the documented lines.
    expect(relay.proc.lines.map((l) => l.split(':')[0])).toEqual(['setup', 'listening']);
  });
});
