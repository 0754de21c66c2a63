import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useServices } from '../services.js';
import { translateError } from '../i18n/translate-error.js';
import { inBackground } from '../async/in-background.js';
import { TotpEnrolmentCard } from './totp-enrolment.js';
import { PasskeysCard } from './passkeys-card.js';

/**
 * What a sign-in that may only enrol a second factor sees, whatever page it
 * asks for: the relay's policy requires one and the account has none. Once
 * one is enrolled, Continue asks the relay again (GET /api/me) and the
 * console opens as usual; the recovery codes of an authenticator app stay on
 * screen until then.
 */
export function EnrolmentPage() {
  const { t } = useTranslation();
  const { api, auth } = useServices();
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const proceed = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const user = await api.me();
      if (user.enrolmentRequired) setError(t('enrolment.stillNeeded'));
      auth.updateUser(user);
    } catch (err) {
      setError(translateError(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="page" tabIndex={-1}>
      <h1 className="page-title">{t('enrolment.title')}</h1>
      <p className="notice" role="status" data-testid="enrolment-required">{t('enrolment.intro')}</p>
      <div className="enrolment-grid">
        <TotpEnrolmentCard />
        <PasskeysCard />
      </div>
      {error && <p className="notice error" role="alert" data-testid="enrolment-error">{error}</p>}
      <button type="button" className="button primary" data-testid="enrolment-continue" disabled={busy} onClick={() => inBackground(proceed())}>
        {busy ? t('common.working') : t('enrolment.continue')}
      </button>
    </main>
  );
}
