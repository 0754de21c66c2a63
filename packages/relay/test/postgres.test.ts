/**
 * The relay on PostgreSQL instead of its embedded SQLite: the same accounts,
 * rendezvous and audit, through `--database postgres://...`, surviving a
 * restart. Uses the PostgreSQL server on 127.0.0.1:5432 (TANDEM_TEST_PG to
 * point elsewhere) in a database of its own that it drops afterwards.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  api,
  auditEvents,
  auditSession,
  createAdmin,
  login,
  pairedSession,
  readUsers,
  PASSWORD,
  runCli,
  startRelayProcess,
  tempDir,
  waitFor,
  type RelayFixture,
} from '@tandem/test-kit';

const SERVER = process.env.TANDEM_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432';
const DATABASE = `tandem_test_${process.pid}_${Date.now()}`;

/** The server's maintenance database; a test that cannot reach it fails (npm test installs and starts PostgreSQL: scripts/test-services.mjs). */
async function admin(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: `${SERVER}/postgres`, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return client;
  } catch (err) {
    throw new Error(`PostgreSQL is not reachable at ${SERVER} as the postgres user without a password (${String(err)}): run the tests with \`npm test\`, which installs and starts it, or set TANDEM_TEST_PG`, { cause: err });
  }
}

describe('relay on PostgreSQL', () => {
  let server: pg.Client | undefined;
  const url = `${SERVER}/${DATABASE}`;
  let relay: RelayFixture | undefined;

  beforeAll(async () => {
    server = await admin();
    await server.query(`CREATE DATABASE ${DATABASE}`);
  });
  afterAll(async () => {
    await relay?.stop();
    if (server === undefined) return;
    await server.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await server.end();
  });

  it('keeps accounts and audit in PostgreSQL across restarts', async () => {
    relay = await startRelayProcess({ args: ['--database', url] });
    const { token: adminToken } = await createAdmin(relay);
    const added = await runCli(['user', 'add', 'pgtech', '--role', 'technician', '--data', relay.dataDir, '--database', url, '--display-name', 'PG Tech']);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^setup: \S+\/#\/setup\/\S+$/m);

    const s = await pairedSession(relay, adminToken, { caseNumber: 'PG-1' });
    expect(s.paired.technician.username).toBe('admin');
    s.customer.send({ t: 'consent', customer: { name: 'Kimura', customerNumber: 'K-9', caseNumber: 'PG-1' }, mode: 'chat' });
    s.customer.send({ t: 'bye' });
    expect(await s.tech.signal()).toEqual({ t: 'peer-left', reason: 'customer-ended' });
    const row = await waitFor(async () => {
      const r = await auditSession(relay!, adminToken, s.sessionId);
      return r?.endReason ? r : undefined;
    });
    expect(row).toMatchObject({ customerName: 'Kimura', customerNumber: 'K-9', caseNumber: 'PG-1', endReason: 'customer-ended' });

    // A wrong password is audited in PostgreSQL too.
    expect((await api(relay, 'POST', '/api/auth/login', { body: { username: 'admin', password: 'wrong password!' } })).status).toBe(401);

    // A second relay process with another data folder on the same database sees it all.
    await relay.shutdown('SIGTERM');
    const again = await startRelayProcess({ dataDir: tempDir(), args: ['--database', url] });
    try {
      expect(again.setupLink).toBeUndefined();
      const token = await login(again, 'admin', PASSWORD);
      expect((await auditSession(again, token, s.sessionId))?.customerName).toBe('Kimura');
      expect((await auditEvents(again, token, 'signin-failed')).length).toBe(1);
      const users = readUsers(await api(again, 'GET', '/api/users', { token }));
      expect(users.map((u) => u.username).sort()).toEqual(['admin', 'pgtech']);

      // The account lifecycle through the command line on PostgreSQL, seen by the running relay.
      const setupToken = /#\/setup\/(\S+)$/m.exec(added.stdout)?.[1];
      expect((await api(again, 'POST', '/api/setup/complete', { body: { token: setupToken, password: PASSWORD } })).status).toBe(200);
      const pgToken = await login(again, 'pgtech', PASSWORD);
      const disabled = await runCli(['user', 'disable', 'pgtech', '--data', again.dataDir, '--database', url]);
      expect(disabled.stdout).toBe('user disabled: pgtech\n');
      expect((await api(again, 'GET', '/api/me', { token: pgToken })).status).toBe(401);
      const listed = await runCli(['user', 'list', '--data', again.dataDir, '--database', url]);
      expect(listed.stdout).toMatch(/^pgtech\ttechnician\tdisabled\tset\t0\tnone$/m);
      expect((await runCli(['user', 'delete', 'pgtech', '--data', again.dataDir, '--database', url])).code).toBe(0);
      expect((await auditEvents(again, token, 'user-deleted')).map((e) => e.username)).toEqual(['pgtech']);
    } finally {
      await again.stop();
    }
  });

  it('keeps teams in PostgreSQL, managed by the CLI, read by the directory and the queue', async () => {
    const relay = await startRelayProcess({ args: ['--database', url] });
    onTestFinished(() => relay.stop());
    // The database already has the administrator of the test above.
    const admin = await login(relay, 'admin');
    await relay.addUser('fdtech', 'technician', undefined, ['--database', url, '--display-name', 'FD Tech']);
    const cli = (args: string[]): ReturnType<typeof runCli> => runCli([...args, '--data', relay.dataDir, '--database', url]);
    expect((await cli(['team', 'add', 'pg-desk', '--listing', 'names'])).stdout).toBe('team added: pg-desk\n');
    expect((await cli(['team', 'member-add', 'pg-desk', 'fdtech', '--show-name'])).code).toBe(0);
    expect((await cli(['team', 'list'])).stdout).toBe('name\tlisting\tdisplay-name\tmembers\tshown\npg-desk\tnames\tpg-desk\tfdtech\tfdtech\n');
    const tech = await login(relay, 'fdtech');
    await api(relay, 'PUT', '/api/me/presence', { token: tech, body: { status: 'busy' } });
    const directory = await api(relay, 'GET', '/api/directory');
    expect(directory.json?.teams).toEqual([{ name: 'pg-desk', displayName: 'pg-desk', status: 'busy', waiting: 0, technicians: [{ id: expect.any(String) as string, displayName: 'FD Tech', status: 'busy' }] }]);
    const joined = await api(relay, 'POST', '/api/queue', { body: { name: 'Kimura', team: 'pg-desk' } });
    expect(joined.json?.position).toBe(1);
    expect((await api(relay, 'POST', `/api/queue/${String(joined.json?.id)}/accept`, { token: tech })).json?.state).toBe('accepted');
    expect((await api(relay, 'GET', '/api/teams', { token: admin })).json?.teams).toHaveLength(1);
  });
});
