/**
 * TicketKeeper with its socket factory injected: relays in memory that the
 * test plays (test/scripted-relay.ts) — relays that hold the ticket, refuse
 * the connection, never answer, or drop it — and a short backoff, without a
 * network. The holders on them are the real InvitationHolder.
 *
 * States (TICKET_KEEPER_TRANSITIONS): idle, connecting, holding, backoff, stopped.
 *
 * | transition              | test                                                             |
 * | ----------------------- | ---------------------------------------------------------------- |
 * | idle → connecting       | "holds on the first relay that answers ..."                      |
 * | idle → stopped          | "stop, in every state ..."                                       |
 * | connecting → connecting | "holds on the first relay that answers ..."                      |
 * | connecting → holding    | "holds on the first relay that answers ..."                      |
 * | connecting → backoff    | "a whole round failing ..."                                      |
 * | connecting → stopped    | "stop, in every state ..."                                       |
 * | holding → connecting    | "a dropped holding connection moves on ..."                      |
 * | holding → stopped       | "stop, in every state ..."                                       |
 * | backoff → connecting    | "a whole round failing ..."                                      |
 * | backoff → stopped       | "stop, in every state ..."                                       |
 *
 * The last test checks that the tests above took every transition of the table.
 */
import { TandemError, type InvitationAttempt, type InvitationHolder, type InvitationRelay } from '@tandem/protocol';
import type { RelayFailure, RelaySocketFactory } from '@tandem/node-client';
import { describe, expect, it } from 'vitest';
import { PLAYED_TECHNICIAN, ScriptedRelay, TransitionLog, until, type Opening, type ScriptedSocket } from '@tandem/test-kit';
import { TICKET_KEEPER_TRANSITIONS, TicketKeeper, type TicketKeeperOptions } from './ticket-keeper.js';

const log = new TransitionLog();
const TICKET = 'ticket-abcdefghijklmnopqrstuv';


/** How a played relay behaves now: `hold` answers the hold; the others are ScriptedRelay openings. */
type Behaviour = 'hold' | 'silent' | Exclude<Opening, 'open'>;

/** A relay in memory at `url` whose behaviour the test can change between connections. */
class PlayedRelay {
  readonly url: string;
  behaviour: Behaviour;
  readonly relay: ScriptedRelay;
  /** The precise error its socket factory reports for a connection that failed to open. */
  connectError: TandemError | undefined;

  constructor(url: string, behaviour: Behaviour) {
    this.url = url;
    this.behaviour = behaviour;
    this.relay = new ScriptedRelay({
      opening: () => (this.behaviour === 'refuse' || this.behaviour === 'hang' ? this.behaviour : 'open'),
      onSignal: (socket, signal) => {
        if (signal.t === 'hold' && this.behaviour === 'hold') socket.signal({ t: 'holding', ticket: signal.ticket });
      },
    });
  }

  get connections(): number {
    return this.relay.sockets.length;
  }

  get last(): ScriptedSocket {
    return this.relay.last;
  }

  factory(): RelaySocketFactory {
    return { connect: this.relay.connect, connectError: () => this.connectError };
  }
}

interface Kept {
  keeper: TicketKeeper;
  /** What the keeper told its owner, in order. */
  told: string[];
  attempts: { holder: InvitationHolder; attempt: InvitationAttempt }[];
  failures: { failures: RelayFailure[]; retryInMs: number }[];
}

function keep(relays: PlayedRelay[], options: Partial<TicketKeeperOptions> = {}): Kept {
  const byUrl = new Map(relays.map((r) => [r.url, r]));
  const told: string[] = [];
  const attempts: Kept['attempts'] = [];
  const failures: Kept['failures'] = [];
  const keeper = new TicketKeeper({
    ticket: TICKET,
    relays: relays.map((r): InvitationRelay => ({ url: r.url })),
    timeoutMs: 100,
    backoff: { firstMs: 10, maxMs: 40 },
    sockets: (relay) => {
      const played = byUrl.get(relay.url);
      if (played === undefined) throw new Error(`no played relay at ${relay.url}`);
      return played.factory();
    },
    onHolding: (relay) => told.push(`holding ${relay}`),
    onDropped: (relay, error) => told.push(`dropped ${relay} ${error.code}`),
    onAttempt: (holder, attempt) => attempts.push({ holder, attempt }),
    onAllFailed: (f, retryInMs) => {
      failures.push({ failures: f, retryInMs });
      told.push(`all failed, retry in ${retryInMs}`);
    },
    onTransition: log.record,
    ...options,
  });
  return { keeper, told, attempts, failures };
}

