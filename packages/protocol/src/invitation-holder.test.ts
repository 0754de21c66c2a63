/**
 * InvitationHolder against a relay the test plays (test/scripted-relay.ts),
 * every transition and every failure path, without a network.
 *
 * States: idle, connecting, holding, closed, failed (INVITATION_HOLDER_TRANSITIONS).
 *
 * | transition            | test                                                                 |
 * | --------------------- | -------------------------------------------------------------------- |
 * | idle → connecting     | "holds the ticket, hears attempts and declines them"                 |
 * | idle → closed         | "closing or failing before start"                                    |
 * | idle → failed         | "closing or failing before start"                                    |
 * | connecting → holding  | "holds the ticket, hears attempts and declines them"                 |
 * | connecting → closed   | "closing while connecting"                                           |
 * | connecting → failed   | "fails while connecting: ..." (each way)                             |
 * | holding → closed      | "holds the ticket, hears attempts and declines them"                 |
 * | holding → failed      | "fails while holding: ..." (each way)                                |
 *
 * The last test checks that the tests above took every transition of the table.
 */
import { describe, expect, it } from 'vitest';
import { ScriptedRelay, TransitionLog, until, type ScriptedSocket } from '@tandem/test-kit';
import { TandemError } from './errors.js';
import { INVITATION_HOLDER_TRANSITIONS, InvitationHolder, type InvitationHolderEvent } from './invitation-holder.js';

const log = new TransitionLog();
const TICKET = 'ticket-abcdefghijklmnopqrstuv';
const TECHNICIAN = { username: 'tanaka', displayName: 'Tanaka Ichiro', team: 'Helpdesk' };


/** A holder on `relay`, with its events recorded. */
function holder(relay: ScriptedRelay, connect = relay.connect): { holder: InvitationHolder; events: InvitationHolderEvent[] } {
  const h = new InvitationHolder({ relayUrl: 'https://relay.test', ticket: TICKET, connect, onTransition: log.record });
  const events: InvitationHolderEvent[] = [];
  h.onEvent((e) => events.push(e));
  return { holder: h, events };
}

/** A relay that answers `hold` with `holding`. */
function holdingRelay(): ScriptedRelay {
  return new ScriptedRelay({ onSignal: (socket, signal) => {
    if (signal.t === 'hold') socket.signal({ t: 'holding', ticket: signal.ticket });
  } });
}

/** A holder holding on a relay that answers `hold`. */
async function holding(): Promise<{ relay: ScriptedRelay; socket: ScriptedSocket; holder: InvitationHolder; events: InvitationHolderEvent[] }> {
  const relay = holdingRelay();
  const h = holder(relay);
  h.holder.start();
  await until(() => h.holder.state === 'holding', 'holding');
  return { relay, socket: relay.last, ...h };
}

const failure = (events: InvitationHolderEvent[]): TandemError | undefined => {
  const last = events[events.length - 1];
  return last?.type === 'failed' ? last.error : undefined;
};

