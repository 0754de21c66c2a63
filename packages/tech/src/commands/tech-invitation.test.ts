/**
 * `tandem tech invitation`'s relay loop (InvitationDialer) and its choice of
 * relays, without a network: in-memory relays (@tandem/test-kit's MemoryRelay) whose
 * customer side is a real CustomerSession answering the invitation. Every
 * state and transition of the loop: idle → signing-in → answering →
 * connected; signing-in → signing-in and answering → signing-in on to the
 * next relay; failed (a final error, or all relays); stopped (a signal while
 * signing in or answering).
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TandemError, createInvitation, type Invitation } from '@tandem/protocol';
import { LineOutput, type PinnedRelay, type RelaySocketFactory } from '@tandem/node-client';
import { GOOD_TOKEN, LineSink, MemoryRelay, waitFor } from '@tandem/test-kit';
import { chooseRelays } from './invitation-relays.js';
import { DIAL_TRANSITIONS, InvitationDialer, type DialOutcome, type RelayTransport } from './tech-invitation.js';

const A = 'https://a.test', B = 'https://b.test', C = 'https://c.test';

function invitation(relays: string[]): Invitation {
  return createInvitation({ customerName: 'Kim', relays: relays.map((url) => ({ url })), lifetimeSeconds: 3600, passwordProtected: false, now: Date.now() });
}

/** Relays by origin; `signIn` per relay decides how the sign-in goes. */
function transport(relays: Map<string, MemoryRelay>, signIn: (relay: PinnedRelay) => Promise<string> = () => Promise.resolve(GOOD_TOKEN)): RelayTransport & { signedIn: string[] } {
  const signedIn: string[] = [];
  return {
    signedIn,
    signIn: (relay) => {
      signedIn.push(relay.url);
      return signIn(relay);
    },
    sockets: (relay): RelaySocketFactory => {
      const memory = relays.get(relay.url);
      if (memory === undefined) throw new Error(`no relay ${relay.url} in this test`);
      return { connect: memory.connect, connectError: () => undefined };
    },
  };
}

function dialer(inv: Invitation, relays: readonly PinnedRelay[], t: RelayTransport, secret = inv.secret ?? '', relayTimeoutMs = 5000): { dialer: InvitationDialer; stderr: LineSink } {
  const stderr = new LineSink();
  const d = new InvitationDialer({
    relays,
    args: { user: 'tanaka', mode: 'chat', relayTimeoutMs },
    password: 'pw',
    secret,
    invitation: inv,
    clock: Date.now,
    out: new LineOutput(new PassThrough(), stderr.stream),
    transport: t,
  });
  return { dialer: d, stderr };
}