describe('ticket keeper', () => {
  it('holds on the first relay that answers, in the listed order, each within the timeout; attempts reach the owner', async () => {
    const refusing = new PlayedRelay('https://a.relay.test', 'refuse');
    const hanging = new PlayedRelay('https://b.relay.test', 'hang');
    const holding = new PlayedRelay('https://c.relay.test', 'hold');
    const k = keep([refusing, hanging, holding]);
    k.keeper.start();
    expect(k.keeper.state).toBe('connecting');
    await until(() => k.keeper.state === 'holding', 'holding');
    expect([refusing.connections, hanging.connections, holding.connections]).toEqual([1, 1, 1]);
    expect(k.told).toEqual(['holding https://c.relay.test']);
    expect(holding.last.signals[0]).toEqual({ t: 'hold', ticket: TICKET });
    // The relay that never answered was given up (its socket closed by the holder).
    expect(hanging.last.closedByClient).toMatchObject({ reason: 'TANDEM_ERR_TIMEOUT' });

    holding.last.signal({ t: 'attempt', attemptId: 'attempt-0001', technician: PLAYED_TECHNICIAN, mode: 'view' });
    await until(() => k.attempts.length === 1, 'the attempt');
    expect(k.attempts[0]?.attempt).toEqual({ attemptId: 'attempt-0001', technician: PLAYED_TECHNICIAN, mode: 'view' });
    k.attempts[0]?.holder.decline('attempt-0001', 'TANDEM_ERR_INVITATION_EXPIRED', 'expired');
    expect(holding.last.signals[1]).toEqual({ t: 'decline', attemptId: 'attempt-0001', code: 'TANDEM_ERR_INVITATION_EXPIRED', message: 'expired' });
    k.keeper.stop();
  });

  it('a dropped holding connection moves on to the next relay, wrapping round, with no backoff', async () => {
    const a = new PlayedRelay('https://a.relay.test', 'hold');
    const b = new PlayedRelay('https://b.relay.test', 'hold');
    const k = keep([a, b]);
    k.keeper.start();
    await until(() => k.keeper.state === 'holding', 'holding on a');
    a.last.drop(1006);
    await until(() => b.connections === 1 && k.keeper.state === 'holding', 'holding on b');
    b.last.signal({ t: 'error', code: 'TANDEM_ERR_SHUTTING_DOWN', message: 'The relay is shutting down.' });
    await until(() => a.connections === 2 && k.keeper.state === 'holding', 'holding on a again');
    expect(k.told).toEqual([
      'holding https://a.relay.test',
      'dropped https://a.relay.test TANDEM_ERR_PEER_LOST',
      'holding https://b.relay.test',
      'dropped https://b.relay.test TANDEM_ERR_SHUTTING_DOWN',
      'holding https://a.relay.test',
    ]);
    expect(k.failures).toEqual([]);
    k.keeper.stop();
  });

  it('a whole round failing reports every relay and why, then retries with a doubling wait up to the most; holding again starts it afresh', async () => {
    const a = new PlayedRelay('https://a.relay.test', 'refuse');
    const b = new PlayedRelay('https://b.relay.test', 'silent');
    // The socket factory knows more than "unreachable": that precise error is the one reported.
    a.connectError = new TandemError('TANDEM_ERR_TLS_FINGERPRINT', 'the certificate is not the pinned one');
    const k = keep([a, b]);
    k.keeper.start();
    await until(() => k.failures.length === 4, 'four rounds');
    expect(k.failures.map((f) => f.retryInMs)).toEqual([10, 20, 40, 40]);
    expect(k.failures[0]?.failures.map((f) => `${f.relay} ${f.error.code}`)).toEqual(['https://a.relay.test TANDEM_ERR_TLS_FINGERPRINT', 'https://b.relay.test TANDEM_ERR_TIMEOUT']);
    expect(k.failures[0]?.failures[1]?.error.message).toMatch(/did not answer within 100 ms/);
    // The relay comes back: holding resets the backoff.
    a.behaviour = 'hold';
    await until(() => k.keeper.state === 'holding', 'holding');
    a.behaviour = 'refuse';
    a.last.drop(1006);
    await until(() => k.failures.length === 5, 'the next round');
    expect(k.failures[4]?.retryInMs).toBe(10);
    expect(k.told.filter((t) => !t.startsWith('all failed'))).toEqual(['holding https://a.relay.test', 'dropped https://a.relay.test TANDEM_ERR_PEER_LOST']);
    k.keeper.stop();
  });

  it('stop, in every state, releases the ticket and stops for good', async () => {
    // idle: nothing was ever opened.
    const idle = new PlayedRelay('https://a.relay.test', 'hold');
    const k1 = keep([idle]);
    k1.keeper.stop();
    expect([k1.keeper.state, idle.connections]).toEqual(['stopped', 0]);
    expect(() => k1.keeper.start()).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_INTERNAL' }));

    // connecting: the socket that was opening is closed.
    const hanging = new PlayedRelay('https://a.relay.test', 'hang');
    const k2 = keep([hanging]);
    k2.keeper.start();
    k2.keeper.stop();
    expect(hanging.last.closedByClient).toEqual({ code: 1000, reason: 'released' });

    // holding: the relay is told the ticket is released.
    const holding = new PlayedRelay('https://a.relay.test', 'hold');
    const k3 = keep([holding]);
    k3.keeper.start();
    await until(() => k3.keeper.state === 'holding', 'holding');
    k3.keeper.stop();
    expect(holding.last.closedByClient).toEqual({ code: 1000, reason: 'released' });

    // backoff: no connection after the wait.
    const refusing = new PlayedRelay('https://a.relay.test', 'refuse');
    const k4 = keep([refusing], { backoff: { firstMs: 30, maxMs: 30 } });
    k4.keeper.start();
    await until(() => k4.keeper.state === 'backoff', 'backoff');
    k4.keeper.stop();
    await new Promise((r) => setTimeout(r, 80));
    expect([k4.keeper.state, refusing.connections, k4.failures.length]).toEqual(['stopped', 1, 1]);
    for (const k of [k1, k2, k3, k4]) expect(k.told.filter((t) => t.startsWith('dropped'))).toEqual([]);
  });

  it('needs at least one relay', () => {
    expect(() => keep([])).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_BAD_INPUT' }));
  });

  it('took every transition of its table', () => {
    expect(log.untaken(TICKET_KEEPER_TRANSITIONS)).toEqual([]);
  });
});
