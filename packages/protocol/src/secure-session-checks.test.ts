// The secure session's checks and teardown, each on its own: what it refuses
// at construction and when sending, what each refused frame is told, and that
// failing, closing and a transport end happen once and only when they apply.
// Written against the survivors of mutation testing (docs/security.md,
// "Mutation testing").
import { describe, expect, it } from 'vitest';
import { webCryptoAeadProvider } from './aead.js';
import { utf8 } from './bytes.js';
import { CHANNEL, FRAME_TYPE, type Role } from './constants.js';
import { TandemError } from './errors.js';
import { SecureSession } from './secure-session.js';

/** What one end reported, and every frame it sent. */
interface End {
  session: SecureSession;
  sent: Uint8Array[];
  failures: TandemError[];
  opened: Promise<void>;
  closed: Promise<void>;
}

/** One end; `deliver` takes each frame it sends (to the other end, or nowhere). */
function end(role: Role, deliver: (frame: Uint8Array) => void, secret = utf8('45678')): End {
  const signals = { open: () => {}, closed: () => {} };
  const e: End = {
    sent: [],
    failures: [],
    opened: new Promise<void>((resolve) => (signals.open = resolve)),
    closed: new Promise<void>((resolve) => (signals.closed = resolve)),
    session: undefined as unknown as SecureSession,
  };
  e.session = new SecureSession({
    role,
    secret,
    relayOrigin: 'https://relay.test',
    nameplate: '42',
    sessionId: 'session-checks',
    aead: webCryptoAeadProvider(),
    sendFrame: (frame) => {
      e.sent.push(frame.slice());
      deliver(frame.slice());
    },
    handlers: { open: () => signals.open(), message: () => {}, closed: () => signals.closed(), failed: (err) => e.failures.push(err) },
  });
  return e;
}

/** Two ends wired back to back and opened. */
async function openPair(): Promise<{ technician: End; customer: End }> {
  const technician: End = end('technician', (f) => customer.session.receive(f));
  const customer: End = end('customer', (f) => technician.session.receive(f));
  technician.session.start();
  customer.session.start();
  await Promise.all([technician.opened, customer.opened]);
  return { technician, customer };
}

const badInput = (message: string): unknown => expect.objectContaining({ code: 'TANDEM_ERR_BAD_INPUT', message });

describe('secure session input checks', () => {
  it('refuses a secret that is not bytes, or empty', () => {
    expect(() => end('customer', () => {}, 'digits' as unknown as Uint8Array)).toThrow(badInput('secret: must be a Uint8Array'));
    expect(() => end('customer', () => {}, new Uint8Array(0))).toThrow(badInput('secret: must not be empty'));
    expect(() => end('customer', () => {}, Uint8Array.of(0x34))).not.toThrow();
  });

  it('names a bad channel, and sends nothing before it is open or after it closed', async () => {
    const { technician } = await openPair();
    await expect(Promise.resolve().then(() => technician.session.send(256, utf8('x')))).rejects.toEqual(badInput('channel: must be between 0 and 255'));
    await expect(Promise.resolve().then(() => technician.session.send(CHANNEL.chat, 'x' as unknown as Uint8Array))).rejects.toEqual(badInput('payload: must be a Uint8Array'));
    await technician.session.close();
    const sentBefore = technician.sent.length;
    await expect(technician.session.send(CHANNEL.chat, utf8('late'))).rejects.toMatchObject({ code: 'TANDEM_ERR_PROTOCOL', message: 'cannot send in state closed' });
    expect(technician.sent).toHaveLength(sentBefore);
    const idle = end('customer', () => {});
    await expect(idle.session.send(CHANNEL.chat, utf8('early'))).rejects.toMatchObject({ message: 'cannot send in state idle' });
  });
});

describe('secure session refused frames', () => {
  const cases: Array<[string, Uint8Array, string]> = [
    ['an empty frame', new Uint8Array(0), 'empty frame from peer'],
    ['an unknown type', Uint8Array.of(99, 1, 2), 'unknown frame type 99 from peer'],
    ['a short commitment', Uint8Array.of(FRAME_TYPE.commit, 1, 2, 3), 'commit frame from peer must carry 64 bytes, got 3'],
    ['a share before the commitment', Uint8Array.of(FRAME_TYPE.share, ...new Uint8Array(32)), 'unexpected share frame from peer in state awaiting-commit'],
  ];
  for (const [name, frame, message] of cases) {
    it(`tells the customer what was wrong with ${name}`, async () => {
      const customer = end('customer', () => {});
      customer.session.start();
      customer.session.receive(frame);
      await customer.session.settled();
      expect(customer.failures.map((f) => [f.code, f.message])).toEqual([['TANDEM_ERR_PROTOCOL', message]]);
    });
  }
});

describe('secure session teardown', () => {
  it('fails once: a second failure is ignored and the first error stays', () => {
    const customer = end('customer', () => {});
    const first = new TandemError('TANDEM_ERR_PROTOCOL', 'first');
    customer.session.fail(first);
    expect(() => customer.session.fail(new TandemError('TANDEM_ERR_PROTOCOL', 'second'))).not.toThrow();
    expect(customer.failures).toEqual([first]);
    expect(customer.session.error).toBe(first);
  });

  it('a closed session does not fail afterwards', async () => {
    const { technician, customer } = await openPair();
    await technician.session.close();
    await customer.closed;
    customer.session.fail(new TandemError('TANDEM_ERR_PROTOCOL', 'too late'));
    customer.session.transportEnded();
    expect(customer.session.state).toBe('closed');
    expect(customer.failures).toEqual([]);
  });

  it('a transport end before the session opened is not a truncation', () => {
    const customer = end('customer', () => {});
    customer.session.start();
    customer.session.transportEnded();
    expect(customer.session.state).toBe('awaiting-commit');
    expect(customer.failures).toEqual([]);
  });

  it('a record sealed before a failure is not sent after it', async () => {
    const { technician } = await openPair();
    const sentBefore = technician.sent.length;
    const sending = technician.session.send(CHANNEL.chat, utf8('sealed, then failed'));
    technician.session.fail(new TandemError('TANDEM_ERR_PROTOCOL', 'gone'));
    await sending;
    await technician.session.flush();
    expect(technician.sent).toHaveLength(sentBefore);
  });
});
