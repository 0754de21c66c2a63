/**
 * The audit under pressure, against real relays: sign-ins rejected while
 * locked cost the attacker nothing, so they must not cost a row each; and an
 * audit row that cannot be written stops what it belongs to (fail closed)
 * with a clear error to both sides and a line on the relay's stderr. The
 * database refuses writes for real: the test installs SQLite triggers that
 * abort every write to the audit tables, from a second connection to the
 * relay's own database file, as a full or broken audit store would.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PASSWORD,
  api,
  auditEvents,
  claim,
  createAdmin,
  login,
  narrowSignal,
  pairedSession,
  startRelayProcess,
  technicianWithCode,
  waitFor,
  type RelayFixture,
} from '@tandem/test-kit';

describe('sign-ins rejected while locked', () => {
  let relay: RelayFixture;
  let admin: string;
  beforeAll(async () => {
    relay = await startRelayProcess();
    admin = (await createAdmin(relay)).token;
    await relay.addUser('victim');
  });
  afterAll(() => relay.stop());

  it('are audited as one row per lock with a count, not one row each', async () => {
    const attempt = (password: string) => api(relay, 'POST', '/api/auth/login', { body: { username: 'victim', password } });
    for (let i = 0; i < 5; i++) await attempt('wrong password');
    // 10 one after the other, 20 at once, and the right password: all rejected while the account is locked.
    for (let i = 0; i < 10; i++) expect((await attempt('wrong password')).json?.code).toBe('TANDEM_ERR_SIGNIN_LOCKED');
    const parallel = await Promise.all(Array.from({ length: 20 }, () => attempt('wrong password')));
    expect(parallel.every((a) => a.json?.code === 'TANDEM_ERR_SIGNIN_LOCKED')).toBe(true);
    expect((await attempt(PASSWORD)).json?.code).toBe('TANDEM_ERR_SIGNIN_LOCKED');

    const rows = (await auditEvents(relay, admin, 'signin-failed')).filter((e) => e.username === 'victim');
    const rejected = rows.filter((e) => e.detail.startsWith('rejected'));
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ address: '127.0.0.1', detail: 'rejected while account locked: 31 attempts' });
    expect(rows.filter((e) => e.detail === 'wrong password')).toHaveLength(5);
  });
});

describe('when the audit cannot be written', () => {
  let relay: RelayFixture;
  let tech: string;
  let db: Database.Database;
  const refuse = (table: string, op: 'INSERT' | 'UPDATE'): void => {
    db.exec(`CREATE TRIGGER refuse_${table}_${op.toLowerCase()} BEFORE ${op} ON ${table} BEGIN SELECT RAISE(ABORT, 'the audit store refuses writes'); END;`);
  };
  const allow = (): void => {
    for (const name of db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all()) db.exec(`DROP TRIGGER ${String(name)}`);
  };
  beforeAll(async () => {
    relay = await startRelayProcess();
    await createAdmin(relay);
    await relay.addUser('kai', 'technician', PASSWORD, ['--display-name', 'Kai']);
    tech = await login(relay, 'kai');
    db = new Database(join(relay.dataDir, 'tandem.sqlite'));
    db.pragma('busy_timeout = 5000');
  });
  afterAll(async () => {
    db?.close();
    await relay.stop();
  });

  it('does not start a session whose audit row cannot be written, and says why to both sides and on stderr', async () => {
    const waiting = await technicianWithCode(relay, tech);
    refuse('audit_sessions', 'INSERT');
    try {
      const { customer, answer } = await claim(relay, waiting.nameplate);
      expect(answer).toMatchObject({ t: 'error', code: 'TANDEM_ERR_INTERNAL' });
      expect(narrowSignal(answer, 'error').message).toMatch(/audit/);
      const techFailure = await waiting.tech.failure();
      expect(techFailure).toMatchObject({ code: 'TANDEM_ERR_INTERNAL', closeCode: 1011 });
      expect(techFailure.message).toMatch(/audit/);
      expect((await customer.closed).code).toBe(1011);
      const stderr = (): string => relay.proc.stderrLines.join('\n');
      await waitFor(() => /audit/.test(stderr()) && /the audit store refuses writes/.test(stderr()), 5000, 'stderr');
    } finally {
      allow();
    }
  });

  it("ends a session whose consent cannot be recorded, before it runs unaudited", async () => {
    const s = await pairedSession(relay, tech);
    refuse('audit_sessions', 'UPDATE');
    try {
      s.customer.send({ t: 'consent', customer: { name: 'Ann', customerNumber: '', caseNumber: '' }, mode: 'chat' });
      for (const side of [s.tech, s.customer]) {
        const failure = await side.failure();
        expect(failure).toMatchObject({ code: 'TANDEM_ERR_INTERNAL' });
        expect(failure.message).toMatch(/audit/);
      }
    } finally {
      allow();
    }
  });

  it('refuses a failed claim it cannot audit, and works again once the audit can be written', async () => {
    refuse('audit_events', 'INSERT');
    try {
      const { answer } = await claim(relay, '999');
      expect(answer).toMatchObject({ t: 'error', code: 'TANDEM_ERR_INTERNAL' });
      expect(narrowSignal(answer, 'error').message).toMatch(/audit/);
      // The raw database error stays in the relay's log, not in the answer.
      expect(narrowSignal(answer, 'error').message).not.toMatch(/refuses writes/);
    } finally {
      allow();
    }
    const s = await pairedSession(relay, tech);
    s.customer.send({ t: 'consent', customer: { name: 'Bo', customerNumber: '', caseNumber: '' }, mode: 'chat' });
    s.customer.send({ t: 'bye' });
    expect(await s.tech.signal()).toEqual({ t: 'peer-left', reason: 'customer-ended' });
    expect(relay.proc.child.exitCode).toBeNull();
  });
});
