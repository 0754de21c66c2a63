/**
 * The customer's session between a technician's session and a relay in
 * memory: step-up requests (security review, issue 7 item 4). A request
 * that arrives while another waits for the customer is refused, never
 * swapped in for the one the customer is looking at; a decision must name
 * the mode it answers.
 */
import { describe, expect, it } from 'vitest';
import { GOOD_TOKEN, MemoryRelay, waitFor } from '@tandem/test-kit';
import { webCryptoAeadProvider } from './aead.js';
import type { Mode } from './constants.js';
import { CustomerSession, type CustomerEvent } from './customer-session.js';
import { TechnicianSession, type TechnicianEvent } from './technician-session.js';

interface Pair {
  relay: MemoryRelay;
  technician: TechnicianSession;
  customer: CustomerSession;
  techEvents: TechnicianEvent[];
  customerEvents: CustomerEvent[];
}

/** A session accepted in chat-only mode, both sides active. */
async function activeSession(relay = new MemoryRelay()): Promise<Pair> {
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
  await waitFor(() => customerEvents.some((e) => e.type === 'consent-needed'), 5000, 'the consent question');
  customer.accept({ mode: 'chat', customer: { name: 'Yamada Hanako', customerNumber: '', caseNumber: '' } });
  await waitFor(() => technician.state === 'active', 5000, 'the technician active');
  return { relay, technician, customer, techEvents, customerEvents };
}

const modes = (events: TechnicianEvent[]): Mode[] => events.flatMap((e) => (e.type === 'mode' ? [e.mode] : []));
const decisions = (events: TechnicianEvent[]): string[] => events.flatMap((e) => (e.type === 'decision' ? [`${e.mode} ${e.accepted ? 'accepted' : 'refused'}`] : []));

describe('customer session: step-up requests', () => {
  it('refuses a request that arrives while another is pending; the pending one stays as the customer saw it', async () => {
    const p = await activeSession();
    p.technician.requestMode('view');
    await waitFor(() => p.customer.pendingRequest === 'view', 5000, 'the view request');
    // The swap: the technician asks for control while the customer looks at "view".
    p.technician.requestMode('control');
    await waitFor(() => p.customer.pendingRequest !== 'view' || decisions(p.techEvents).length > 0, 5000, 'the control request handled');
    expect(p.customer.pendingRequest).toBe('view');
    await waitFor(() => decisions(p.techEvents).length > 0, 5000, 'the refusal');
    expect(decisions(p.techEvents)).toEqual(['control refused']);
    // The customer is told.
    expect(p.customerEvents.filter((e) => e.type === 'mode-request' || e.type === 'request-refused')).toEqual([
      { type: 'mode-request', mode: 'view' },
      { type: 'request-refused', mode: 'control', pending: 'view' },
    ]);
    // The customer's "Allow" carries the mode it saw: view is granted, control never.
    p.customer.decide('view', true);
    await waitFor(() => modes(p.techEvents).includes('view'), 5000, 'the view mode');
    expect(p.customer.mode).toBe('view');
    expect(() => p.customer.decide('control', true)).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_PROTOCOL' }));
    expect(modes(p.techEvents)).not.toContain('control');
    expect(decisions(p.techEvents)).toEqual(['control refused', 'view accepted']);
    await p.technician.end();
  });

  it('a decision for another mode than the pending one grants nothing', async () => {
    const p = await activeSession();
    p.technician.requestMode('view');
    await waitFor(() => p.customer.pendingRequest === 'view', 5000, 'the view request');
    expect(() => p.customer.decide('control', true)).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_PROTOCOL' }));
    expect(p.customer.mode).toBe('chat');
    expect(p.customer.pendingRequest).toBe('view');
    // After the answer another request may come, and is asked as usual.
    p.customer.decide('view', false);
    p.technician.requestMode('control');
    await waitFor(() => p.customer.pendingRequest === 'control', 5000, 'the control request');
    expect(decisions(p.techEvents)).toEqual(['view refused']);
    await p.technician.end();
  });
});
