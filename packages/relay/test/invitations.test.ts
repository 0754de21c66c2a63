import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PASSWORD,
  api,
  auditEvents,
  auditSession,
  connect,
  createAdmin,
  holder,
  invitationSession,
  login,
  newTicket,
  startRelayProcess,
  technicianAnswering,
  waitFor,
  type RelayFixture,
} from '@tandem/test-kit';

let relay: RelayFixture;
let admin: string;
let tech: string;
let bob: string;
/** Every ticket used here: none may ever appear in the audit. */
const tickets: string[] = [];

function ticket(): string {
  const t = newTicket();
  tickets.push(t);
  return t;
}

function label(t: string): string {
  return `ticket:${createHash('sha256').update(t).digest('hex').slice(0, 8)}`;
}

beforeAll(async () => {
  relay = await startRelayProcess({ args: ['--claim-failures-per-minute', '100000'] });
  admin = (await createAdmin(relay)).token;
  await relay.addUser('alice', 'technician', PASSWORD, ['--display-name', 'Alice Tech', '--team', 'Desk 1']);
  await relay.addUser('bob', 'technician', PASSWORD, ['--display-name', 'Bob Tech', '--team', 'Desk 2']);
  tech = await login(relay, 'alice');
  bob = await login(relay, 'bob');
});
afterAll(() => relay.stop());

describe('invitations: holding', () => {
  it('answers hold with holding, holds several tickets on one connection, and refuses a ticket held elsewhere with CONFLICT', async () => {
    const a = ticket();
    const b = ticket();
    const agent = await holder(relay, a, b);
    // Holding a ticket again on the same connection is harmless.
    agent.send({ t: 'hold', ticket: a });
    expect(await agent.signal()).toEqual({ t: 'holding', ticket: a });

    const thief = await connect(relay);
    thief.send({ t: 'hold', ticket: a });
    expect(await thief.failure()).toMatchObject({ code: 'TANDEM_ERR_CONFLICT', closeCode: 4409 });

    // The first holder still gets attempts for both tickets.
    for (const t of [a, b]) {
      const technician = await technicianAnswering(relay, tech, t);
      expect((await agent.signal()).t).toBe('attempt');
      technician.send({ t: 'bye' });
      await technician.closed;
    }
    agent.ws.close();
    await agent.closed;
  });

  it('drops the tickets when the holder goes away: a waiting technician is told, a later answer finds the invitation expired', async () => {
    const t = ticket();
    const agent = await holder(relay, t);
    const waiting = await technicianAnswering(relay, tech, t);
    expect((await agent.signal()).t).toBe('attempt');
    agent.ws.terminate();
    expect(await waiting.failure()).toMatchObject({ code: 'TANDEM_ERR_PEER_LOST', closeCode: 4001 });

    const late = await technicianAnswering(relay, tech, t);
    expect(await late.failure()).toMatchObject({ code: 'TANDEM_ERR_INVITATION_EXPIRED', closeCode: 4410 });

    // The ticket is free again: the agent may hold it on a new connection.
    const again = await holder(relay, t);
    again.ws.close();
    await again.closed;
  });
});

