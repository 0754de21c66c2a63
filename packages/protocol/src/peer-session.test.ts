/**
 * How a session ends when the relay says the peer left (security review,
 * issue 7 item 7). The relay's `peer-left` is not authenticated: once keys
 * are confirmed, only the peer's own encrypted `end` or close frame ends a
 * session normally, and any other end is truncation. Before that nothing can
 * be authenticated, and the relay's reason is reported as it is.
 */
import { describe, expect, it } from 'vitest';
import { GOOD_TOKEN, MemoryRelay, waitFor } from '@tandem/test-kit';
import { webCryptoAeadProvider } from './aead.js';
import { CustomerSession, type CustomerEvent } from './customer-session.js';
import type { FinalEvent } from './peer-session.js';
import { TechnicianSession, type TechnicianEvent } from './technician-session.js';

interface Run {
  relay: MemoryRelay;
  technician: TechnicianSession;
  customer: CustomerSession;
  techEvents: TechnicianEvent[];
  customerEvents: CustomerEvent[];
}

/** Both sessions on a relay in memory; `accept` takes them to active in chat-only mode. */
async function run(relay: MemoryRelay, accept: boolean): Promise<Run> {
  const aead = webCryptoAeadProvider();
  const techEvents: TechnicianEvent[] = [];
  const customerEvents: CustomerEvent[] = [];
  const technician = new TechnicianSession({ relayUrl: 'https://relay.test', token: GOOD_TOKEN, mode: 'chat', aead, connect: relay.connect });
  technician.onEvent((e) => techEvents.push(e));
  technician.start();
  const { code } = await waitFor(() => techEvents.find((e) => e.type === 'code'), 5000, 'the code');
  const customer = new CustomerSession({ relayUrl: 'https://relay.test', code, aead, connect: relay.connect });
  customer.onEvent((e) => customerEvents.push(e));
  customer.start();
  if (accept) {
    await waitFor(() => customerEvents.some((e) => e.type === 'consent-needed'), 5000, 'the consent question');
    customer.accept({ mode: 'chat', customer: { name: 'Yamada Hanako', customerNumber: '', caseNumber: '' } });
    await waitFor(() => technician.state === 'active', 5000, 'the technician active');
  }
  return { relay, technician, customer, techEvents, customerEvents };
}

const final = (events: (TechnicianEvent | CustomerEvent)[]): FinalEvent | undefined =>
  events.find((e): e is FinalEvent => e.type === 'ended' || e.type === 'failed');

const outcome = (events: (TechnicianEvent | CustomerEvent)[]): string => {
  const f = final(events);
  return f === undefined ? 'running' : f.type === 'ended' ? `ended ${f.reason}` : `failed ${f.error.code}`;
};

describe('peer-left from the relay', () => {
  it('after keys are confirmed, a "customer-ended" without the customer\'s authenticated close is truncation', async () => {
    const r = await run(new MemoryRelay(), true);
    r.relay.signal('technician', { t: 'peer-left', reason: 'customer-ended' });
    await waitFor(() => r.technician.finished, 5000, 'the technician finished');
    expect(outcome(r.techEvents)).toBe('failed TANDEM_ERR_TRUNCATED');
    const f = final(r.techEvents);
    expect(f?.type === 'failed' && f.error.message).toMatch(/customer-ended/);
  });

  it('the same for the customer hearing "technician-ended", and for a "refused" no refusal came with', async () => {
    const a = await run(new MemoryRelay(), true);
    a.relay.signal('customer', { t: 'peer-left', reason: 'technician-ended' });
    await waitFor(() => a.customer.finished, 5000, 'the customer finished');
    expect(outcome(a.customerEvents)).toBe('failed TANDEM_ERR_TRUNCATED');
    const b = await run(new MemoryRelay(), true);
    b.relay.signal('technician', { t: 'peer-left', reason: 'refused' });
    await waitFor(() => b.technician.finished, 5000, 'the technician finished');
    expect(outcome(b.techEvents)).toBe('failed TANDEM_ERR_TRUNCATED');
  });

  it('an end the peer authenticated stays a normal end, and so does a refusal', async () => {
    const a = await run(new MemoryRelay(), true);
    await a.customer.end();
    await waitFor(() => a.technician.finished, 5000, 'the technician finished');
    expect(outcome(a.techEvents)).toBe('ended customer-ended');
    expect(outcome(a.customerEvents)).toBe('ended customer-ended');

    const b = await run(new MemoryRelay(), false);
    await waitFor(() => b.customerEvents.some((e) => e.type === 'consent-needed'), 5000, 'the consent question');
    await b.customer.refuse();
    await waitFor(() => b.technician.finished, 5000, 'the technician finished');
    expect(outcome(b.techEvents)).toBe('failed TANDEM_ERR_REFUSED');
  });

  it('before keys are confirmed, the handshake-phase reasons are reported as the relay gives them', async () => {
    // The customer's frames never arrive: the technician is still in the handshake.
    const relay = new MemoryRelay({ onFrame: (from) => (from === 'customer' ? 'drop' : 'forward') });
    const r = await run(relay, false);
    await waitFor(() => r.customer.state === 'handshaking', 5000, 'the handshake');
    r.relay.signal('technician', { t: 'peer-left', reason: 'wrong-code' });
    await waitFor(() => r.technician.finished, 5000, 'the technician finished');
    expect(outcome(r.techEvents)).toBe('failed TANDEM_ERR_WRONG_CODE');
  });

  it('the relay cannot drop the close and call it a clean end: the customer ends, the technician sees truncation', async () => {
    let cut = false;
    const relay = new MemoryRelay({ onFrame: (from) => (cut && from === 'customer' ? 'drop' : 'forward') });
    const r = await run(relay, true);
    cut = true;
    // The customer's encrypted `end` and close frame are dropped; its `bye` still makes the relay say customer-ended.
    await r.customer.end();
    await waitFor(() => r.technician.finished, 5000, 'the technician finished');
    expect(outcome(r.techEvents)).toBe('failed TANDEM_ERR_TRUNCATED');
  });
});
