/**
 * The technician's driver as a state machine, without a network: a real
 * TechnicianSession on the in-memory relay stand-in, a real CustomerSession
 * as the other end (@tandem/test-kit's MemoryRelay and DriverRig). Every state,
 * every transition, and every failure path: a bad command, commands before
 * the session is active, end of stdin before and after the customer
 * answered, a signal, a refusal, the session failing, a burnt code with and
 * without renewal.
 */
import { describe, expect, it } from 'vitest';
import { StateMachine, TandemError } from '@tandem/protocol';
import { DriverRig, MemoryRelay, waitFor, type RigOptions } from '@tandem/test-kit';
import { DRIVER_TRANSITIONS, driveTechSession, type DriverState } from './tech-driver.js';

/** A rig around this package's own driver (its source, not a built copy). */
function newRig(options: Omit<RigOptions<DriverState>, 'drive'> = {}): DriverRig<DriverState> {
  return new DriverRig({ ...options, drive: driveTechSession });
}

/** The same nameplate with another secret. */
function wrongCodeFor(code: string): string {
  return code.slice(0, 3) + String((Number(code.slice(3)) + 1) % 100000).padStart(5, '0');
}

describe('the driver\'s transition table', () => {
  it('lists every state; only done is final; every state can reach done', () => {
    const states = Object.keys(DRIVER_TRANSITIONS) as DriverState[];
    expect(states.sort()).toEqual(['consent', 'done', 'ending', 'idle', 'running', 'waiting']);
    expect(states.filter((s) => DRIVER_TRANSITIONS[s].length === 0)).toEqual(['done']);
    for (const s of states) if (s !== 'done') expect(DRIVER_TRANSITIONS[s], s).toContain('done');
  });
  it('refuses a move the table does not list (our bug: TANDEM_ERR_INTERNAL)', () => {
    const machine = new StateMachine<DriverState>({ name: 'technician driver', initial: 'waiting', transitions: DRIVER_TRANSITIONS });
    expect(() => machine.to('running')).toThrow(/TANDEM_ERR_INTERNAL|no transition waiting → running/);
    machine.to('ending');
    expect(() => machine.to('idle')).toThrow(/no transition ending → idle/);
  });
});

