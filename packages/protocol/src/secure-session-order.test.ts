/**
 * Property of the end-to-end state machine: every frame out of order is
 * refused. A side's state depends only on the frames it has received, and in
 * any sequence of frames the first one out of order comes after an honest
 * prefix; so checking, for each side and each number of honest frames it has
 * received, every frame that is not the next one in the documented order
 * (docs/protocol.md, "Handshake") covers every sequence. Refused means: the
 * side fails with TANDEM_ERR_PROTOCOL, sends nothing more, and never opens.
 */
import { sha512 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { webCryptoAeadProvider } from './aead.js';
import { concatBytes, utf8 } from './bytes.js';
import { FRAME_TYPE, type Role } from './constants.js';
import { cpaceStart } from './cpace.js';
import type { TandemError } from './errors.js';
import { SecureSession, type SecureSessionState } from './secure-session.js';

/** The documented order, per state: the frames a side takes next. */
const NEXT: Partial<Record<SecureSessionState, readonly (keyof typeof FRAME_TYPE)[]>> = {
  committed: ['share'],
  confirming: ['confirm'],
  'awaiting-commit': ['commit'],
  shared: ['share'],
  verifying: ['confirm'],
  open: ['record', 'close'],
};

/** Deterministic "random" bytes, so every run walks the same handshake. */
function seeded(seed: string): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => sha512(utf8(`${seed} ${counter++}`)).slice(0, n);
}

interface Link {
  sessions: Record<Role, SecureSession>;
  /** Frames on their way, in order; delivered one at a time by the test. */
  queue: { to: Role; frame: Uint8Array }[];
  sent: Record<Role, Uint8Array[]>;
  failures: Record<Role, TandemError | undefined>;
  opened: Record<Role, boolean>;
}

function link(): Link {
  const l: Link = {
    sessions: {} as Record<Role, SecureSession>,
    queue: [],
    sent: { technician: [], customer: [] },
    failures: { technician: undefined, customer: undefined },
    opened: { technician: false, customer: false },
  };
  for (const role of ['technician', 'customer'] as const) {
    const peer: Role = role === 'technician' ? 'customer' : 'technician';
    l.sessions[role] = new SecureSession({
      role,
      secret: utf8('45678'),
      relayOrigin: 'https://relay.test',
      nameplate: '123',
      sessionId: 'session-1',
      aead: webCryptoAeadProvider(),
      random: seeded(role),
      sendFrame: (frame) => {
        l.sent[role].push(frame.slice());
        l.queue.push({ to: peer, frame: frame.slice() });
      },
      handlers: {
        open: () => (l.opened[role] = true),
        message: () => undefined,
        closed: () => undefined,
        failed: (error) => (l.failures[role] = error),
      },
    });
  }
  l.sessions.technician.start();
  l.sessions.customer.start();
  return l;
}

async function settle(l: Link): Promise<void> {
  // Opening keys is asynchronous: let both inbound chains run dry twice.
  for (let i = 0; i < 2; i++) await Promise.all([l.sessions.technician.settled(), l.sessions.customer.settled()]);
}

async function deliver(l: Link, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const next = l.queue.shift();
    if (next === undefined) throw new Error('no frame left to deliver');
    l.sessions[next.to].receive(next.frame);
    await settle(l);
  }
}