describe('invitations: sessions', () => {
  it('pairs an answer and a join like a claimed code: identity vouched, frames forwarded, consent, mode and bye audited under the ticket label', async () => {
    const t = ticket();
    const agent = await holder(relay, t);
    const s = await invitationSession(relay, tech, { client: agent, ticket: t }, { mode: 'view', caseNumber: 'C-9' });
    const alice = { username: 'alice', displayName: 'Alice Tech', team: 'Desk 1' };
    expect(s.attempt).toMatchObject({ t: 'attempt', technician: alice, mode: 'view', caseNumber: 'C-9' });
    expect(s.attempt.attemptId).toMatch(/^[A-Za-z0-9_-]{12,}$/);
    expect(s.paired).toMatchObject({ t: 'paired', technician: alice, mode: 'view', caseNumber: 'C-9' });

    const toCustomer = Buffer.from([1, ...Array.from({ length: 32 }, (_, i) => i)]);
    s.tech.ws.send(toCustomer);
    expect(await s.customer.binary()).toEqual(toCustomer);
    const toTech = Buffer.alloc(256 * 1024, 9);
    s.customer.ws.send(toTech);
    expect(await s.tech.binary()).toEqual(toTech);

    s.customer.send({ t: 'consent', customer: { name: 'Carol', customerNumber: 'K-2', caseNumber: '' }, mode: 'chat' });
    s.customer.send({ t: 'mode', mode: 'view' });
    s.customer.send({ t: 'bye' });
    expect(await s.tech.signal()).toEqual({ t: 'peer-left', reason: 'customer-ended' });

    const row = await waitFor(async () => {
      const r = await auditSession(relay, admin, s.sessionId);
      return r?.endReason ? r : undefined;
    });
    expect(row).toMatchObject({
      nameplate: label(t),
      technicianUsername: 'alice',
      customerName: 'Carol',
      customerNumber: 'K-2',
      caseNumber: 'C-9',
      modeRequested: 'view',
      modeAtStart: 'chat',
      lastMode: 'view',
      endReason: 'customer-ended',
    });
    expect(row.nameplate).toMatch(/^ticket:[0-9a-f]{8}$/);

    // The holder is unaffected by the session ending: the ticket takes another attempt.
    const next = await invitationSession(relay, tech, { client: agent, ticket: t });
    next.tech.send({ t: 'bye' });
    expect(await next.customer.signal()).toEqual({ t: 'peer-left', reason: 'technician-ended' });
    agent.ws.close();
    await agent.closed;
  });

  it('audits a wrong password as invitation-failed without burning the ticket: the next attempt pairs', async () => {
    const t = ticket();
    const agent = await holder(relay, t);
    // A wrong password: the handshake fails, neither side confirms the keys.
    const s = await invitationSession(relay, tech, { client: agent, ticket: t }, { confirm: false });
    s.customer.send({ t: 'abort', code: 'TANDEM_ERR_WRONG_CODE' });
    expect(await s.tech.signal()).toEqual({ t: 'peer-left', reason: 'wrong-code' });
    await waitFor(async () => (await auditSession(relay, admin, s.sessionId))?.endReason === 'wrong-code');
    const failed = (await auditEvents(relay, admin, 'invitation-failed')).find((e) => e.sessionId === s.sessionId);
    expect(failed).toMatchObject({ username: 'alice', address: '127.0.0.1', detail: `${label(t)}: handshake failed` });
    expect((await auditEvents(relay, admin, 'code-failed')).some((e) => e.sessionId === s.sessionId)).toBe(false);

    const retry = await invitationSession(relay, tech, { client: agent, ticket: t });
    expect(retry.sessionId).not.toBe(s.sessionId);
    retry.customer.send({ t: 'bye' });
    expect(await retry.tech.signal()).toEqual({ t: 'peer-left', reason: 'customer-ended' });
    agent.ws.close();
    await agent.closed;
  });

  it('passes a decline to the technician as its error, audits it, and ignores a decline of an attempt that is over', async () => {
    const t = ticket();
    const agent = await holder(relay, t);
    for (const code of ['TANDEM_ERR_INVITATION_EXPIRED', 'TANDEM_ERR_WRONG_CODE'] as const) {
      const technician = await technicianAnswering(relay, tech, t);
      const attempt = await agent.signal('attempt');
      expect(attempt.t).toBe('attempt');
      agent.send({ t: 'decline', attemptId: attempt.attemptId, code, message: `declined by the customer (${code})` });
      expect(await technician.failure()).toMatchObject({ code, message: `declined by the customer (${code})` });
      const event = await waitFor(async () => (await auditEvents(relay, admin, 'invitation-failed')).find((e) => e.detail.startsWith(`declined: ${code}`) && e.detail.includes(label(t))));
      expect(event).toMatchObject({ username: 'alice', address: '127.0.0.1' });
      // A second decline of the same attempt (or a join of it) finds nothing and costs the holder nothing.
      agent.send({ t: 'decline', attemptId: attempt.attemptId, code, message: 'again' });
      const join = await connect(relay);
      join.send({ t: 'join', ticket: t, attemptId: attempt.attemptId });
      expect(await join.failure()).toMatchObject({ code: 'TANDEM_ERR_NOT_FOUND', closeCode: 4404 });
    }
    const after = await invitationSession(relay, tech, { client: agent, ticket: t });
    after.tech.send({ t: 'bye' });
    await after.customer.closed;
    agent.ws.close();
    await agent.closed;
  });

  it('refuses a second answer while an attempt is pending with CONFLICT, and the first still pairs', async () => {
    const t = ticket();
    const agent = await holder(relay, t);
    const first = await technicianAnswering(relay, tech, t);
    const attempt = await agent.signal('attempt');
    expect(attempt.t).toBe('attempt');
    const second = await technicianAnswering(relay, bob, t);
    const conflict = await second.failure();
    expect(conflict).toMatchObject({ code: 'TANDEM_ERR_CONFLICT', closeCode: 4409 });
    expect(conflict.message).toMatch(/another technician is connecting to this invitation/i);

    const customer = await connect(relay);
    customer.send({ t: 'join', ticket: t, attemptId: attempt.attemptId });
    const paired = await customer.signal('paired');
    expect(paired).toMatchObject({ t: 'paired', technician: { username: 'alice' } });
    expect(await first.signal()).toMatchObject({ t: 'paired', sessionId: paired.sessionId });
    first.send({ t: 'bye' });
    await customer.closed;
    agent.ws.close();
    await agent.closed;
  });

  it('answers an unknown ticket with INVITATION_EXPIRED and audits it by its label', async () => {
    const t = ticket();
    const technician = await technicianAnswering(relay, tech, t);
    expect(await technician.failure()).toMatchObject({ code: 'TANDEM_ERR_INVITATION_EXPIRED', closeCode: 4410 });
    const event = (await auditEvents(relay, admin, 'invitation-unknown')).find((e) => e.detail === label(t));
    expect(event).toMatchObject({ username: 'alice', address: '127.0.0.1', sessionId: null });
  });
});

