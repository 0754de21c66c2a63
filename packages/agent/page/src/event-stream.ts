/**
 * The agent's event stream (Server-Sent Events on `events`, with the page's
 * cookie): each event is read (wire.ts, code-entry.ts), applied to the state
 * and rendered. Once the session or this invitation is over the agent exits
 * soon after, so when the stream then breaks the page stops reconnecting to
 * it; a stream that breaks before that is said on the page until it is back.
 */
import { applyEntry, decodeEntry } from './code-entry.js';
import type { PageContext } from './page-context.js';
import { render, renderChat, renderProblem } from './render.js';
import { renderInvitations } from './invitations-list.js';
import { renderFiles } from './file-questions.js';
import { decodeChat, decodeFiles, decodeInvitations, decodeRemoval, decodeSelf, decodeView, decodeWarning } from './wire.js';

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
  on('reset', () => {
    state.resetChat();
    // The agent writes the whole replay at once after a reset: lines that come after this turn are live.
    setTimeout(() => state.endReplay(), 0);
  });
  on('entry', (data) => {
    applyEntry(ctx, decodeEntry(data));
    render(ctx);
  });
  on('invitation', (data) => {
    state.setSelf(decodeSelf(data));
    render(ctx);
  });
  on('invitations', (data) => {
    state.setRows(decodeInvitations(data));
    renderInvitations(ctx);
  });
  on('state', (data) => {
    state.setView(decodeView(data));
    render(ctx);
  });
  on('chat', (data) => {
    state.addChat(decodeChat(data), Date.now());
    // The first line may show the record of a session that is over (render.ts hides an empty one).
    if (state.chat.length === 1) render(ctx);
    else renderChat(ctx);
  });
  on('files', (data) => {
    state.setFiles(decodeFiles(data), Date.now());
    renderFiles(ctx);
  });
  on('remove-when-done', (data) => {
    state.setRemoval(decodeRemoval(data).on);
    render(ctx);
  });
  on('warning', (data) => {
    state.addWarning(decodeWarning(data).key);
    render(ctx);
  });
  events.addEventListener('open', () => {
    if (state.problem?.kind !== 'unreachable') return;
    state.setProblem(undefined);
    renderProblem(ctx);
  });
  events.addEventListener('error', () => {
    // Over: the agent has nothing more to say and is gone, so stop knocking.
    if (state.finished) {
      events.close();
      return;
    }
    state.setProblem({ kind: 'unreachable', message: 'the event stream broke' });
    renderProblem(ctx);
  });
  return events;
}
