import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LIMITS, MODES, type Mode } from '@tandem/protocol';
import { useAuth, useServices, useSessionView } from '../services.js';
import { translateError } from '../i18n/translate-error.js';
import { SessionPanel } from '../session/session-panel.js';
import { isFinished } from '../session/session-model.js';
import { useNow } from '../session/use-now.js';

/** The technician's page: start a session, then run it. */
export function SessionsPage() {
  const { t } = useTranslation();
  const { sessions } = useServices();
  const auth = useAuth();
  const view = useSessionView();
  const [caseNumber, setCaseNumber] = useState('');
  const [mode, setMode] = useState<Mode>('chat');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const now = useNow(1000, view?.state === 'waiting');
  const expiredWaiting = view?.state === 'waiting' && view.expiresAt !== undefined && view.expiresAt <= now;
  const canStart = !view || isFinished(view) || expiredWaiting;

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
    <main id="main" className="page">
      <h1 className="page-title">{t('sessions.title')}</h1>
      {canStart && (
        <form className="card new-session" onSubmit={(e) => void start(e)} aria-labelledby="new-session-title">
          <div className="new-session-text">
            <h2 id="new-session-title" className="card-title">{view ? t('sessions.startAnother') : t('sessions.newTitle')}</h2>
            <p className="muted small">{t('sessions.intro')}</p>
          </div>
          <div className="new-session-fields">
            <label className="field">
              <span>
                {t('sessions.caseNumber')} <span className="muted">({t('common.optional')})</span>
              </span>
              <input id="case-number" maxLength={LIMITS.maxNumberChars} value={caseNumber} onChange={(e) => setCaseNumber(e.target.value)} autoComplete="off" />
            </label>
            <label className="field">
              <span>{t('sessions.mode')}</span>
              <select id="mode" value={mode} onChange={(e) => setMode(e.target.value as Mode)}>
                {MODES.map((m) => (
                  <option key={m} value={m}>
                    {t(`mode.${m}`)}
                  </option>
                ))}
              </select>
            </label>
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
