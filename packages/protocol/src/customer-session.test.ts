/**
 * The customer's session between a technician's session and a relay in
 * memory: step-up requests (security review, issue 7 item 4). A request
 * that arrives while another waits for the customer is refused, never
 * swapped in for the one the customer is looking at; a decision must name
 * the mode it answers.
 */
import { describe, expect, it } from 'vitest';
import { MemoryRelay } from '../test/memory-relay.js';
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

/** Polls until `check` holds (events arrive asynchronously). */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A session accepted in chat-only mode, both sides active. */
async function activeSession(relay = new MemoryRelay()): Promise<Pair> {
  const aead = webCryptoAeadProvider();
  const techEvents: TechnicianEvent[] = [];
  const customerEvents: CustomerEvent[] = [];
  const technician = new TechnicianSession({ relayUrl: 'https://relay.test', token: 'token', mode: 'chat', aead, connect: relay.connect });
  technician.onEvent((e) => techEvents.push(e));
  technician.start();
  await until(() => techEvents.some((e) => e.type === 'code'), 'the code');
  const code = (techEvents.find((e) => e.type === 'code') as { code: string }).code;
  const customer = new CustomerSession({ relayUrl: 'https://relay.test', code, aead, connect: relay.connect });
  customer.onEvent((e) => customerEvents.push(e));
  customer.start();
  await until(() => customerEvents.some((e) => e.type === 'consent-needed'), 'the consent question');
  customer.accept({ mode: 'chat', customer: { name: 'Yamada Hanako', customerNumber: '', caseNumber: '' } });
  await until(() => technician.state === 'active', 'the technician active');
  return { relay, technician, customer, techEvents, customerEvents };
}

const modes = (events: TechnicianEvent[]): Mode[] => events.flatMap((e) => (e.type === 'mode' ? [e.mode] : []));
const decisions = (events: TechnicianEvent[]): string[] => events.flatMap((e) => (e.type === 'decision' ? [`${e.mode} ${e.accepted ? 'accepted' : 'refused'}`] : []));

describe('customer session: step-up requests', () => {
  it('refuses a request that arrives while another is pending; the pending one stays as the customer saw it', async () => {
    const p = await activeSession();
    p.technician.requestMode('view');
    await until(() => p.customer.pendingRequest === 'view', 'the view request');
    // The swap: the technician asks for control while the customer looks at "view".
    p.technician.requestMode('control');
    await until(() => p.customer.pendingRequest !== 'view' || decisions(p.techEvents).length > 0, 'the control request handled');
    expect(p.customer.pendingRequest).toBe('view');
    await until(() => decisions(p.techEvents).length > 0, 'the refusal');
    expect(decisions(p.techEvents)).toEqual(['control refused']);
    // The customer is told.
    expect(p.customerEvents.filter((e) => e.type === 'mode-request' || e.type === 'request-refused')).toEqual([
      { type: 'mode-request', mode: 'view' },
      { type: 'request-refused', mode: 'control', pending: 'view' },
    ]);
    // The customer's "Allow" carries the mode it saw: view is granted, control never.
    p.customer.decide('view', true);
    await until(() => modes(p.techEvents).includes('view'), 'the view mode');
    expect(p.customer.mode).toBe('view');
    expect(() => p.customer.decide('control', true)).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_PROTOCOL' }));
    expect(modes(p.techEvents)).not.toContain('control');
    expect(decisions(p.techEvents)).toEqual(['control refused', 'view accepted']);
    await p.technician.end();
  });

  it('a decision for another mode than the pending one grants nothing', async () => {
    const p = await activeSession();
    p.technician.requestMode('view');
    await until(() => p.customer.pendingRequest === 'view', 'the view request');
    expect(() => p.customer.decide('control', true)).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_PROTOCOL' }));
    expect(p.customer.mode).toBe('chat');
    expect(p.customer.pendingRequest).toBe('view');
    // After the answer another request may come, and is asked as usual.
    p.customer.decide('view', false);
    p.technician.requestMode('control');
    await until(() => p.customer.pendingRequest === 'control', 'the control request');
    expect(decisions(p.techEvents)).toEqual(['view refused']);
    await p.technician.end();
  });
});
