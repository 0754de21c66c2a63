/**
 * Teams on PostgreSQL: the front door's tables are created there too, the
 * CLI writes them, and the relay's directory and queue read them.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createAdmin, login, runCli, startRelayProcess, type RelayFixture } from '@tandem/test-kit';

const SERVER = process.env.TANDEM_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432';
const DATABASE = `tandem_fd_${process.pid}_${Date.now()}`;

describe('front door on PostgreSQL', () => {
  let server: pg.Client | undefined;
  const url = `${SERVER}/${DATABASE}`;
  let relay: RelayFixture | undefined;

  beforeAll(async () => {
    server = new pg.Client({ connectionString: `${SERVER}/postgres`, connectionTimeoutMillis: 3000 });
    await server.connect();
    await server.query(`CREATE DATABASE ${DATABASE}`);
  });
  afterAll(async () => {
    await relay?.stop();
    if (server === undefined) return;
    await server.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await server.end();
  });

  it('keeps teams in PostgreSQL, managed by the CLI, read by the directory and the queue', async () => {
    relay = await startRelayProcess({ args: ['--database', url] });
    const { token: admin } = await createAdmin(relay);
    await relay.addUser('pgtech', 'technician', undefined, ['--database', url, '--display-name', 'PG Tech']);
    const cli = (args: string[]): ReturnType<typeof runCli> => runCli([...args, '--data', relay!.dataDir, '--database', url]);
    expect((await cli(['team', 'add', 'pg-desk', '--listing', 'names'])).stdout).toBe('team added: pg-desk\n');
    expect((await cli(['team', 'member-add', 'pg-desk', 'pgtech', '--show-name'])).code).toBe(0);
    expect((await cli(['team', 'list'])).stdout).toBe('name\tlisting\tdisplay-name\tmembers\tshown\npg-desk\tnames\tpg-desk\tpgtech\tpgtech\n');
    const tech = await login(relay, 'pgtech');
    await api(relay, 'PUT', '/api/me/presence', { token: tech, body: { status: 'busy' } });
    const directory = await api(relay, 'GET', '/api/directory');
    expect(directory.json?.teams).toEqual([{ name: 'pg-desk', displayName: 'pg-desk', status: 'busy', waiting: 0, technicians: [{ id: expect.any(String) as string, displayName: 'PG Tech', status: 'busy' }] }]);
    const joined = await api(relay, 'POST', '/api/queue', { body: { name: 'Kimura', team: 'pg-desk' } });
    expect(joined.json?.position).toBe(1);
    expect((await api(relay, 'POST', `/api/queue/${String(joined.json?.id)}/accept`, { token: tech })).json?.state).toBe('accepted');
    expect((await api(relay, 'GET', '/api/teams', { token: admin })).json?.teams).toHaveLength(1);
  });
});
