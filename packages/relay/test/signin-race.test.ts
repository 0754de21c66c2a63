/**
 * Parallel sign-ins against the lock-out: an attacker who fires many wrong
 * sign-ins at once must get no more password checks than the limit allows
 * (SIGNIN_LIMITS: 20 per address, 5 per account), while one account signing
 * in many times at once with the right password is not locked out. Real
 * relays, real parallel HTTP requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, api, auditEvents, createAdmin, errorCode, startRelayProcess, type RelayFixture } from '@tandem/test-kit';

/** Audit rows of sign-ins that got a real password check (not those rejected while locked). */
async function checked(relay: RelayFixture, admin: string, username: RegExp): Promise<number> {
  const failed = await auditEvents(relay, admin, 'signin-failed');
  return failed.filter((e) => username.test(e.username ?? '') && (e.detail === 'wrong password' || e.detail === 'unknown user')).length;
}

function tally(codes: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const code of codes) counts[code] = (counts[code] ?? 0) + 1;
  return counts;
}

async function parallelSignIns(relay: RelayFixture, count: number, username: (i: number) => string, password = 'wrong password'): Promise<string[]> {
  const answers = await Promise.all(Array.from({ length: count }, (_, i) => api(relay, 'POST', '/api/auth/login', { body: { username: username(i), password } })));
  return answers.map((a) => (a.status === 200 ? 'ok' : errorCode(a)));
}

describe('parallel sign-ins from one address', () => {
  let relay: RelayFixture;
  let admin: string;
  beforeAll(async () => {
    relay = await startRelayProcess();
    admin = (await createAdmin(relay)).token;
  });
  afterAll(() => relay.stop());

  it('give 60 parallel wrong sign-ins no more password checks than the per-address limit of 20', async () => {
    const answers = await parallelSignIns(relay, 60, (i) => `race${i}`);
    // 19 checked and failed, the 20th checked and locked the address, 40 rejected as locked.
    expect(tally(answers)).toEqual({ TANDEM_ERR_SIGNIN_FAILED: 19, TANDEM_ERR_SIGNIN_LOCKED: 41 });
    expect(await checked(relay, admin, /^race\d+$/)).toBe(20);
    const locks = await auditEvents(relay, admin, 'signin-locked');
    expect(locks.filter((e) => /address/.test(e.detail))).toHaveLength(1);
  });
});

describe('parallel sign-ins to one account', () => {
  let relay: RelayFixture;
  let admin: string;
  beforeAll(async () => {
    relay = await startRelayProcess();
    admin = (await createAdmin(relay)).token;
    await relay.addUser('victim');
    await relay.addUser('busy');
  });
  afterAll(() => relay.stop());

  it('give 30 parallel wrong passwords no more checks than the per-account limit of 5', async () => {
    const answers = await parallelSignIns(relay, 30, () => 'victim');
    expect(tally(answers)).toEqual({ TANDEM_ERR_SIGNIN_FAILED: 4, TANDEM_ERR_SIGNIN_LOCKED: 26 });
    expect(await checked(relay, admin, /^victim$/)).toBe(5);
  });

  it('let 12 parallel sign-ins of one account with the right password all succeed', async () => {
    const answers = await parallelSignIns(relay, 12, () => 'busy', PASSWORD);
    expect(answers).toEqual(Array.from({ length: 12 }, () => 'ok'));
  });
});
