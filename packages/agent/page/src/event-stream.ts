/**
 * The agent's event stream (Server-Sent Events on `events`, with the page's
 * cookie): each event is read (wire.ts), applied to the state and rendered.
 * Once the session or this invitation is over the agent exits soon after,
 * so the page stops reconnecting to it.
 */
import type { PageContext } from './page-context.js';
import { render, renderChat } from './render.js';
import { renderInvitations } from './invitations-list.js';
import { decodeChat, decodeEntry, decodeInvitations, decodeRemoval, decodeSelf, decodeView, decodeWarning } from './wire.js';

/** Opens the stream and applies every event to `ctx`; returns the EventSource. */
export function connectEvents(ctx: PageContext): EventSource {
  const { state } = ctx;
  const events = new EventSource('events');
  const on = (name: string, apply: (data: unknown) => void): void => {
    events.addEventListener(name, (e) => {
      if (!(e instanceof MessageEvent) || typeof e.data !== 'string') return;
      try {
        apply(JSON.parse(e.data));
      } catch (err) {
        // Shown under the page; the event is dropped and the page keeps what it had.
        state.setProblem({ kind: 'bad-event', message: `${name}: ${err instanceof Error ? err.message : String(err)}` });
        render(ctx);
      }
    });
  };
  const stopWhenFinished = (): void => {
    if (state.finished) events.close();
  };
  on('reset', () => state.resetChat());
  on('invitation', (data) => {
    state.setSelf(decodeSelf(data));
    render(ctx);
    stopWhenFinished();
  });
  on('invitations', (data) => {
    state.setRows(decodeInvitations(data));
    renderInvitations(ctx);
  });
  on('state', (data) => {
    state.setView(decodeView(data));
    render(ctx);
    stopWhenFinished();
  });
  on('chat', (data) => {
    state.addChat(decodeChat(data));
    renderChat(ctx);
  });
  on('entry', (data) => {
    state.setEntry(decodeEntry(data));
    render(ctx);
  });
  on('remove-when-done', (data) => {
    state.setRemoval(decodeRemoval(data).on);
    render(ctx);
  });
  on('warning', (data) => {
    state.addWarning(decodeWarning(data).key);
    render(ctx);
  });
  return events;
}
