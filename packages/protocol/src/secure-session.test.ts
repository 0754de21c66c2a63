import { describe, expect, it } from 'vitest';
import { webCryptoAeadProvider } from './aead.js';
import { fromUtf8, utf8 } from './bytes.js';
import { CHANNEL, FRAME_TYPE } from './constants.js';
import type { TandemError } from './errors.js';
import { SecureSession } from './secure-session.js';

interface Side {
  session: SecureSession;
  opened: Promise<string>;
  messages: { channel: number; text: string }[];
  failure: Promise<TandemError>;
  closed: Promise<void>;
}

/**
 * Two ends wired back to back. `wire` sees every frame on its way and returns
 * what arrives (possibly altered, dropped or duplicated), as a relay could.
 */
function pair(opts: {
  technicianSecret?: string;
  customerSecret?: string;
  technicianOrigin?: string;
  customerOrigin?: string;
  wire?: (from: 'technician' | 'customer', frame: Uint8Array) => Uint8Array[];
}): { technician: Side; customer: Side } {
  const aead = webCryptoAeadProvider();
  const sides: Partial<Record<'technician' | 'customer', Side>> = {};
  for (const role of ['technician', 'customer'] as const) {
    let resolveOpen!: (sas: string) => void;
    let resolveFail!: (e: TandemError) => void;
    let resolveClosed!: () => void;
    const side: Side = {
      session: undefined as unknown as SecureSession,
      opened: new Promise((r) => (resolveOpen = r)),
      failure: new Promise((r) => (resolveFail = r)),
      closed: new Promise((r) => (resolveClosed = r)),
      messages: [],
    };
    const peer = role === 'technician' ? 'customer' : 'technician';
    side.session = new SecureSession({
      role,
      secret: utf8((role === 'technician' ? opts.technicianSecret : opts.customerSecret) ?? '45678'),
      relayOrigin: (role === 'technician' ? opts.technicianOrigin : opts.customerOrigin) ?? 'https://relay.test',
      nameplate: '123',
      sessionId: 'session-1',
      aead,
      sendFrame: (frame) => {
        const copy = frame.slice();
        const delivered = opts.wire ? opts.wire(role, copy) : [copy];
        for (const f of delivered) sides[peer]!.session.receive(f);
      },
      handlers: {
        open: resolveOpen,
        message: (channel, payload) => side.messages.push({ channel, text: fromUtf8(payload) }),
        closed: resolveClosed,
        failed: resolveFail,
      },
    });
    sides[role] = side;
  }
  return { technician: sides.technician!, customer: sides.customer! };
}

function start(p: { technician: Side; customer: Side }): void {
  p.technician.session.start();
  p.customer.session.start();
}

describe('secure session', () => {
  it('agrees on keys and the SAS, then carries channels both ways', async () => {
    const p = pair({});
    start(p);
    const [sasT, sasC] = await Promise.all([p.technician.opened, p.customer.opened]);
    expect(sasT).toBe(sasC);
    expect(sasT).toMatch(/^[0-9]{3} [0-9]{3}$/);
    await p.technician.session.send(CHANNEL.chat, utf8('hello'));
    await p.customer.session.send(CHANNEL.control, utf8('ok'));
    await p.technician.session.send(CHANNEL.chat, utf8('again'));
    // Every frame sent has been handed to the other side's receive(); wait until both handled them.
    await Promise.all([p.customer.session.settled(), p.technician.session.settled()]);
    expect(p.customer.messages).toEqual([
      { channel: CHANNEL.chat, text: 'hello' },
      { channel: CHANNEL.chat, text: 'again' },
    ]);
    expect(p.technician.messages).toEqual([{ channel: CHANNEL.control, text: 'ok' }]);
    await p.technician.session.close();
    await p.customer.closed;
    expect(p.customer.session.state).toBe('closed');
  });

  it('fails the customer with TANDEM_ERR_WRONG_CODE on a wrong secret, and sends the technician no tag', async () => {
    const fromCustomer: number[] = [];
    const p = pair({
      customerSecret: '45679',
      wire: (from, frame) => {
        if (from === 'customer') fromCustomer.push(frame[0] as number);
        return [frame];
      },
    });
    start(p);
    expect((await p.customer.failure).code).toBe('TANDEM_ERR_WRONG_CODE');
    await p.technician.session.settled();
    // The technician learns of the failure from the relay (peer-left wrong-code), never from a tag it could test offline.
    expect(fromCustomer).not.toContain(FRAME_TYPE.confirm);
    expect(p.technician.session.state).toBe('confirming');
  });

  it('binds the relay origin: the same code through another relay address fails before the customer says anything but its share', async () => {
    const fromCustomer: number[] = [];
    const p = pair({
      customerOrigin: 'https://evil.test',
      wire: (from, frame) => {
        if (from === 'customer') fromCustomer.push(frame[0] as number);
        return [frame];
      },
    });
    start(p);
    const failure = await p.customer.failure;
    // CI is in the commitment: the technician's share does not open it for the customer's CI.
    expect(failure.code).toBe('TANDEM_ERR_PROTOCOL');
    expect(failure.message).toMatch(/does not match the commitment/);
    expect(fromCustomer).toEqual([FRAME_TYPE.share]);
  });

  it('sends the frames in the documented order: commit, share, share, confirm, confirm', async () => {
    const order: string[] = [];
    const names = new Map(Object.entries(FRAME_TYPE).map(([name, type]) => [type as number, name]));
    const p = pair({
      wire: (from, frame) => {
        order.push(`${from} ${names.get(frame[0] as number)}`);
        return [frame];
      },
    });
    start(p);
    await Promise.all([p.technician.opened, p.customer.opened]);
    expect(order).toEqual(['technician commit', 'customer share', 'technician share', 'technician confirm', 'customer confirm']);
  });

  it('fails on a record altered in transit', async () => {
    let count = 0;
    const p = pair({
      wire: (from, frame) => {
        if (from === 'technician' && frame[0] === FRAME_TYPE.record && count++ === 0) frame[frame.length - 20]! ^= 1;
        return [frame];
      },
    });
    start(p);
    await Promise.all([p.technician.opened, p.customer.opened]);
    await p.technician.session.send(CHANNEL.chat, utf8('secret words'));
    expect((await p.customer.failure).code).toBe('TANDEM_ERR_RECORD_AUTH');
    expect(p.customer.messages).toEqual([]);
  });

  it('fails on a replayed record', async () => {
    const p = pair({
      wire: (from, frame) => (from === 'technician' && frame[0] === FRAME_TYPE.record ? [frame, frame.slice()] : [frame]),
    });
    start(p);
    await Promise.all([p.technician.opened, p.customer.opened]);
    await p.technician.session.send(CHANNEL.chat, utf8('once'));
    expect((await p.customer.failure).code).toBe('TANDEM_ERR_RECORD_AUTH');
    expect(p.customer.messages).toEqual([{ channel: CHANNEL.chat, text: 'once' }]);
  });

  it('reports truncation when the transport ends without the close frame', async () => {
    const p = pair({});
    start(p);
    await Promise.all([p.technician.opened, p.customer.opened]);
    p.customer.session.transportEnded();
    expect((await p.customer.failure).code).toBe('TANDEM_ERR_TRUNCATED');
  });

  it('refuses records before the keys are confirmed', async () => {
    const p = pair({ wire: (from, frame) => (from === 'customer' && frame[0] === FRAME_TYPE.share ? [Uint8Array.of(FRAME_TYPE.record, 1, 2, 3), frame] : [frame]) });
    start(p);
    expect((await p.technician.failure).code).toBe('TANDEM_ERR_PROTOCOL');
  });
});
