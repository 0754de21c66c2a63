/**
 * The page's state without a browser: which screen shows (the code box, the
 * invitations, the session) as the agent's events come, when the page may
 * stop listening, and the times of chat lines across a reconnect.
 */
import { describe, expect, it } from 'vitest';
import { PageState } from './state.js';
import type { PageView } from './wire.js';

const DEFAULTS = { name: '', customerNumber: '', caseNumber: '', eventLog: false };
const view = (fields: Partial<PageView>): PageView => ({ status: 'connecting', policy: [], defaults: DEFAULTS, ...fields });
const ENTRY = { relay: 'https://support.example.com', busy: false };

describe('PageState', () => {
  it('shows the code box until a session view comes, and again when the agent sends it after a failed attempt', () => {
    const state = new PageState();
    expect(state.screen).toBe('session');
    state.setEntry(ENTRY);
    expect(state.screen).toBe('entry');
    state.setView(view({ status: 'connecting' }));
    expect(state.screen).toBe('session');
    // A code that fails before the handshake: the failed view, then the box again, and the page keeps listening.
    state.setView(view({ status: 'failed', error: { code: 'TANDEM_ERR_WRONG_CODE', message: 'wrong code' } }));
    expect(state.finished).toBe(true);
    state.setEntry({ ...ENTRY, error: { code: 'TANDEM_ERR_WRONG_CODE', message: 'wrong code' } });
    expect(state.screen).toBe('entry');
    expect(state.finished).toBe(false);
    state.setView(view({ status: 'ended', endReason: 'customer-ended' }));
    expect(state.screen).toBe('session');
    expect(state.finished).toBe(true);
  });

  it('shows the invitations until the session, and asks to confirm the end only while the session runs', () => {
    const state = new PageState();
    state.setSelf({ id: '0123456789ab', phase: 'holding' });
    expect(state.screen).toBe('invitations');
    state.setView(view({ status: 'active', mode: 'view' }));
    expect(state.screen).toBe('session');
    state.setConfirmingEnd(true);
    expect(state.confirmingEnd).toBe(true);
    state.setView(view({ status: 'ended', endReason: 'technician-ended' }));
    expect(state.confirmingEnd).toBe(false);
  });

  it('times live chat lines when they come, keeps their times over a replay, and leaves lines first seen in a replay without one', () => {
    const state = new PageState();
    state.resetChat();
    state.endReplay();
    state.addChat({ from: 'peer', text: 'hello' }, 1000);
    state.addChat({ from: 'me', text: 'hi' }, 2000);
    state.addChat({ from: 'system', key: 'system.started', params: { mode: 'chat' } }, 3000);
    // A reconnect: the agent resends the chat in full, with one line the page missed while away.
    state.resetChat();
    state.addChat({ from: 'peer', text: 'hello' }, 9000);
    state.addChat({ from: 'me', text: 'hi' }, 9000);
    state.addChat({ from: 'system', key: 'system.started', params: { mode: 'chat' } }, 9000);
    state.addChat({ from: 'peer', text: 'while you were away' }, 9000);
    state.endReplay();
    state.addChat({ from: 'me', text: 'back' }, 10_000);
    // And one the agent timed itself.
    state.addChat({ from: 'peer', text: 'timed', at: 9500 }, 11_000);
    expect(state.chat.map((l) => l.at)).toEqual([1000, 2000, 3000, undefined, 10_000, 9500]);
    expect(state.chat.map((l) => l.entry.from)).toEqual(['peer', 'me', 'system', 'peer', 'me', 'peer']);
  });

  it('does not carry a time over to a different line at the same place', () => {
    const state = new PageState();
    state.endReplay();
    state.addChat({ from: 'peer', text: 'one' }, 1000);
    state.resetChat();
    state.addChat({ from: 'peer', text: 'another' }, 5000);
    expect(state.chat[0]?.at).toBeUndefined();
  });
});
