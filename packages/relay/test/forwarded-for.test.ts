/**
 * X-Forwarded-For as an attacker sends it: the left-most entries are
 * whatever the client wrote, only what the trusted proxy appended (the
 * right-most entry, or the Nth from the right with N trusted hops) is the
 * client's address. Real relays, real HTTP requests and WebSocket upgrades
 * carrying forged headers, as a reverse proxy that appends the address it saw
 * ($proxy_add_x_forwarded_for) would pass them on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, auditEvents, claim, createAdmin, errorCode, narrowSignal, runCli, startRelayProcess, type RelayFixture } from '@tandem/test-kit';

/** The header a proxy passes on: the client's own (forged) header, then the address the proxy saw. */
function viaProxy(forged: string, seenByProxy: string): Record<string, string> {
  return { 'x-forwarded-for': `${forged}, ${seenByProxy}` };
}

async function wrongSignIn(relay: RelayFixture, username: string, headers: Record<string, string>): Promise<string> {
  return errorCode(await api(relay, 'POST', '/api/auth/login', { headers, body: { username, password: 'wrong password' } }));
}

describe('behind --trust-proxy', () => {
  let relay: RelayFixture;
  let admin: string;
  beforeAll(async () => {
    relay = await startRelayProcess({ args: ['--trust-proxy', '--claim-failures-per-minute', '3'] });
    admin = (await createAdmin(relay)).token;
  });
  afterAll(() => relay.stop());

  it('locks sign-ins per address by the entry the proxy appended, whatever the client forged before it', async () => {
    const answers: string[] = [];
    // 20 failures (SIGNIN_LIMITS.maxFailuresPerAddress) from one client, each with a fresh forged entry and a fresh user name.
    for (let i = 0; i < 20; i++) answers.push(await wrongSignIn(relay, `scan${i}`, viaProxy(`10.66.${i}.1`, '198.51.100.7')));
    expect(answers.slice(0, 19).every((code) => code === 'TANDEM_ERR_SIGNIN_FAILED')).toBe(true);
    expect(answers[19]).toBe('TANDEM_ERR_SIGNIN_LOCKED');
    expect(await wrongSignIn(relay, 'scan-more', viaProxy('10.66.99.1', '198.51.100.7'))).toBe('TANDEM_ERR_SIGNIN_LOCKED');
    // Another client behind the same proxy is not locked.
    expect(await wrongSignIn(relay, 'bystander', viaProxy('198.51.100.7', '198.51.100.8'))).toBe('TANDEM_ERR_SIGNIN_FAILED');

    const failed = (await auditEvents(relay, admin, 'signin-failed')).filter((e) => /^scan\d+$/.test(e.username ?? ''));
    expect(failed).toHaveLength(20);
    expect(new Set(failed.map((e) => e.address))).toEqual(new Set(['198.51.100.7']));
    const bystander = (await auditEvents(relay, admin, 'signin-failed')).find((e) => e.username === 'bystander');
    expect(bystander?.address).toBe('198.51.100.8');
  });

  it('throttles failed claims per address by the entry the proxy appended, and audits that address', async () => {
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { customer, answer } = await claim(relay, '999', { headers: viaProxy(`10.77.${i}.1`, '198.51.100.20') });
      answers.push(narrowSignal(answer, 'error').code);
      await customer.closed;
    }
    expect(answers).toEqual(['TANDEM_ERR_CODE_UNKNOWN', 'TANDEM_ERR_CODE_UNKNOWN', 'TANDEM_ERR_CODE_UNKNOWN', 'TANDEM_ERR_RATE_LIMITED']);
    const other = await claim(relay, '999', { headers: viaProxy('198.51.100.20', '198.51.100.21') });
    expect(narrowSignal(other.answer, 'error').code).toBe('TANDEM_ERR_CODE_UNKNOWN');
    const unknown = await auditEvents(relay, admin, 'code-unknown');
    expect(unknown.map((e) => e.address).sort()).toEqual(['198.51.100.20', '198.51.100.20', '198.51.100.20', '198.51.100.21']);
  });
});

describe('with --trust-proxy-hops 2', () => {
  let relay: RelayFixture;
  let admin: string;
  beforeAll(async () => {
    relay = await startRelayProcess({ args: ['--trust-proxy-hops', '2'] });
    admin = (await createAdmin(relay)).token;
  });
  afterAll(() => relay.stop());

  it('takes the address the outer of two proxies appended', async () => {
    expect(await wrongSignIn(relay, 'two-hops', { 'x-forwarded-for': '10.1.1.1, 203.0.113.5, 10.0.0.2' })).toBe('TANDEM_ERR_SIGNIN_FAILED');
    // A client that reached the inner proxy directly has only that proxy's entry: it is still the one trusted.
    expect(await wrongSignIn(relay, 'one-hop', { 'x-forwarded-for': '203.0.113.6' })).toBe('TANDEM_ERR_SIGNIN_FAILED');
    const events = await auditEvents(relay, admin, 'signin-failed');
    expect(events.find((e) => e.username === 'two-hops')?.address).toBe('203.0.113.5');
    expect(events.find((e) => e.username === 'one-hop')?.address).toBe('203.0.113.6');
  });

  it('refuses a hop count that is not a small positive integer', async () => {
    for (const bad of ['0', '-1', 'two', '100']) {
      const result = await runCli(['start', '--data', relay.dataDir, '--listen', '127.0.0.1:0', '--trust-proxy-hops', bad]);
      expect(result.code, bad).toBe(2);
      expect(result.stderr).toMatch(/--trust-proxy-hops/);
    }
  });
});

// The negative case of the relay's --trust-proxy switch (cli.ts, then server.ts's trusted hops): without it, the header proves nothing.
describe('without --trust-proxy', () => {
  let relay: RelayFixture;
  let admin: string;
  beforeAll(async () => {
    relay = await startRelayProcess({ args: ['--claim-failures-per-minute', '3'] });
    admin = (await createAdmin(relay)).token;
  });
  afterAll(() => relay.stop());

  it('trust-proxy switch layer: ignores X-Forwarded-For for sign-in locks and the audit', async () => {
    const answers: string[] = [];
    for (let i = 0; i < 20; i++) answers.push(await wrongSignIn(relay, `direct${i}`, { 'x-forwarded-for': `10.88.${i}.1` }));
    expect(answers[18]).toBe('TANDEM_ERR_SIGNIN_FAILED');
    expect(answers[19]).toBe('TANDEM_ERR_SIGNIN_LOCKED');
    const failed = (await auditEvents(relay, admin, 'signin-failed')).filter((e) => /^direct\d+$/.test(e.username ?? ''));
    expect(new Set(failed.map((e) => e.address))).toEqual(new Set(['127.0.0.1']));
  });

  it('trust-proxy switch layer: ignores X-Forwarded-For for claim throttling and the audit', async () => {
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { customer, answer } = await claim(relay, '998', { headers: { 'x-forwarded-for': `10.99.${i}.1` } });
      answers.push(narrowSignal(answer, 'error').code);
      await customer.closed;
    }
    expect(answers[3]).toBe('TANDEM_ERR_RATE_LIMITED');
    expect(new Set((await auditEvents(relay, admin, 'code-unknown')).map((e) => e.address))).toEqual(new Set(['127.0.0.1']));
  });
});
