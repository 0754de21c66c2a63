import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { startAuthentication } from '@simplewebauthn/browser';
import { LIMITS } from '@tandem/protocol';
import { useServices } from '../services.js';
import { translateError } from '../i18n/translate-error.js';
import { inBackground } from '../async/in-background.js';
import { SecondFactorAsked } from '../api/api-client.js';
import type { LoginAnswer, SecondFactorKind } from '../api/types.js';

/** Sign-in form; on success the app moves on to the sessions page. */
export function SignInPage({ onSignedIn, notice }: { onSignedIn: () => void; notice?: string }) {
  const { t } = useTranslation();
  const { api, auth } = useServices();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  // Set once the relay answers TANDEM_ERR_SECOND_FACTOR: the password was right, a second factor is needed.
  const [factors, setFactors] = useState<SecondFactorKind[] | undefined>(undefined);
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const needsCode = factors?.includes('totp') ?? false;
  const hasPasskey = factors?.includes('passkey') ?? false;

  const finish = (answer: LoginAnswer) => {
    auth.signIn({ token: answer.token, user: answer.user });
    setPassword('');
    onSignedIn();
  };

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (err) {
      if (err instanceof SecondFactorAsked && factors === undefined) {
        setFactors(err.factors);
        return;
      }
      setCode('');
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    return run(async () => finish(await api.login(username.trim(), password, needsCode ? code.trim() : undefined)));
  };

  // Each challenge is good for one answer: ask the relay for a fresh one (the password again), then the authenticator.
  const usePasskey = () =>
    run(async () => {
      let options;
      try {
        finish(await api.login(username.trim(), password));
        return;
      } catch (err) {
        if (!(err instanceof SecondFactorAsked) || err.passkey === undefined) throw err;
        options = err.passkey;
      }
      const assertion = await startAuthentication({ optionsJSON: options });
      finish(await api.login(username.trim(), password, undefined, assertion));
    });

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
            <input id="totp" name="totp" inputMode="numeric" autoComplete="one-time-code" required={!hasPasskey} maxLength={64} value={code} onChange={(e) => setCode(e.target.value)} autoFocus />
            <small className="hint">{t('signin.codeHint')}</small>
          </label>
        )}
        {hasPasskey && (
          <div className="field">
            <button type="button" className={needsCode ? 'button secondary wide' : 'button primary wide'} data-testid="signin-passkey" disabled={busy} onClick={() => inBackground(usePasskey())}>
              {t('signin.usePasskey')}
            </button>
            <small className="hint">{t('signin.passkeyHint')}</small>
          </div>
        )}
        {error !== undefined && (
          <p className="notice error" role="alert" data-testid="signin-error">
            {isCeremonyCancelled(error) ? t('signin.passkeyCancelled') : translateError(t, error)}
          </p>
        )}
        {(factors === undefined || needsCode) && (
          <button type="submit" className="button primary wide" data-testid="signin" disabled={busy}>
            {busy ? t('common.working') : t('signin.submit')}
          </button>
        )}
      </form>
    </main>
  );
}

/** The browser's answer when the user closed the passkey dialog or no authenticator had the passkey. */
function isCeremonyCancelled(err: unknown): boolean {
  return err instanceof Error && (err.name === 'NotAllowedError' || err.name === 'AbortError' || (err as { code?: unknown }).code === 'ERROR_CEREMONY_ABORTED');
}