/** One frame of every kind, with a body of the right length, plus unknown types, the empty frame and short bodies. */
function badFrames(): { label: string; name?: keyof typeof FRAME_TYPE; frame: Uint8Array }[] {
  const validShare = cpaceStart({ prs: utf8('other'), ci: utf8('ci'), sid: utf8('sid') }, seeded('bad')).share;
  const filler = (n: number): Uint8Array => new Uint8Array(n).fill(0x5a);
  return [
    { label: 'commit', name: 'commit', frame: concatBytes(Uint8Array.of(FRAME_TYPE.commit), filler(64)) },
    { label: 'share', name: 'share', frame: concatBytes(Uint8Array.of(FRAME_TYPE.share), validShare) },
    { label: 'confirm', name: 'confirm', frame: concatBytes(Uint8Array.of(FRAME_TYPE.confirm), filler(64)) },
    { label: 'record', name: 'record', frame: concatBytes(Uint8Array.of(FRAME_TYPE.record), filler(40)) },
    { label: 'close', name: 'close', frame: concatBytes(Uint8Array.of(FRAME_TYPE.close), filler(16)) },
    { label: 'type 0', frame: concatBytes(Uint8Array.of(0), filler(8)) },
    { label: 'type 6', frame: concatBytes(Uint8Array.of(6), filler(8)) },
    { label: 'type 255', frame: concatBytes(Uint8Array.of(255), filler(8)) },
    { label: 'empty frame', frame: new Uint8Array(0) },
  ];
}

/** The expected frame with a body one byte short or long: in order by type, but malformed. */
function misSized(name: keyof typeof FRAME_TYPE): Uint8Array[] {
  const length = { commit: 64, share: 32, confirm: 64 }[name as 'commit' | 'share' | 'confirm'];
  if (length === undefined) return [];
  return [length - 1, length + 1].map((n) => concatBytes(Uint8Array.of(FRAME_TYPE[name]), new Uint8Array(n)));
}

describe('secure session: every frame out of order is refused', () => {
  it('walks the honest handshake in five frames', async () => {
    const l = link();
    const trace: string[] = [];
    while (l.queue.length > 0) {
      const next = l.queue[0]!;
      trace.push(`${next.to} ← ${next.frame[0]}`);
      await deliver(l, 1);
    }
    expect(trace).toEqual([
      `customer ← ${FRAME_TYPE.commit}`,
      `technician ← ${FRAME_TYPE.share}`,
      `customer ← ${FRAME_TYPE.share}`,
      `customer ← ${FRAME_TYPE.confirm}`,
      `technician ← ${FRAME_TYPE.confirm}`,
    ]);
    expect(l.opened).toEqual({ technician: true, customer: true });
  });

  it('refuses, in every state of both sides, every frame but the next one', async () => {
    let checked = 0;
    const states = new Set<string>();
    for (let delivered = 0; delivered <= 5; delivered++) {
      for (const target of ['technician', 'customer'] as const) {
        const probe = link();
        await deliver(probe, delivered);
        const state = probe.sessions[target].state;
        const next = NEXT[state];
        expect(next, `${target} after ${delivered} frames is in a documented state`).toBeDefined();
        const cases = [
          ...badFrames().filter((b) => b.name === undefined || !next!.includes(b.name)).map((b) => ({ label: b.label, frame: b.frame })),
          ...next!.flatMap(misSized).map((frame) => ({ label: `${next![0]} of ${frame.length - 1} bytes`, frame })),
        ];
        for (const bad of cases) {
          const l = link();
          await deliver(l, delivered);
          expect(l.sessions[target].state).toBe(state);
          const sentBefore = l.sent[target].length;
          l.sessions[target].receive(bad.frame);
          await settle(l);
          const what = `${target} in state ${state} given ${bad.label}`;
          expect(l.failures[target]?.code, what).toBe('TANDEM_ERR_PROTOCOL');
          expect(l.sessions[target].state, what).toBe('failed');
          expect(l.sent[target].length, `${what}: sends nothing more`).toBe(sentBefore);
          expect(l.opened[target] && state !== 'open', `${what}: never opens`).toBe(false);
          checked++;
        }
        states.add(`${target} ${state}`);
      }
    }
    // Both roles' every state before and after the keys were confirmed.
    expect([...states].sort()).toEqual(
      ['customer awaiting-commit', 'customer shared', 'customer verifying', 'customer open', 'technician committed', 'technician confirming', 'technician open'].sort(),
    );
    expect(checked).toBeGreaterThan(50);
  });
});