describe('invitations: bad input', () => {
  it('answers malformed tickets and out-of-place signals with clear errors', async () => {
    const malformed = await connect(relay);
    malformed.send({ t: 'hold', ticket: 'short' });
    const bad = await malformed.failure();
    expect(bad).toMatchObject({ code: 'TANDEM_ERR_BAD_INPUT', closeCode: 4400 });
    expect(bad.message).toMatch(/signal\.ticket/);

    const badAnswer = await technicianAnswering(relay, tech, 'not a ticket!!!!!!!!!!!!!!');
    expect(await badAnswer.failure()).toMatchObject({ code: 'TANDEM_ERR_BAD_INPUT' });

    const noAttempt = await connect(relay);
    noAttempt.send({ t: 'join', ticket: ticket(), attemptId: 'AAAAAAAAAAAAAAAA' });
    const notFound = await noAttempt.failure();
    expect(notFound).toMatchObject({ code: 'TANDEM_ERR_NOT_FOUND', closeCode: 4404 });
    expect(notFound.message).toMatch(/no technician is waiting/i);

    const answerFirst = await connect(relay);
    answerFirst.send({ t: 'answer', ticket: ticket(), mode: 'chat' });
    expect(await answerFirst.failure()).toMatchObject({ code: 'TANDEM_ERR_PROTOCOL', closeCode: 4002 });

    const declineFirst = await connect(relay);
    declineFirst.send({ t: 'decline', attemptId: 'AAAAAAAAAAAAAAAA', code: 'TANDEM_ERR_REFUSED', message: 'no' });
    expect(await declineFirst.failure()).toMatchObject({ code: 'TANDEM_ERR_PROTOCOL' });

    const t = ticket();
    const agent = await holder(relay, t);
    agent.send({ t: 'claim', nameplate: '123' });
    expect(await agent.failure()).toMatchObject({ code: 'TANDEM_ERR_PROTOCOL' });
    // The failed holder's ticket was dropped with its connection.
    const orphan = await technicianAnswering(relay, tech, t);
    expect(await orphan.failure()).toMatchObject({ code: 'TANDEM_ERR_INVITATION_EXPIRED' });

    const binaryHolder = await holder(relay, ticket());
    binaryHolder.ws.send(Buffer.from([1, 2, 3]));
    expect(await binaryHolder.failure()).toMatchObject({ code: 'TANDEM_ERR_PROTOCOL' });
  });

  it('withdraws the attempt of a technician who leaves: the join then finds nothing, and the technician cannot allocate meanwhile', async () => {
    const t = ticket();
    const agent = await holder(relay, t);
    const leaving = await technicianAnswering(relay, tech, t);
    const attempt = await agent.signal('attempt');
    leaving.send({ t: 'bye' });
    expect((await leaving.closed).code).toBe(1000);
    const join = await connect(relay);
    join.send({ t: 'join', ticket: t, attemptId: attempt.attemptId });
    expect(await join.failure()).toMatchObject({ code: 'TANDEM_ERR_NOT_FOUND' });

    const busy = await technicianAnswering(relay, tech, t);
    const second = await agent.signal('attempt');
    busy.send({ t: 'allocate', mode: 'chat' });
    expect(await busy.failure()).toMatchObject({ code: 'TANDEM_ERR_PROTOCOL' });
    // A join naming the right attempt with another ticket is no match either.
    const wrongTicket = await connect(relay);
    wrongTicket.send({ t: 'join', ticket: ticket(), attemptId: second.attemptId });
    expect(await wrongTicket.failure()).toMatchObject({ code: 'TANDEM_ERR_NOT_FOUND' });
    agent.ws.close();
    await agent.closed;
  });

  it('never writes a ticket into the audit', async () => {
    const sessions = await api(relay, 'GET', '/api/audit/sessions.csv', { token: admin });
    const events = await api(relay, 'GET', '/api/audit/events.csv', { token: admin });
    expect(sessions.status).toBe(200);
    expect(events.body).toContain('invitation-failed');
    expect(sessions.body).toContain('ticket:');
    for (const t of tickets) {
      expect(sessions.body).not.toContain(t);
      expect(events.body).not.toContain(t);
    }
  });
});

