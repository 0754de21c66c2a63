/**
 * What every local page shows of a session once it passed the handshake
 * (the consent page, the code-entry page, the invitations page): the join
 * controller's view and chat, and the file desk's questions and transfers
 * (issue 11: files and system information asked on the page). One list of
 * events for a page that connects, one subscription for live updates, one
 * place for the session's actions ({@link PageSession}, taken by
 * page-actions.ts): the three pages differ only in what they show before
 * the session.
 */
import type { FileDesk } from '../session/file-desk.js';
import type { JoinController, JoinUpdate } from '../session/join-controller.js';
import type { ServerEvent } from './consent-server.js';

/** A session as a page shows it. */
export interface PageSession {
  controller: JoinController;
  files: FileDesk;
}

/**
 * The `files` event: where received files go, the questions waiting
 * (oldest first: the page asks the first) and the transfers under way.
 */
export function filesEvent(files: FileDesk): ServerEvent {
  return { event: 'files', data: { folder: files.folder, questions: files.questions, transfers: files.transfers } };
}

/** The events that show `session` from scratch: its view, its chat, its files. */
export function sessionEvents(session: PageSession): ServerEvent[] {
  return [{ event: 'state', data: session.controller.view }, ...session.controller.chat.map((entry) => ({ event: 'chat', data: entry })), filesEvent(session.files)];
}

/**
 * The file desk changes with every chunk of a transfer; the page is told at
 * most this often (ms), which a question waits at worst and a progress bar
 * needs at most.
 */
export const FILES_EVENT_INTERVAL_MS = 200;

/** Sends every later change of `session` to `broadcast`; returns what stops that. */
export function followSession(session: PageSession, broadcast: (event: ServerEvent) => void): () => void {
  const offView = session.controller.onUpdate((update: JoinUpdate) =>
    broadcast(update.type === 'view' ? { event: 'state', data: update.view } : { event: 'chat', data: update.entry }),
  );
  // Changes within one interval go as one event with the state at its end.
  const pending = new Set<NodeJS.Timeout>();
  const offFiles = session.files.onChange(() => {
    if (pending.size > 0) return;
    const timer = setTimeout(() => {
      pending.delete(timer);
      broadcast(filesEvent(session.files));
    }, FILES_EVENT_INTERVAL_MS);
    pending.add(timer);
  });
  return () => {
    offView();
    offFiles();
    for (const timer of pending) clearTimeout(timer);
    pending.clear();
  };
}
