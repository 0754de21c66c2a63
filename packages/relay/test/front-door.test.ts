/**
 * The front door on a real relay process (issue 13): teams managed with
 * `tandem-relay team …`, technicians' presence in GET /api/directory, the
 * queue (join, position, follow by token, accept, leave, the grace period)
 * and its limits (huge fields, unknown or hidden teams, a flood from one
 * address, a full queue), each answered clearly while the queue keeps
 * working for everyone else. Addresses are told apart by X-Forwarded-For
 * behind --trust-proxy, as a reverse proxy would send them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_TOKEN_HEADER } from '@tandem/protocol';
import { api, auditEvents, createAdmin, login, runCli, startRelayProcess, type RelayFixture } from '@tandem/test-kit';

let relay: RelayFixture;
let admin: string;
let tina: string;
let omar: string;

const from = (address: string): Record<string, string> => ({ 'x-forwarded-for': address });

async function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCli([...args, '--data', relay.dataDir]);
}

beforeAll(async () => {
  relay = await startRelayProcess({ args: ['--trust-proxy', '--queue-entries-per-hour', '3', '--queue-length', '2'] });
  admin = (await createAdmin(relay)).token;
  await relay.addUser('tina', 'technician', undefined, ['--display-name', 'Tina Tanaka']);
  await relay.addUser('omar', 'technician', undefined, ['--display-name', 'Omar']);
  tina = await login(relay, 'tina');
  omar = await login(relay, 'omar');
});
afterAll(() => relay.stop());

describe('front door', () => {
  it('manages teams with tandem-relay team …, and refuses bad arguments with exit code 2', async () => {
    expect((await cli(['team', 'add', 'desk', '--display-name', 'Help desk', '--listing', 'names'])).stdout).toBe('team added: desk\n');
    expect((await cli(['team', 'add', 'billing'])).stdout).toBe('team added: billing\n');
    expect((await cli(['team', 'add', 'internal', '--listing', 'hidden'])).stdout).toBe('team added: internal\n');
    expect((await cli(['team', 'member-add', 'desk', 'tina', '--show-name'])).stdout).toBe('member added: tina to desk (name shown)\n');
    expect((await cli(['team', 'member-add', 'billing', 'omar'])).stdout).toBe('member added: omar to billing\n');
    expect((await cli(['team', 'add', 'gone'])).code).toBe(0);
    expect((await cli(['team', 'remove', 'gone'])).stdout).toBe('team removed: gone\n');
    const list = await cli(['team', 'list']);
    expect(list.stdout.split('\n')).toEqual([
      'name\tlisting\tdisplay-name\tmembers\tshown',
      'billing\tteam\tbilling\tomar\t-',
      'desk\tnames\tHelp desk\ttina\ttina',
      'internal\thidden\tinternal\t-\t-',
      '',
    ]);
    const dup = await cli(['team', 'add', 'desk']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already exists/);
    const bad = await cli(['team', 'add', 'no spaces']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/name/);
    expect((await cli(['team', 'add', 'x', '--listing', 'public'])).code).toBe(2);
    const noUser = await cli(['team', 'member-add', 'desk', 'nobody']);
    expect(noUser.code).toBe(1);
    expect(noUser.stderr).toMatch(/no user nobody/);
    const teams = await api(relay, 'GET', '/api/teams', { token: admin });
    expect(teams.json?.teams).toHaveLength(3);
    expect((await api(relay, 'GET', '/api/teams', { token: tina })).json?.code).toBe('TANDEM_ERR_FORBIDDEN');
    const events = (await auditEvents(relay, admin)).filter((e) => e.kind.startsWith('team-'));
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['team-added', 'team-removed', 'team-member-added']));
    expect(events.every((e) => e.username?.startsWith('cli'))).toBe(true);
  });

  it('shows an available technician in the directory, and not once away', async () => {
    const empty = await api(relay, 'GET', '/api/directory');
    expect(empty.status).toBe(200);
    expect(empty.json).toEqual({
      teams: [
        { name: 'billing', displayName: 'billing', status: 'away', waiting: 0, technicians: [] },
        { name: 'desk', displayName: 'Help desk', status: 'away', waiting: 0, technicians: [] },
      ],
      anyone: { status: 'away', waiting: 0 },
    });
    const set = await api(relay, 'PUT', '/api/me/presence', { token: tina, body: { status: 'available' } });
    expect(set.json).toEqual({ status: 'available', autoBusy: false, effective: 'available' });
    const shown = await api(relay, 'GET', '/api/directory');
    const desk = (shown.json?.teams as { name: string; status: string; technicians: { id: string; displayName: string; status: string }[] }[]).find((t) => t.name === 'desk');
    expect(desk?.status).toBe('available');
    expect(desk?.technicians).toEqual([{ id: expect.stringMatching(/^[A-Za-z0-9_-]{12}$/) as string, displayName: 'Tina Tanaka', status: 'available' }]);
    // The account name never reaches the public.
    expect(shown.body).not.toMatch(/tina"/);
    await api(relay, 'PUT', '/api/me/presence', { token: tina, body: { status: 'away' } });
    const gone = await api(relay, 'GET', '/api/directory');
    expect(JSON.stringify(gone.json)).not.toMatch(/Tina/);
    for (const body of [{ status: 'online' }, {}, { status: 'busy', autoBusy: 'yes' }]) {
      expect((await api(relay, 'PUT', '/api/me/presence', { token: tina, body })).json?.code).toBe('TANDEM_ERR_BAD_INPUT');
    }
    expect((await api(relay, 'PUT', '/api/me/presence', { body: { status: 'available' } })).status).toBe(401);
    await api(relay, 'PUT', '/api/me/presence', { token: tina, body: { status: 'available' } });
  });

  it('queues a customer for a team, gives the position, and lets its technician accept', async () => {
    const first = await api(relay, 'POST', '/api/queue', { headers: from('198.51.100.1'), body: { name: '山田 花子', customerNumber: 'C-1', caseNumber: '4711', description: 'My printer is on fire', team: 'desk' } });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ position: 1 });
    const second = await api(relay, 'POST', '/api/queue', { headers: from('198.51.100.2'), body: { name: 'Bob', team: 'desk' } });
    expect(second.json?.position).toBe(2);
    const id = String(first.json?.id);
    const token = String(first.json?.token);
    const status = await api(relay, 'GET', `/api/queue/${id}`, { headers: { [QUEUE_TOKEN_HEADER]: token } });
    expect(status.json).toMatchObject({ id, state: 'waiting', position: 1, estimatedWaitMs: null });
    // A wrong token and an unknown id answer alike.
    expect((await api(relay, 'GET', `/api/queue/${id}`, { headers: { [QUEUE_TOKEN_HEADER]: 'x'.repeat(43) } })).json?.code).toBe('TANDEM_ERR_QUEUE_GONE');
    expect((await api(relay, 'GET', `/api/queue/${id}`)).json?.code).toBe('TANDEM_ERR_UNAUTHORIZED');
    expect((await api(relay, 'GET', '/api/directory')).json?.teams).toContainEqual(expect.objectContaining({ name: 'desk', waiting: 2 }));
    // Omar is not in desk: he neither sees nor takes the entry.
    expect((await api(relay, 'GET', '/api/queue', { token: omar })).json?.entries).toEqual([]);
    expect((await api(relay, 'POST', `/api/queue/${id}/accept`, { token: omar })).json?.code).toBe('TANDEM_ERR_FORBIDDEN');
    const seen = await api(relay, 'GET', '/api/queue', { token: tina });
    expect(seen.json?.entries).toEqual([
      expect.objectContaining({ id, name: '山田 花子', caseNumber: '4711', description: 'My printer is on fire', team: 'desk', position: 1 }),
      expect.objectContaining({ name: 'Bob', position: 2 }),
    ]);
    const accepted = await api(relay, 'POST', `/api/queue/${id}/accept`, { token: tina });
    expect(accepted.json).toMatchObject({ id, state: 'accepted', acceptedBy: 'tina' });
    expect((await api(relay, 'POST', `/api/queue/${id}/accept`, { token: tina })).json?.code).toBe('TANDEM_ERR_CONFLICT');
    const after = await api(relay, 'GET', `/api/queue/${id}`, { headers: { [QUEUE_TOKEN_HEADER]: token } });
    expect(after.json).toMatchObject({ state: 'accepted', position: 0, technician: { displayName: 'Tina Tanaka' } });
    const bob = await api(relay, 'GET', `/api/queue/${String(second.json?.id)}`, { headers: { [QUEUE_TOKEN_HEADER]: String(second.json?.token) } });
    expect(bob.json).toMatchObject({ state: 'waiting', position: 1 });
    expect(typeof bob.json?.estimatedWaitMs).toBe('number');
    expect((await api(relay, 'DELETE', `/api/queue/${String(second.json?.id)}`, { headers: { [QUEUE_TOKEN_HEADER]: String(second.json?.token) } })).json).toEqual({});
    const audit = await auditEvents(relay, admin);
    const acceptedRow = audit.find((e) => e.kind === 'queue-accepted');
    expect(acceptedRow).toMatchObject({ username: 'tina', address: '198.51.100.1' });
    expect(acceptedRow?.detail).toMatch(/description=given/);
    expect(acceptedRow?.detail).toMatch(/caseNumber="4711"/);
    expect(JSON.stringify(audit)).not.toMatch(/printer/);
    expect(audit.find((e) => e.kind === 'queue-abandoned')?.detail).toMatch(/^reason=left .*description=none/);
  });

  it('answers bad input and floods clearly, and keeps the queue working for others', async () => {
    const join = (address: string, body: unknown): ReturnType<typeof api> => api(relay, 'POST', '/api/queue', { headers: from(address), body });
    const huge = await join('203.0.113.9', { name: 'x'.repeat(5000), team: 'desk' });
    expect(huge.json?.code).toBe('TANDEM_ERR_BAD_INPUT');
    expect(huge.json?.message).toMatch(/name/);
    expect((await join('203.0.113.9', { name: 'Al', description: 'd'.repeat(501) })).json?.message).toMatch(/description/);
    const tooBig = await api(relay, 'POST', '/api/queue', { headers: from('203.0.113.9'), rawBody: JSON.stringify({ name: 'Al', description: 'd'.repeat(100_000) }) });
    expect(tooBig.status).toBe(413);
    expect((await join('203.0.113.9', { name: 'Al', team: 'nosuch' })).json?.message).toMatch(/no public team named nosuch/);
    expect((await join('203.0.113.9', { name: 'Al', team: 'internal' })).json?.code).toBe('TANDEM_ERR_NOT_FOUND');
    expect((await join('203.0.113.9', { name: 'Al', technician: 'nobody-at-all' })).json?.code).toBe('TANDEM_ERR_NOT_FOUND');
    expect((await join('203.0.113.9', { name: '' })).json?.code).toBe('TANDEM_ERR_BAD_INPUT');
    expect((await join('203.0.113.9', { name: 'Eve\u202e' })).json?.code).toBe('TANDEM_ERR_BAD_INPUT');
    // A flood from one address: three joins an hour, then TANDEM_ERR_RATE_LIMITED; bad input above counted nothing.
    const flood = [];
    for (let i = 0; i < 5; i++) flood.push(await join('203.0.113.66', { name: `Flood ${i}` }));
    expect(flood.map((a) => a.json?.code ?? a.status)).toEqual([200, 200, 'TANDEM_ERR_QUEUE_FULL', 'TANDEM_ERR_RATE_LIMITED', 'TANDEM_ERR_RATE_LIMITED']);
    expect(flood[3]?.status).toBe(429);
    // The "anyone" queue is full (2); a team's queue still takes another address's customer.
    expect((await join('203.0.113.67', { name: 'Other' })).json?.code).toBe('TANDEM_ERR_QUEUE_FULL');
    const other = await join('203.0.113.67', { name: 'Other', team: 'billing' });
    expect(other.json?.position).toBe(1);
    expect((await api(relay, 'GET', '/api/queue', { token: omar })).json?.entries).toContainEqual(expect.objectContaining({ name: 'Other', team: 'billing' }));
  });
});

describe('front door grace period', () => {
  it('abandons an entry whose page stopped asking, and audits it', async () => {
    const small = await startRelayProcess({ args: ['--queue-grace', '1s'] });
    try {
      const adminToken = (await createAdmin(small)).token;
      const joined = await api(small, 'POST', '/api/queue', { body: { name: 'Quiet', description: 'secret words' } });
      const headers = { [QUEUE_TOKEN_HEADER]: String(joined.json?.token) };
      const path = `/api/queue/${String(joined.json?.id)}`;
      await new Promise((r) => setTimeout(r, 2_500));
      const gone = await api(small, 'GET', path, { headers });
      expect(['abandoned', undefined]).toContain(gone.json?.state);
      const row = (await auditEvents(small, adminToken, 'queue-abandoned'))[0];
      expect(row?.detail).toMatch(/^reason=page-closed .*description=given.*name="Quiet"$/);
      expect(row?.detail).not.toMatch(/secret/);
    } finally {
      await small.stop();
    }
  });
});