describe('invitation holder', () => {
  it('holds the ticket, hears attempts and declines them, then releases it', async () => {
    const h = await holding();
    expect(h.socket.signals[0]).toEqual({ t: 'hold', ticket: TICKET });
    expect(h.events).toEqual([{ type: 'holding', relay: 'https://relay.test' }]);
    h.socket.signal({ t: 'attempt', attemptId: 'attempt-0001', technician: TECHNICIAN, mode: 'view', caseNumber: 'C-1' });
    await until(() => h.events.length === 2, 'the attempt');
    expect(h.events[1]).toEqual({ type: 'attempt', relay: 'https://relay.test', attemptId: 'attempt-0001', technician: TECHNICIAN, mode: 'view', caseNumber: 'C-1' });
    // The decline's message is cut to what the relay takes.
    h.holder.decline('attempt-0001', 'TANDEM_ERR_WRONG_CODE', 'x'.repeat(1500));
    expect(h.socket.signals[1]).toEqual({ t: 'decline', attemptId: 'attempt-0001', code: 'TANDEM_ERR_WRONG_CODE', message: 'x'.repeat(1000) });
    h.holder.close();
    expect(h.holder.state).toBe('closed');
    expect(h.socket.closedByClient).toEqual({ code: 1000, reason: 'released' });
    expect(h.events[h.events.length - 1]).toEqual({ type: 'closed' });
    // Once closed, nothing more happens: no decline, no second close event, no failure.
    h.holder.decline('attempt-0001', 'TANDEM_ERR_REFUSED', 'late');
    h.holder.fail(new TandemError('TANDEM_ERR_PEER_LOST', 'late'));
    h.holder.close();
    expect(h.socket.signals).toHaveLength(2);
    expect(h.events.filter((e) => e.type === 'closed' || e.type === 'failed')).toHaveLength(1);
  });

  it('closing or failing before start: no connection is made', () => {
    const relay = holdingRelay();
    const a = holder(relay);
    a.holder.close();
    expect(a.holder.state).toBe('closed');
    expect(a.events).toEqual([{ type: 'closed' }]);
    const b = holder(relay);
    b.holder.fail(new TandemError('TANDEM_ERR_INVITATION_EXPIRED', 'expired'));
    expect(b.holder.state).toBe('failed');
    expect(failure(b.events)?.code).toBe('TANDEM_ERR_INVITATION_EXPIRED');
    expect(relay.sockets).toHaveLength(0);
    // A holder that is over cannot start.
    expect(() => b.holder.start()).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_INTERNAL' }));
  });

  it('closing while connecting: the relay never hears a hold', async () => {
    const relay = new ScriptedRelay({ opening: 'hang' });
    const h = holder(relay);
    h.holder.start();
    expect(h.holder.state).toBe('connecting');
    h.holder.close();
    expect(h.holder.state).toBe('closed');
    expect(relay.last.signals).toEqual([]);
    // A decline before holding goes nowhere.
    h.holder.decline('attempt-0001', 'TANDEM_ERR_REFUSED', 'no');
    expect(relay.last.signals).toEqual([]);
  });

  it('fails while connecting: relay unreachable, or the factory throws', async () => {
    const unreachable = holder(new ScriptedRelay({ opening: 'refuse' }));
    unreachable.holder.start();
    await until(() => unreachable.holder.state === 'failed', 'the failure');
    expect(failure(unreachable.events)).toMatchObject({ code: 'TANDEM_ERR_RELAY_UNREACHABLE', message: expect.stringContaining('https://relay.test') });

    const throwing = holder(new ScriptedRelay(), () => {
      throw new TandemError('TANDEM_ERR_BAD_INPUT', 'no such relay');
    });
    throwing.holder.start();
    expect(throwing.holder.state).toBe('failed');
    expect(failure(throwing.events)?.code).toBe('TANDEM_ERR_BAD_INPUT');
  });

  it('fails while connecting: the relay refuses the hold, answers for another ticket, sends an attempt or a frame too early, or closes', async () => {
    const cases: { name: string; answer: (socket: ScriptedSocket) => void; code: string }[] = [
      { name: 'error', answer: (s) => s.signal({ t: 'error', code: 'TANDEM_ERR_CONFLICT', message: 'held elsewhere' }), code: 'TANDEM_ERR_CONFLICT' },
      { name: 'other ticket', answer: (s) => s.signal({ t: 'holding', ticket: `${TICKET}-other` }), code: 'TANDEM_ERR_PROTOCOL' },
      { name: 'early attempt', answer: (s) => s.signal({ t: 'attempt', attemptId: 'attempt-0001', technician: TECHNICIAN, mode: 'chat' }), code: 'TANDEM_ERR_PROTOCOL' },
      { name: 'binary', answer: (s) => s.deliver(Uint8Array.of(1, 2, 3)), code: 'TANDEM_ERR_PROTOCOL' },
      { name: 'malformed', answer: (s) => s.deliver('{"t":"holding"'), code: 'TANDEM_ERR_BAD_INPUT' },
      { name: 'closed', answer: (s) => s.drop(1011, 'internal'), code: 'TANDEM_ERR_PEER_LOST' },
    ];
    for (const c of cases) {
      const relay = new ScriptedRelay({ onSignal: (socket, signal) => {
        if (signal.t === 'hold') c.answer(socket);
      } });
      const h = holder(relay);
      h.holder.start();
      await until(() => h.holder.state === 'failed' || h.holder.state === 'closed', `the failure (${c.name})`);
      expect({ name: c.name, state: h.holder.state, code: failure(h.events)?.code }).toEqual({ name: c.name, state: 'failed', code: c.code });
      expect(h.events.some((e) => e.type === 'holding')).toBe(false);
    }
  });

  it('fails while holding: the connection drops, the relay errs, repeats holding, sends what a holder never gets', async () => {
    const cases: { name: string; act: (socket: ScriptedSocket) => void; code: string; message?: RegExp }[] = [
      { name: 'dropped', act: (s) => s.drop(1006), code: 'TANDEM_ERR_PEER_LOST', message: /closed \(1006\)/ },
      { name: 'error', act: (s) => s.signal({ t: 'error', code: 'TANDEM_ERR_SHUTTING_DOWN', message: 'bye' }), code: 'TANDEM_ERR_SHUTTING_DOWN' },
      { name: 'holding again', act: (s) => s.signal({ t: 'holding', ticket: TICKET }), code: 'TANDEM_ERR_PROTOCOL', message: /holding.*not valid in state holding/ },
      { name: 'ready', act: (s) => s.signal({ t: 'ready', technician: TECHNICIAN }), code: 'TANDEM_ERR_PROTOCOL', message: /relay sent ready/ },
      { name: 'binary', act: (s) => s.deliver(Uint8Array.of(0)), code: 'TANDEM_ERR_PROTOCOL' },
    ];
    for (const c of cases) {
      const h = await holding();
      c.act(h.socket);
      await until(() => h.holder.state === 'failed', `the failure (${c.name})`);
      const error = failure(h.events);
      expect({ name: c.name, code: error?.code }).toEqual({ name: c.name, code: c.code });
      if (c.message) expect(error?.message).toMatch(c.message);
      // The holder closed its side (except when the relay closed it first).
      if (c.name !== 'dropped') expect(h.socket.closedByClient?.reason).toBe(c.code);
    }
  });

  it('took every transition of its table', () => {
    expect(log.untaken(INVITATION_HOLDER_TRANSITIONS)).toEqual([]);
  });
});
