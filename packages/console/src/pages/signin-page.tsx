import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LIMITS, TandemError } from '@tandem/protocol';
import { useServices } from '../services.js';
import { translateError } from '../i18n/translate-error.js';
import { inBackground } from '../async/in-background.js';

/** Sign-in form; on success the app moves on to the sessions page. */
export function SignInPage({ onSignedIn, notice }: { onSignedIn: () => void; notice?: string }) {
  const { t } = useTranslation();
  const { api, auth } = useServices();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  // Shown once the relay answers TANDEM_ERR_SECOND_FACTOR: the password was right, a code is needed.
  const [needsCode, setNeedsCode] = useState(false);
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api.login(username.trim(), password, needsCode ? code.trim() : undefined);
      auth.signIn({ token: answer.token, user: answer.user });
      setPassword('');
      onSignedIn();
    } catch (err) {
      if (err instanceof TandemError && err.code === 'TANDEM_ERR_SECOND_FACTOR' && !needsCode) {
        setNeedsCode(true);
        return;
      }
      setCode('');
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="page narrow">
      <form className="card form" onSubmit={(e) => inBackground(submit(e))} aria-labelledby="signin-title">
        <h1 id="signin-title">{t('signin.title')}</h1>
        <p className="muted">{t('signin.intro')}</p>
        {notice && <p className="notice success" role="status">{notice}</p>}
        <label className="field">
          <span>{t('signin.username')}</span>
          <input id="username" name="username" autoComplete="username" required maxLength={LIMITS.maxUserNameChars} value={username} onChange={(e) => setUsername(e.target.value)} autoFocus />
        </label>
        <label className="field">
          <span>{t('signin.password')}</span>
          <input id="password" name="password" type="password" autoComplete="current-password" required maxLength={LIMITS.maxPasswordChars} value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {needsCode && (
          <label className="field">
            <span>{t('signin.code')}</span>
            <input id="totp" name="totp" inputMode="numeric" autoComplete="one-time-code" required maxLength={64} value={code} onChange={(e) => setCode(e.target.value)} autoFocus />
            <small className="hint">{t('signin.codeHint')}</small>
          </label>
        )}
        {error !== undefined && (
          <p className="notice error" role="alert" data-testid="signin-error">
            {translateError(t, error)}
          </p>
        )}
        <button type="submit" className="button primary wide" data-testid="signin" disabled={busy}>
          {busy ? t('common.working') : t('signin.submit')}
        </button>
      </form>
    </main>
  );
}
