import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MODES, type Mode } from '@tandem/protocol';
import { useServices } from '../services.js';
import { errorKey, translateError } from '../i18n/translate-error.js';
import { ScreenPane } from '../screen/screen-pane.js';
import { FilesPane, fileDropTarget } from '../files/files-pane.js';
import { BurntCodeNotice } from './burnt-code-notice.js';
import { ChatPane } from './chat-pane.js';
import { CodePanel } from './code-panel.js';
import { canRequest, isFinished, type SessionView } from './session-model.js';
import { useNow } from './use-now.js';
import { inBackground } from '../async/in-background.js';

/** The `session.state.*` key of the state, worded for an invitation where it differs. */
function stateLabelKey(view: SessionView): string {
  if (view.invitation) {
    // Answering an invitation: no code is shown; the customer's computer answers the ticket.
    if (view.state === 'authenticating') return 'answering';
    if (view.state === 'handshaking') return 'handshakingInvitation';
  }
  return view.state === 'authenticating' ? 'connecting' : view.state;
}

/** Status line: the state, and the end reason or the error once finished. */
function StatusLine({ view }: { view: SessionView }) {
  const { t } = useTranslation();
  const detail =
    view.state === 'ended' && view.endReason
      ? t('session.endedWith', { reason: t(`endReason.${view.endReason}`) })
      : view.state === 'failed' && view.failure
        ? t('session.failedWith', { error: t(errorKey(view.failure.code, view.invitation ? 'invitation' : 'code')) })
        : undefined;
  const stateKey = stateLabelKey(view);
  const tone = view.state === 'active' ? 'ok' : view.state === 'failed' ? 'bad' : view.state === 'ended' ? 'done' : 'wait';
  return (
    <div className={`status status-${tone}`} data-testid="session-status" data-state={view.state} role="status" aria-live="polite">
      <span className="status-dot" aria-hidden="true" />
      <span className="status-text">
        <strong>{t(`session.state.${stateKey}`, { defaultValue: view.state })}</strong>{' '}
        {detail && <span className="status-detail" data-testid="session-end-reason">{detail}</span>}
      </span>
    </div>
  );
}

/** The live (or just finished) session: code, status, SAS, customer, mode, chat, end. */
export function SessionPanel({ view }: { view: SessionView }) {
  const { t } = useTranslation();
  const { sessions } = useServices();
  const [actionError, setActionError] = useState<string | undefined>(undefined);
  const [ending, setEnding] = useState(false);
  const waiting = view.state === 'waiting' || view.state === 'connecting' || view.state === 'authenticating';
  const now = useNow(250, waiting && view.expiresAt !== undefined);
  const remaining = view.expiresAt !== undefined && !isFinished(view) && view.state === 'waiting' ? view.expiresAt - now : undefined;
  const finished = isFinished(view);

  const act = (fn: () => void) => {
    try {
      setActionError(undefined);
      fn();
    } catch (err) {
      setActionError(translateError(t, err));
    }
  };

  const end = async () => {
    setEnding(true);
    try {
      await sessions.end();
    } finally {
      setEnding(false);
    }
  };

  const sendChat = (text: string): string | undefined => {
    try {
      sessions.sendChat(text);
      return undefined;
    } catch (err) {
      return translateError(t, err);
    }
  };

  const modeShown: Mode | undefined = view.mode;
  const files = sessions.files;
  const active = view.state === 'active';

  return (
    <>
    <div className="session-drop" data-testid="session-view" {...fileDropTarget(files, active)}>
    {view.screen !== undefined && <ScreenPane key={view.screen} view={view} onRequestControl={() => act(() => sessions.requestMode('control'))} />}
    <div className="session-grid">
      <div className="session-side">
        {waiting && !view.invitation && (
          <CodePanel
            code={view.code}
            remainingMs={remaining}
            canExtend={view.state === 'waiting' && remaining !== undefined && remaining > 0}
            onExtend={() => act(() => sessions.extend())}
          />
        )}
        <BurntCodeNotice view={view} />

        <section className="card" aria-labelledby="status-title">
          <h2 id="status-title" className="card-title">{t('session.status')}</h2>
          <StatusLine view={view} />

          {view.sas && (
            <div className="sas-box">
              <span className="label">{t('session.sasLabel')}</span>
              <span className="sas" data-testid="sas">{view.sas}</span>
              <p className="hint">{t('session.sasHint')}</p>
            </div>
          )}

          {view.sessionId && (
            <p className="small muted">
              {t('session.sessionId')}: <code data-testid="session-id">{view.sessionId}</code>
            </p>
          )}

          {(!finished || modeShown) && (
            <div className="mode-row">
              <span className="label">{t('mode.current')}</span>
              <span className={`mode-badge mode-${modeShown ?? 'none'}`} data-testid="mode" data-mode={modeShown ?? ''}>
                {modeShown ? t(`mode.${modeShown}`) : t('common.none')}
              </span>
            </div>
          )}
          {!finished && (
            <div className="request-row">
              {MODES.filter((m) => m !== 'chat').map((m) => (
                <button
                  key={m}
                  type="button"
                  className="button secondary"
                  data-testid={`request-${m}`}
                  disabled={!canRequest(view, m)}
                  onClick={() => act(() => sessions.requestMode(m))}
                >
                  {t(m === 'view' ? 'session.requestView' : 'session.requestControl')}
                </button>
              ))}
            </div>
          )}
          {view.pending && <p className="hint" role="status">{t('session.requestPending')}</p>}
          {actionError && <p className="notice error" role="alert">{actionError}</p>}

          {!finished && (
            <button type="button" className="button danger wide" data-testid="end-session" disabled={ending} onClick={() => inBackground(end())}>
              {ending ? t('session.ending') : t('session.end')}
            </button>
          )}
        </section>

        {view.invitation && !view.customer && (
          <section className="card" aria-labelledby="invitation-from-title">
            <h2 id="invitation-from-title" className="card-title">{t('invitation.sessionTitle')}</h2>
            <p className="small" data-testid="session-invitation-from">
              {t('invitation.from')}: <strong>{view.invitation.customerName}</strong>
            </p>
          </section>
        )}

        {view.customer && (
          <section className="card" aria-labelledby="customer-title">
            <h2 id="customer-title" className="card-title">{t('session.customerTitle')}</h2>
            <dl className="details" data-testid="customer">
              <dt>{t('session.customerName')}</dt>
              <dd data-field="name">{view.customer.name || t('common.none')}</dd>
              <dt>{t('session.customerNumber')}</dt>
              <dd data-field="customerNumber">{view.customer.customerNumber || t('common.none')}</dd>
              <dt>{t('session.customerCase')}</dt>
              <dd data-field="caseNumber">{view.customer.caseNumber || t('common.none')}</dd>
            </dl>
          </section>
        )}
        {files !== undefined && view.sessionId !== undefined && <FilesPane files={files} active={active} />}
      </div>
      <ChatPane log={view.log} canSend={view.state === 'active'} onSend={sendChat} />
    </div>
    </div>
    </>
  );
}
