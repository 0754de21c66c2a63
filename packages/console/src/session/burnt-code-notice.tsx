import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth, useServices } from '../services.js';
import { translateError } from '../i18n/translate-error.js';
import type { SessionView } from './session-model.js';

/**
 * Says that the code is burnt (a wrong secret, or a claimer who left before
 * the keys were confirmed) and offers a fresh one at once, with the same case
 * number and mode, right in the message: the customer is waiting on the
 * phone, the technician should not have to fill in the form again.
 */
export function BurntCodeNotice({ view }: { view: SessionView }) {
  const { t } = useTranslation();
  const { sessions } = useServices();
  const auth = useAuth();
  const [error, setError] = useState<string | undefined>(undefined);
  if (!view.burnt) return null;

  const fresh = () => {
    if (!auth) return;
    try {
      setError(undefined);
      sessions.start(auth.token, view.requestedMode, view.caseNumber);
    } catch (err) {
      setError(translateError(t, err));
    }
  };

  return (
    <section className="card burnt-card" aria-labelledby="burnt-title" data-testid="burnt-code" data-why={view.burnt}>
      <div className="notice error" role="alert">
        <p className="notice-line">
          <strong id="burnt-title">{t('session.burnt.title')}</strong>
        </p>
        <p className="notice-line">{t(view.burnt === 'wrong-code' ? 'session.burnt.wrongCode' : 'session.burnt.unverified')}</p>
        <p className="notice-detail">{t('session.burnt.same', { caseNumber: view.caseNumber ?? t('common.none'), mode: t(`mode.${view.requestedMode}`) })}</p>
        <button type="button" className="button primary" data-testid="new-code" disabled={!auth} onClick={fresh}>
          {t('session.burnt.newCode')}
        </button>
      </div>
      {error && <p className="notice error" role="alert">{error}</p>}
    </section>
  );
}