/** What `fn` throws; undefined when it returns. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

function connected(outcome: DialOutcome): Extract<DialOutcome, { state: 'connected' }> {
  if (outcome.state !== 'connected') throw new Error(`expected connected, got ${JSON.stringify(outcome)}`);
  return outcome;
}

describe('the relay loop\'s transition table', () => {
  it('has connected, failed and stopped as its only final states, each reachable', () => {
    const finals = Object.entries(DIAL_TRANSITIONS).filter(([, to]) => to.length === 0).map(([s]) => s);
    expect(finals.sort()).toEqual(['connected', 'failed', 'stopped']);
    expect(DIAL_TRANSITIONS['signing-in']).toEqual(expect.arrayContaining(['answering', 'signing-in', 'failed', 'stopped']));
    expect(DIAL_TRANSITIONS.answering).toEqual(expect.arrayContaining(['connected', 'signing-in', 'failed', 'stopped']));
  });
});

describe('InvitationDialer', () => {
  it('idle → signing-in → answering → connected on the relay holding the ticket; the replay holds "joined"', async () => {
    const inv = invitation([A]);
    const a = new MemoryRelay({ url: A });
    a.hold(inv.ticket, inv.secret ?? '');
    const { dialer: d } = dialer(inv, [{ url: A }], transport(new Map([[A, a]])));
    expect(d.state).toBe('idle');
    const outcome = connected(await d.run());
    expect(d.state).toBe('connected');
    expect(outcome.replay.map((e) => e.type)).toEqual(['joined']);
    expect(a.signals.map((s) => s.t).slice(0, 2)).toEqual(['auth', 'answer']);
    await outcome.session.end();
  });

  it('signing-in → signing-in when a sign-in fails, answering → signing-in when the relay does not hold the ticket, then connected', async () => {
    const inv = invitation([A, B, C]);
    const b = new MemoryRelay({ url: B });
    const c = new MemoryRelay({ url: C });
    c.hold(inv.ticket, inv.secret ?? '');
    const t = transport(new Map([[B, b], [C, c]]), (relay) =>
      relay.url === A ? Promise.reject(new TandemError('TANDEM_ERR_RELAY_UNREACHABLE', 'cannot reach the relay at https://a.test: connection refused')) : Promise.resolve(GOOD_TOKEN),
    );
    const { dialer: d, stderr } = dialer(inv, [{ url: A }, { url: B }, { url: C }], t);
    const outcome = connected(await d.run());
    expect(t.signedIn).toEqual([A, B, C]);
    expect(stderr.lines).toEqual([
      'relay https://a.test: TANDEM_ERR_RELAY_UNREACHABLE cannot reach the relay at https://a.test: connection refused',
      'relay https://b.test: TANDEM_ERR_INVITATION_EXPIRED No invitation with this ticket is held.',
    ]);
    await outcome.session.end();
  });

  it('answering → signing-in when a relay hangs past the relay timeout', async () => {
    const inv = invitation([A, B]);
    const a = new MemoryRelay({ url: A, silent: ['answer'] });
    const b = new MemoryRelay({ url: B });
    b.hold(inv.ticket, inv.secret ?? '');
    const { dialer: d, stderr } = dialer(inv, [{ url: A }, { url: B }], transport(new Map([[A, a], [B, b]])), inv.secret, 100);
    const outcome = connected(await d.run());
    expect(stderr.lines[0]).toBe('relay https://a.test: TANDEM_ERR_TIMEOUT the relay at https://a.test did not answer within 100 ms');
    await outcome.session.end();
  });

  it('failed at once on a final error: a wrong invitation password, named as such; the next relay is not tried', async () => {
    const inv = invitation([A, B]);
    const a = new MemoryRelay({ url: A });
    a.hold(inv.ticket, 'the-customers-real-secret');
    const t = transport(new Map([[A, a]]));
    const { dialer: d } = dialer(inv, [{ url: A }, { url: B }], t, 'a-wrong-secret');
    const outcome = await d.run();
    expect(d.state).toBe('failed');
    expect(outcome).toMatchObject({ state: 'failed', error: { code: 'TANDEM_ERR_WRONG_CODE' } });
    expect(outcome.state === 'failed' ? outcome.error.message : '').toMatch(/^the invitation's password is wrong/);
    expect(t.signedIn).toEqual([A]);
  });

  it('failed when every relay failed: one error naming each and why', async () => {
    const inv = invitation([A, B]);
    const a = new MemoryRelay({ url: A, refuseConnections: true });
    const b = new MemoryRelay({ url: B });
    const { dialer: d } = dialer(inv, [{ url: A }, { url: B }], transport(new Map([[A, a], [B, b]])));
    const outcome = await d.run();
    expect(outcome.state).toBe('failed');
    if (outcome.state !== 'failed') return;
    expect(outcome.error.message).toMatch(new RegExp(`^invitation ${inv.id}: no relay worked; tried 2: 1\\. https://a\\.test: TANDEM_ERR_RELAY_UNREACHABLE .*; 2\\. https://b\\.test: TANDEM_ERR_INVITATION_EXPIRED `));
  });

  it('stopped by a signal while signing in: nothing further is contacted', async () => {
    const inv = invitation([A, B]);
    const b = new MemoryRelay({ url: B });
    let release: (token: string) => void = () => undefined;
    const t = transport(new Map([[B, b]]), (relay) => (relay.url === A ? new Promise<string>((resolve) => (release = resolve)) : Promise.resolve(GOOD_TOKEN)));
    const { dialer: d } = dialer(inv, [{ url: A }, { url: B }], t);
    const running = d.run();
    await waitFor(() => t.signedIn.length === 1);
    expect(d.state).toBe('signing-in');
    d.stop();
    release(GOOD_TOKEN);
    expect(await running).toEqual({ state: 'stopped' });
    expect(t.signedIn).toEqual([A]);
    expect(b.sockets).toHaveLength(0);
  });

  it('stopped by a signal while answering: the attempt fails, nothing further is contacted', async () => {
    const inv = invitation([A, B]);
    const a = new MemoryRelay({ url: A, silent: ['answer'] });
    const b = new MemoryRelay({ url: B });
    const t = transport(new Map([[A, a], [B, b]]));
    const { dialer: d } = dialer(inv, [{ url: A }, { url: B }], t);
    const running = d.run();
    await waitFor(() => a.signals.some((s) => s.t === 'answer'));
    expect(d.state).toBe('answering');
    d.stop();
    expect(await running).toEqual({ state: 'stopped' });
    expect(t.signedIn).toEqual([A]);
    d.stop();
    expect(d.state).toBe('stopped');
  });
});

describe('chooseRelays', () => {
  it('keeps the technician\'s relays the invitation names, in the technician\'s order, with the technician\'s pins only', () => {
    const pinned = 'ab'.repeat(32);
    const inv = { ...invitation([A, B, C]), relays: [{ url: A, fingerprint: 'cd'.repeat(32) }, { url: B }, { url: C }] };
    const choice = chooseRelays(inv, [{ url: C }, { url: 'https://mine.test' }, { url: A, fingerprint: pinned }]);
    expect(choice.relays).toEqual([{ url: C }, { url: A, fingerprint: pinned }]);
    expect(choice.notes).toEqual([
      'relay https://b.test (named by the invitation) is not one of your --relay: not contacted',
      "relay https://a.test: the invitation's certificate fingerprint is not used; only yours (--relay-fingerprint) is pinned",
    ]);
  });

  it('compares normalised origins', () => {
    const inv = invitation(['https://relay.example']);
    expect(chooseRelays(inv, [{ url: 'https://relay.example' }]).relays).toHaveLength(1);
    expect(() => chooseRelays(inv, [{ url: 'http://relay.example' }])).toThrow(/none of which you configured/);
    expect(() => chooseRelays(inv, [{ url: 'https://relay.example:8443' }])).toThrow(/none of which you configured/);
  });

  it('refuses with TANDEM_ERR_RELAY_NOT_CONFIGURED naming both lists, or saying none was given', () => {
    const inv = invitation([A, B]);
    expect(thrownBy(() => chooseRelays(inv, [{ url: C }]))).toMatchObject({ code: 'TANDEM_ERR_RELAY_NOT_CONFIGURED' });
    expect(() => chooseRelays(inv, [{ url: C }])).toThrow(/names the relays https:\/\/a\.test, https:\/\/b\.test, none of which you configured \(--relay https:\/\/c\.test\): .*nothing was contacted/);
    expect(thrownBy(() => chooseRelays(inv, []))).toMatchObject({ code: 'TANDEM_ERR_RELAY_NOT_CONFIGURED' });
    expect(() => chooseRelays(inv, [])).toThrow(/no --relay was given/);
  });
});
