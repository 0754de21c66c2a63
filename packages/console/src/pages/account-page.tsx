import { useCallback, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LIMITS } from '@tandem/protocol';
import { useServices } from '../services.js';
import { translateError } from '../i18n/translate-error.js';
import type { SigninInfo } from '../api/types.js';
import { formatTimestamp } from './format-time.js';
import { inBackground } from '../async/in-background.js';
import { useLoaded } from './use-loaded.js';
import { TotpEnrolmentCard } from './totp-enrolment.js';
import { PasskeysCard } from './passkeys-card.js';

/** Every signed-in user: change the own password (the current one required) and see the own sign-ins. */
export function AccountPage() {
  const { t, i18n } = useTranslation();
  const { api } = useServices();
  const mySignins = useCallback(() => api.mySignins(), [api]);
  const { data: signins, error: loadError, reload: load } = useLoaded<SigninInfo[]>(mySignins);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | undefined>(undefined);

  const change = async (e: FormEvent) => {
    e.preventDefault();
    setResult(undefined);
    if (next !== again) return setResult({ ok: false, text: t('setup.mismatch') });
    if ([...next].length < LIMITS.minPasswordChars) return setResult({ ok: false, text: t('setup.tooShort', { min: LIMITS.minPasswordChars }) });
    setBusy(true);
    try {
      await api.changePassword(current, next);
      setCurrent('');
      setNext('');
      setAgain('');
      setResult({ ok: true, text: t('account.passwordChanged') });
      await load();
    } catch (err) {
      setResult({ ok: false, text: translateError(t, err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="page">
      <h1 className="page-title">{t('account.title')}</h1>
      <div className="admin-grid">
        <form className="card form" onSubmit={(e) => inBackground(change(e))} aria-labelledby="password-title">
          <h2 id="password-title" className="card-title">{t('account.passwordTitle')}</h2>
          <p className="muted small">{t('account.passwordIntro')}</p>
          <label className="field">
            <span>{t('account.currentPassword')}</span>
            <input id="current-password" type="password" autoComplete="current-password" required maxLength={LIMITS.maxPasswordChars} value={current} onChange={(e) => setCurrent(e.target.value)} />
          </label>
          <label className="field">
            <span>{t('setup.password')}</span>
            <input id="new-password" type="password" autoComplete="new-password" required maxLength={LIMITS.maxPasswordChars} value={next} onChange={(e) => setNext(e.target.value)} />
            <small className="hint">{t('setup.passwordHint', { min: LIMITS.minPasswordChars })}</small>
          </label>
          <label className="field">
            <span>{t('setup.passwordAgain')}</span>
            <input id="new-password-again" type="password" autoComplete="new-password" required maxLength={LIMITS.maxPasswordChars} value={again} onChange={(e) => setAgain(e.target.value)} />
          </label>
          {result && (
            <p className={result.ok ? 'notice success' : 'notice error'} role={result.ok ? 'status' : 'alert'} data-testid="password-result">
              {result.text}
            </p>
          )}
          <button type="submit" className="button primary wide" data-testid="change-password" disabled={busy}>
            {busy ? t('common.working') : t('account.changePassword')}
          </button>
        </form>

        <div className="stack">
        <TotpEnrolmentCard />
        <PasskeysCard />
        <section className="card" aria-labelledby="signins-title">
          <div className="card-head">
            <h2 id="signins-title" className="card-title">{t('account.signinsTitle')}</h2>
            <button type="button" className="button secondary small" onClick={() => inBackground(load())}>{t('common.refresh')}</button>
          </div>
          <p className="muted small">{t('account.signinsIntro')}</p>
          {loadError && <p className="notice error" role="alert">{loadError}</p>}
          {signins === undefined && !loadError ? (
            <p className="muted" role="status">{t('app.loading')}</p>
          ) : signins ? (
            <div className="table-wrap">
              <table className="table" data-testid="signins-table">
                <thead>
                  <tr>
                    <th scope="col">{t('account.signedInAt')}</th>
                    <th scope="col">{t('account.address')}</th>
                    <th scope="col">{t('account.expiresAt')}</th>
                  </tr>
                </thead>
                <tbody>
                  {signins.map((s) => (
                    <tr key={s.id} data-signin={s.id}>
                      <td>
                        {s.createdAt ? formatTimestamp(s.createdAt, i18n.language) : t('common.none')}
                        {s.current && <span className="role-badge">{t('account.thisSignin')}</span>}
                      </td>
                      <td>{s.address || t('common.none')}</td>
                      <td>{formatTimestamp(s.expiresAt, i18n.language)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </section>
        </div>
      </div>
    </main>
  );
}
