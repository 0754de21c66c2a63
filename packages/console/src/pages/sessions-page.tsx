import { useEffect, useState, type DragEvent, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Mode } from '@tandem/protocol';
import { useAuth, usePendingInvitation, useServices, useSessionView } from '../services.js';
import { SessionRequestFields } from '../components/session-request-fields.js';
import { InvitationPanel } from '../invitation/invitation-panel.js';
import { useInvitationDraft } from '../invitation/use-invitation-draft.js';
import { translateError } from '../i18n/translate-error.js';
import { SessionPanel } from '../session/session-panel.js';
import { isFinished } from '../session/session-model.js';
import { useNow } from '../session/use-now.js';
import { inBackground } from '../async/in-background.js';

/** True when a drag carries something an invitation can come from: a file, or text such as a link. */
function carriesInvitation(e: DragEvent): boolean {
  const types = [...e.dataTransfer.types];
  return types.includes('Files') || types.includes('text/plain') || types.includes('text/uri-list');
}

/** The technician's page: start a session (a code, or an invitation the customer sent), then run it. */
export function SessionsPage() {
  const { t } = useTranslation();
  const { sessions, pendingInvitation } = useServices();
  const auth = useAuth();
  const view = useSessionView();
  const [caseNumber, setCaseNumber] = useState('');
  const [mode, setMode] = useState<Mode>('chat');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const now = useNow(1000, view?.state === 'waiting');
  const expiredWaiting = view?.state === 'waiting' && view.expiresAt !== undefined && view.expiresAt <= now;
  const canStart = !view || isFinished(view) || expiredWaiting;
  const draft = useInvitationDraft();
  const [dragging, setDragging] = useState(false);

  // An invitation link opened this page (maybe before a sign-in): read it once, then forget it.
  const pending = usePendingInvitation();
  const { readLinkData } = draft;
  useEffect(() => {
    if (pending === undefined) return;
    readLinkData(pending);
    pendingInvitation.clear();
  }, [pending, readLinkData, pendingInvitation]);

  // A drop anywhere on the page opens the invitation; the browser must not navigate to the file.
  const dragOver = (e: DragEvent) => {
    if (!carriesInvitation(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = canStart ? 'copy' : 'none';
    if (canStart && !dragging) setDragging(true);
  };
  const dragLeave = (e: DragEvent) => {
    // Leaving for a child element is not leaving the page.
    if (e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget)) return;
    setDragging(false);
  };
  const drop = (e: DragEvent) => {
    if (!carriesInvitation(e)) return;
    e.preventDefault();
    setDragging(false);
    if (!canStart) return;
    const file = e.dataTransfer.files[0];
    if (file) {
      inBackground(draft.readFile(file));
      return;
    }
    const text = e.dataTransfer.getData('text/uri-list').split(/\r?\n/).find((l) => l !== '' && !l.startsWith('#')) || e.dataTransfer.getData('text/plain');
    if (text) draft.readText(text);
  };

  const start = async (e: FormEvent) => {
    e.preventDefault();
    if (!auth) return;
    setBusy(true);
    setError(undefined);
    try {
      // A code that expired unused is still open on the relay: close it first.
      if (sessions.live) await sessions.end();
      sessions.start(auth.token, mode, caseNumber);
      setCaseNumber('');
    } catch (err) {
      setError(translateError(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="page sessions-page" onDragOver={dragOver} onDragLeave={dragLeave} onDrop={drop}>
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <p>{t('invitation.dropOverlay')}</p>
        </div>
      )}
      <div className="page-head">
        <h1 className="page-title">{t('sessions.title')}</h1>
        {canStart && !draft.open && (
          <button type="button" className="button secondary" data-testid="open-invitation" onClick={() => draft.setOpen(true)}>
            {t('invitation.open')}
          </button>
        )}
      </div>
      {draft.open && (
        // Kept mounted while a session runs, so a failed attempt comes back to the same invitation.
        <div hidden={!canStart}>
          <InvitationPanel draft={draft} canConnect={canStart && auth !== undefined} sessionFailure={view?.invitation ? view.failure : undefined} />
        </div>
      )}
      {canStart && (
        <form className="card new-session" onSubmit={(e) => inBackground(start(e))} aria-labelledby="new-session-title">
          <div className="new-session-text">
            <h2 id="new-session-title" className="card-title">{view ? t('sessions.startAnother') : t('sessions.newTitle')}</h2>
            <p className="muted small">{t('sessions.intro')}</p>
          </div>
          <div className="new-session-fields">
            <SessionRequestFields caseNumber={caseNumber} onCaseNumber={setCaseNumber} mode={mode} onMode={setMode} />
            <button type="submit" className="button primary" data-testid="new-session" disabled={busy}>
              {t('sessions.newSession')}
            </button>
          </div>
          {error && <p className="notice error" role="alert">{error}</p>}
        </form>
      )}
      {view && <SessionPanel view={view} />}
    </main>
  );
}
