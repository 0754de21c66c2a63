import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LIMITS, isPlainName } from '@tandem/protocol';
import { useServices } from '../services.js';
import { translateError } from '../i18n/translate-error.js';
import type { SetupInfo } from '../api/types.js';
import { inBackground } from '../async/in-background.js';

/** The one-time set-up link: choose a display name and a password. */
export function SetupPage({ token, onDone }: { token: string; onDone: () => void }) {
  const { t } = useTranslation();
  const { api } = useServices();
  const [info, setInfo] = useState<SetupInfo | undefined>(undefined);
  const [loadError, setLoadError] = useState<unknown>(undefined);
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let cancelled = false;
    setInfo(undefined);
    setLoadError(undefined);
    api.setupInfo(token).then(
      (answer) => !cancelled && setInfo(answer),
      (err: unknown) => !cancelled && setLoadError(err),
    );
    return () => {
      cancelled = true;
    };
  }, [api, token]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (password.length < LIMITS.minPasswordChars) return setError(t('setup.tooShort', { min: LIMITS.minPasswordChars }));
    if (password !== again) return setError(t('setup.mismatch'));
    // The relay refuses such a name too (assertPlainName); saying so here keeps the message clear.
    if (!isPlainName(displayName)) return setError(t('common.badName'));
    setBusy(true);
    setError(undefined);
    try {
      await api.completeSetup(token, password, displayName.trim() || undefined);
      onDone();
    } catch (err) {
      setError(translateError(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="page narrow">
      <form className="card form" onSubmit={(e) => inBackground(submit(e))} aria-labelledby="setup-title" noValidate>
        <h1 id="setup-title">{t('setup.title')}</h1>
        {loadError !== undefined ? (
          <p className="notice error" role="alert" data-testid="setup-error">
            {translateError(t, loadError)}
          </p>
        ) : !info ? (
          <p className="muted" role="status">{t('setup.checking')}</p>
        ) : (
          <>
            <p className="muted">{t('setup.intro')}</p>
            <div className="field">
              <span>{t('setup.username')}</span>
              <output className="readonly-value" data-testid="setup-username">{info.username}</output>
            </div>
            <label className="field">
              <span>{t('setup.displayName')}</span>
              <input id="display-name" autoComplete="name" maxLength={LIMITS.maxNameChars} value={displayName} onChange={(e) => setDisplayName(e.target.value)} aria-describedby="display-name-hint" />
              <small id="display-name-hint" className="hint">{t('setup.displayNameHint')}</small>
            </label>
            <label className="field">
              <span>{t('setup.password')}</span>
              <input id="new-password" type="password" autoComplete="new-password" required maxLength={LIMITS.maxPasswordChars} value={password} onChange={(e) => setPassword(e.target.value)} aria-describedby="new-password-hint" />
              <small id="new-password-hint" className="hint">{t('setup.passwordHint', { min: LIMITS.minPasswordChars })}</small>
            </label>
            <label className="field">
              <span>{t('setup.passwordAgain')}</span>
              <input id="new-password-again" type="password" autoComplete="new-password" required maxLength={LIMITS.maxPasswordChars} value={again} onChange={(e) => setAgain(e.target.value)} />
            </label>
            {error && (
              <p className="notice error" role="alert" data-testid="setup-error">
                {error}
              </p>
            )}
            <button type="submit" className="button primary wide" data-testid="setup-submit" disabled={busy}>
              {busy ? t('common.working') : t('setup.submit')}
            </button>
          </>
        )}
      </form>
    </main>
  );
}