describe('driveTechSession', () => {
  it('waiting → consent → idle ⇄ running → ending → done: chat both ways, lines in order, end of stdin after the answer ends it (exit 0)', async () => {
    const rig = newRig();
    const customer = await rig.accepted();
    expect(rig.stdout.lines.slice(0, 4)).toEqual([expect.stringMatching(/^code: \d{8}$/), 'event: joined', expect.stringMatching(/^event: sas \d{3} \d{3}$/), 'event: accepted chat']);
    rig.send('first line');
    rig.send('/sleep 20');
    rig.send('second line');
    await waitFor(() => customer.events.filter((e) => e.type === 'chat').length === 2);
    expect(customer.events.filter((e) => e.type === 'chat').map((e) => (e.type === 'chat' ? e.text : ''))).toEqual(['first line', 'second line']);
    customer.session.sendChat('こんにちは');
    await rig.stdout.waitFor(/^chat: こんにちは$/);
    rig.endInput();
    expect(await rig.exit).toBe(0);
    expect(rig.stdout.lines.at(-1)).toBe('event: ended technician-ended');
    expect(rig.states).toEqual(['consent', 'idle', 'running', 'idle', 'running', 'idle', 'running', 'idle', 'ending', 'done']);
    await waitFor(() => customer.session.finished);
    expect(customer.events.at(-1)).toEqual({ type: 'ended', reason: 'technician-ended' });
  });

  it('end of stdin before the customer answered: keeps waiting, sends the queued lines once accepted, then ends', async () => {
    const rig = newRig();
    const code = await rig.code();
    rig.send('queued before the customer came');
    rig.endInput();
    const customer = rig.customer(code);
    await waitFor(() => customer.events.some((e) => e.type === 'consent-needed'));
    expect(rig.states).toEqual(['consent']);
    customer.session.accept({ mode: 'chat', customer: { name: 'Kim', customerNumber: '', caseNumber: '' } });
    expect(await rig.exit).toBe(0);
    await waitFor(() => customer.session.finished);
    expect(customer.events.filter((e) => e.type === 'chat')).toEqual([{ type: 'chat', text: 'queued before the customer came' }]);
    expect(rig.states).toEqual(['consent', 'idle', 'running', 'idle', 'ending', 'done']);
  });

  it('commands before the session is active: /extend acts at once, /request and chat wait for the answer', async () => {
    const rig = newRig({ mode: 'view' });
    const code = await rig.code();
    rig.send('/extend');
    await rig.stdout.waitFor(/^event: extended \d{4}-\d\d-\d\dT/);
    rig.send('/request control');
    rig.send('asked for control');
    const customer = rig.customer(code);
    await waitFor(() => customer.events.some((e) => e.type === 'consent-needed'));
    expect(customer.events.some((e) => e.type === 'mode-request' || e.type === 'chat')).toBe(false);
    customer.session.accept({ mode: 'view', customer: { name: 'Kim', customerNumber: '', caseNumber: '' } });
    await waitFor(() => customer.events.some((e) => e.type === 'mode-request'));
    await waitFor(() => customer.events.some((e) => e.type === 'chat'));
    customer.session.decide('control', false);
    await rig.stdout.waitFor(/^event: decision control refused$/);
    rig.endInput();
    expect(await rig.exit).toBe(0);
    expect(rig.stderr.lines).toEqual([]);
  });

  it('/end before the customer comes: waiting → ending → done, exit 0, and the code is withdrawn', async () => {
    const rig = newRig();
    const code = await rig.code();
    rig.send('queued, never sent');
    rig.send('/end');
    expect(await rig.exit).toBe(0);
    expect(rig.states).toEqual(['ending', 'done']);
    expect(rig.stdout.lines.at(-1)).toBe('event: ended technician-ended');
    const late = rig.customer(code);
    await waitFor(() => late.session.finished);
    expect(late.events.at(-1)).toMatchObject({ type: 'failed', error: { code: 'TANDEM_ERR_CODE_UNKNOWN' } });
  });

  it('/end as a queued line while active: running → ending → done; lines after it are dropped', async () => {
    const rig = newRig();
    const customer = await rig.accepted();
    rig.send('/end');
    rig.send('after the end');
    expect(await rig.exit).toBe(0);
    expect(rig.states).toEqual(['consent', 'idle', 'running', 'ending', 'done']);
    await waitFor(() => customer.session.finished);
    expect(customer.events.some((e) => e.type === 'chat')).toBe(false);
  });

  it('a bad command or argument gets a clear error at once, nothing is sent, and the session goes on', async () => {
    const rig = newRig();
    await rig.code();
    rig.send('/frobnicate');
    rig.send('/request admin');
    rig.send('/sleep forever');
    rig.send('/type bad\\q');
    rig.send('x'.repeat(5000));
    await waitFor(() => rig.stderr.lines.length === 5);
    expect(rig.stderr.lines[0]).toMatch(/^error: TANDEM_ERR_BAD_INPUT unknown command \/frobnicate \(commands: \/request, \/extend, \/end, \/snapshot, \/type, \/click, \/send, \/get, \/cancel, \/sysinfo, \/sleep\)$/);
    expect(rig.stderr.lines[1]).toBe('error: TANDEM_ERR_BAD_INPUT usage: /request chat|view|control');
    expect(rig.stderr.lines[2]).toBe('error: TANDEM_ERR_BAD_INPUT usage: /sleep MS (0 to 600000)');
    expect(rig.stderr.lines[3]).toMatch(/^error: TANDEM_ERR_BAD_INPUT \/type: unknown escape \\q/);
    expect(rig.stderr.lines[4]).toMatch(/^error: TANDEM_ERR_BAD_INPUT chat line longer than \d+ characters: not sent$/);
    const customer = rig.customer(await rig.code());
    await waitFor(() => customer.events.some((e) => e.type === 'consent-needed'));
    customer.session.accept({ mode: 'chat', customer: { name: 'Kim', customerNumber: '', caseNumber: '' } });
    await rig.stdout.waitFor(/^event: accepted chat$/);
    rig.send('still here');
    await waitFor(() => customer.events.some((e) => e.type === 'chat'));
    expect(customer.events.filter((e) => e.type === 'chat')).toEqual([{ type: 'chat', text: 'still here' }]);
    rig.endInput();
    expect(await rig.exit).toBe(0);
  });

  it('a command the session refuses in its state (/extend once active) is reported and the queue goes on', async () => {
    const rig = newRig();
    const customer = await rig.accepted();
    rig.send('/extend');
    rig.send('after the refused extend');
    await waitFor(() => customer.events.some((e) => e.type === 'chat'));
    expect(rig.stderr.lines).toEqual(['error: TANDEM_ERR_PROTOCOL cannot extend in state active']);
    rig.endInput();
    expect(await rig.exit).toBe(0);
  });

  it('/snapshot without a screen (chat mode) says how to get one, and the session goes on', async () => {
    const rig = newRig();
    await rig.accepted();
    rig.send('/snapshot /tmp/never-written.png');
    await rig.stderr.waitFor(/^error: TANDEM_ERR_BAD_INPUT \/snapshot: no screen in chat mode/);
    rig.endInput();
    expect(await rig.exit).toBe(0);
  });

  it('a signal while waiting ends the session on purpose (exit 0); a second one while ending stops at once', async () => {
    const rig = newRig();
    await rig.code();
    rig.signal();
    expect(await rig.exit).toBe(0);
    expect(rig.states).toEqual(['ending', 'done']);
    expect(rig.stdout.lines.at(-1)).toBe('event: ended technician-ended');

    const relay = new MemoryRelay();
    const second = newRig({ relay });
    await second.accepted();
    second.send('/sleep 600000');
    await waitFor(() => second.states.at(-1) === 'running');
    second.signal();
    second.signal();
    expect(await second.exit).toBe(0);
    expect(second.states.slice(-2)).toEqual(['ending', 'done']);
  });

  it('the customer refuses: consent → done, exit 1 with TANDEM_ERR_REFUSED', async () => {
    const rig = newRig();
    const customer = rig.customer(await rig.code());
    await waitFor(() => customer.events.some((e) => e.type === 'consent-needed'));
    await customer.session.refuse();
    expect(await rig.exit).toBe(1);
    expect(rig.stdout.lines).toContain('event: refused');
    expect(rig.stderr.lines.at(-1)).toMatch(/^error: TANDEM_ERR_REFUSED /);
    expect(rig.states).toEqual(['consent', 'done']);
  });

  it('the session fails while waiting (the code expires): waiting → done, exit 1, no "event: burnt"', async () => {
    const rig = newRig();
    const code = await rig.code();
    rig.relay.expire(code.slice(0, 3));
    expect(await rig.exit).toBe(1);
    expect(rig.stderr.lines.at(-1)).toMatch(/^error: TANDEM_ERR_CODE_EXPIRED /);
    expect(rig.stdout.lines).not.toContain('event: burnt');
    expect(rig.states).toEqual(['done']);
  });

  it('the session fails while a line runs (the customer vanishes): running → done, exit 1', async () => {
    const rig = newRig();
    const customer = await rig.accepted();
    rig.send('/sleep 600000');
    await waitFor(() => rig.states.at(-1) === 'running');
    customer.session.fail(new TandemError('TANDEM_ERR_PEER_LOST', 'gone'));
    expect(await rig.exit).toBe(1);
    // Keys were confirmed: an end without the customer's authenticated close is truncation (docs/protocol.md).
    expect(rig.stderr.lines.at(-1)).toMatch(/^error: TANDEM_ERR_TRUNCATED /);
    expect(rig.states.slice(-2)).toEqual(['running', 'done']);
  });

  it('a relay that cannot be reached, or refuses the sign-in: waiting → done, exit 1', async () => {
    const unreachable = newRig({ relay: new MemoryRelay({ refuseConnections: true }) });
    expect(await unreachable.exit).toBe(1);
    expect(unreachable.stderr.lines.at(-1)).toMatch(/^error: TANDEM_ERR_RELAY_UNREACHABLE /);
    const refused = newRig({ token: 'x'.repeat(40) });
    expect(await refused.exit).toBe(1);
    expect(refused.stderr.lines.at(-1)).toMatch(/^error: TANDEM_ERR_UNAUTHORIZED /);
    expect(refused.states).toEqual(['done']);
  });

  it('a burnt code (a customer with a wrong code): "event: burnt", then the error, exit 1', async () => {
    const rig = newRig({ renew: false });
    const guesser = rig.customer(wrongCodeFor(await rig.code()));
    expect(await rig.exit).toBe(1);
    const burnt = rig.stdout.lines.indexOf('event: burnt');
    expect(burnt).toBeGreaterThan(0);
    expect(rig.stderr.lines.at(-1)).toMatch(/^error: TANDEM_ERR_WRONG_CODE /);
    expect(rig.states).toEqual(['done']);
    await waitFor(() => guesser.session.finished);
    expect(guesser.events.at(-1)).toMatchObject({ type: 'failed', error: { code: 'TANDEM_ERR_WRONG_CODE' } });
  });

  it('a burnt code with renewal: waiting → waiting, a fresh code on the same sign-in, queued lines kept, the fresh code works', async () => {
    const rig = newRig({ renew: true });
    const first = await rig.code();
    rig.send('typed while waiting');
    rig.customer(wrongCodeFor(first));
    await rig.stdout.waitFor(/^event: burnt$/);
    const fresh = await rig.code(2);
    expect(fresh).not.toBe(first);
    expect(rig.stderr.lines.some((l) => l.startsWith('error: '))).toBe(false);
    expect(rig.stderr.lines).toContainEqual(expect.stringMatching(/^The code is burnt \(TANDEM_ERR_WRONG_CODE .*\); a fresh code follows\.$/));
    expect(rig.states).toEqual(['waiting']);
    expect(rig.sessions).toHaveLength(2);
    const customer = rig.customer(fresh);
    await waitFor(() => customer.events.some((e) => e.type === 'consent-needed'));
    customer.session.accept({ mode: 'chat', customer: { name: 'Kim', customerNumber: '', caseNumber: '' } });
    await waitFor(() => customer.events.some((e) => e.type === 'chat'));
    expect(customer.events.filter((e) => e.type === 'chat')).toEqual([{ type: 'chat', text: 'typed while waiting' }]);
    rig.endInput();
    expect(await rig.exit).toBe(0);
    expect(rig.states).toEqual(['waiting', 'consent', 'idle', 'running', 'idle', 'ending', 'done']);
  });

  it('a failure after the keys were confirmed is no burnt code, even with renewal: exit 1', async () => {
    const rig = newRig({ renew: true });
    const customer = rig.customer(await rig.code());
    await waitFor(() => customer.events.some((e) => e.type === 'consent-needed'));
    await customer.session.refuse();
    expect(await rig.exit).toBe(1);
    expect(rig.stdout.lines).not.toContain('event: burnt');
    expect(rig.sessions).toHaveLength(1);
  });
});
