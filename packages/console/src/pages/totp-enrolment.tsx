import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useServices } from '../services.js';
import { translateError } from '../i18n/translate-error.js';
import type { TotpEnrolment } from '../api/types.js';
import { inBackground } from '../async/in-background.js';
import { CopyButton } from '../components/copy-button.js';

/**
 * Sets up an authenticator app (TOTP): the relay makes a secret, shown as a
 * QR code and as text; a code from the app confirms it, and the recovery
 * codes are shown this once (the relay keeps only their hashes).
 */
export function TotpEnrolmentCard() {
  const { t } = useTranslation();
  const { api } = useServices();
  const [enrolment, setEnrolment] = useState<TotpEnrolment | undefined>(undefined);
  const [recovery, setRecovery] = useState<string[] | undefined>(undefined);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (err) {
      setError(translateError(t, err));
    } finally {
      setBusy(false);
    }
  };
  const start = () =>
    run(async () => {
      setRecovery(undefined);
      setEnrolment(await api.startTotp());
    });
  const confirm = (e: FormEvent) => {
    e.preventDefault();
    return run(async () => {
      setRecovery(await api.confirmTotp(code.trim()));
      setEnrolment(undefined);
      setCode('');
    });
  };

  return (
    <section className="card form" aria-labelledby="totp-title">
      <h2 id="totp-title" className="card-title">{t('account.totpTitle')}</h2>
      <p className="muted small">{t('account.totpIntro')}</p>
      {!enrolment && !recovery && (
        <button type="button" className="button secondary" data-testid="totp-start" disabled={busy} onClick={() => inBackground(start())}>
          {t('account.totpStart')}
        </button>
      )}
      {enrolment && (
        <form onSubmit={(e) => inBackground(confirm(e))}>
          <p className="small">{t('account.totpScan')}</p>
          <img className="totp-qr" src={enrolment.qr} alt={t('account.totpQrAlt')} data-testid="totp-qr" width={200} height={200} />
          <p className="small">
            {t('account.totpSecret')} <code className="totp-secret" data-testid="totp-secret">{enrolment.secret}</code>
          </p>
          <label className="field">
            <span>{t('signin.code')}</span>
            <input id="totp-code" inputMode="numeric" autoComplete="one-time-code" required maxLength={6} value={code} onChange={(e) => setCode(e.target.value)} />
          </label>
          <button type="submit" className="button primary wide" data-testid="totp-confirm" disabled={busy || code.trim() === ''}>
            {busy ? t('common.working') : t('account.totpConfirm')}
          </button>
        </form>
      )}
      {recovery && (
        <div className="link-box" role="status">
          <h3>{t('account.recoveryTitle')}</h3>
          <p className="hint">{t('account.recoveryHint')}</p>
          <ul className="recovery-codes" data-testid="recovery-codes">
            {recovery.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
          <CopyButton text={recovery.join('\n')} label={t('account.recoveryCopy')} testId="copy-recovery" />
        </div>
      )}
      {error && <p className="notice error" role="alert" data-testid="totp-error">{error}</p>}
    </section>
  );
}
