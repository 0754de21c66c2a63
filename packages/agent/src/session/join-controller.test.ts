/**
 * The join controller between a customer's session and its interfaces, with
 * a technician's session on a relay in memory (security review, issue 7
 * item 4): the customer's answer to a step-up carries the mode the customer
 * was shown; a request swapped in while the answer is on its way is never
 * what gets granted.
 */
import { describe, expect, it } from 'vitest';
import { CustomerSession, TechnicianSession, webCryptoAeadProvider, type Mode, type TechnicianEvent } from '@tandem/protocol';
import { GOOD_TOKEN, MemoryRelay, waitFor } from '@tandem/test-kit';
import { EventLog } from '../system/event-log.js';
import { JoinController, type ChatEntry } from './join-controller.js';

/** A session accepted in chat-only mode through the controller. */
async function accepted(): Promise<{ technician: TechnicianSession; controller: JoinController; techEvents: TechnicianEvent[]; chat: ChatEntry[] }> {
  const relay = new MemoryRelay();
  const aead = webCryptoAeadProvider();
  const techEvents: TechnicianEvent[] = [];
  const technician = new TechnicianSession({ relayUrl: 'https://relay.test', token: GOOD_TOKEN, mode: 'chat', aead, connect: relay.connect });
  technician.onEvent((e) => techEvents.push(e));
  technician.start();
  const { code } = await waitFor(() => techEvents.find((e) => e.type === 'code'), 5000, 'the code');
  const session = new CustomerSession({ relayUrl: 'https://relay.test', code, aead, connect: relay.connect });
  const controller = new JoinController({ session, relayUrl: 'https://relay.test', defaults: { name: 'Yamada Hanako' }, eventLog: new EventLog({ warn: () => undefined }) });
  const chat: ChatEntry[] = [];
  controller.onUpdate((u) => {
    if (u.type === 'chat') chat.push(u.entry);
  });
  session.start();
  await waitFor(() => controller.view.status === 'consent' && controller.view.requestedMode !== undefined, 5000, 'the consent question');
  controller.accept({ name: 'Yamada Hanako', customerNumber: '', caseNumber: '', mode: 'chat', eventLog: false });
  await waitFor(() => technician.state === 'active', 5000, 'the technician active');
  return { technician, controller, techEvents, chat };
}

const modes = (events: TechnicianEvent[]): Mode[] => events.flatMap((e) => (e.type === 'mode' ? [e.mode] : []));

describe('join controller: step-up answers', () => {
  it('grants the mode the customer saw; the request swapped in meanwhile is refused and the customer told', async () => {
    const s = await accepted();
    s.technician.requestMode('view');
    await waitFor(() => s.controller.view.pendingRequest === 'view', 5000, 'the view request shown');
    // The customer clicks "Allow" for view; before the click arrives the technician asks for control.
    s.technician.requestMode('control');
    await waitFor(() => s.controller.view.pendingRequest !== 'view' || s.chat.some((e) => e.from === 'system' && e.key === 'system.requestRefused'), 5000, 'the swap handled');
    expect(s.controller.view.pendingRequest).toBe('view');
    expect(s.chat).toContainEqual({ from: 'system', key: 'system.requestRefused', params: { mode: 'control', pending: 'view' } });
    s.controller.decide('view', true);
    await waitFor(() => modes(s.techEvents).length > 0, 5000, 'the new mode');
    expect(s.controller.view.mode).toBe('view');
    expect(modes(s.techEvents)).toEqual(['view']);
    await s.controller.end();
  });

  it('refuses an answer for another mode than the one waiting with TANDEM_ERR_CONFLICT, granting nothing', async () => {
    const s = await accepted();
    s.technician.requestMode('view');
    await waitFor(() => s.controller.view.pendingRequest === 'view', 5000, 'the view request shown');
    expect(() => s.controller.decide('control', true)).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_CONFLICT' }));
    expect(s.controller.view.pendingRequest).toBe('view');
    expect(s.controller.view.mode).toBe('chat');
    // The answer for what is shown still works.
    s.controller.decide('view', false);
    await waitFor(() => s.techEvents.some((e) => e.type === 'decision'), 5000, 'the decision');
    expect(s.techEvents.filter((e) => e.type === 'decision')).toEqual([{ type: 'decision', mode: 'view', accepted: false }]);
    expect(s.controller.view.mode).toBe('chat');
    await s.controller.end();
  });
});