describe('invitations: timeouts and limits', () => {
  let quick: RelayFixture;
  let quickAdmin: string;

  beforeAll(async () => {
    quick = await startRelayProcess({ args: ['--attempt-timeout', '1s', '--claim-failures-per-minute', '3'] });
    quickAdmin = (await createAdmin(quick)).token;
  });
  afterAll(() => quick.stop());

  it('fails an attempt not joined in time with TIMEOUT; the ticket stays held', async () => {
    const t = newTicket();
    const agent = await holder(quick, t);
    const technician = await technicianAnswering(quick, quickAdmin, t);
    const attempt = await agent.signal('attempt');
    expect(await technician.failure()).toMatchObject({ code: 'TANDEM_ERR_TIMEOUT', closeCode: 4408 });
    const late = await connect(quick);
    late.send({ t: 'join', ticket: t, attemptId: attempt.attemptId });
    expect(await late.failure()).toMatchObject({ code: 'TANDEM_ERR_NOT_FOUND' });

    const s = await invitationSession(quick, quickAdmin, { client: agent, ticket: t });
    s.customer.send({ t: 'bye' });
    expect(await s.tech.signal()).toEqual({ t: 'peer-left', reason: 'customer-ended' });
    agent.ws.close();
    await agent.closed;
  });

  it('refuses an address after too many unknown tickets, and audits the lock once', async () => {
    for (let i = 0; i < 3; i++) {
      const technician = await technicianAnswering(quick, quickAdmin, newTicket());
      expect(await technician.failure()).toMatchObject({ code: 'TANDEM_ERR_INVITATION_EXPIRED' });
    }
    const t = newTicket();
    const agent = await holder(quick, t);
    const refused = await technicianAnswering(quick, quickAdmin, t);
    expect(await refused.failure()).toMatchObject({ code: 'TANDEM_ERR_RATE_LIMITED', closeCode: 4429 });
    expect((await auditEvents(quick, quickAdmin, 'invitation-unknown')).length).toBe(3);
    const locks = await auditEvents(quick, quickAdmin, 'code-rate-limited');
    expect(locks).toHaveLength(1);
    expect(locks[0]?.detail).toMatch(/^locked after unknown ticket:[0-9a-f]{8}$/);
    agent.ws.close();
    await agent.closed;
  });
});
