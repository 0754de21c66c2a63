import { useCallback, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { browserSupportsWebAuthn, startRegistration } from '@simplewebauthn/browser';
import { useServices } from '../services.js';
import { translateError } from '../i18n/translate-error.js';
import type { PasskeyInfo } from '../api/types.js';
import { inBackground } from '../async/in-background.js';
import { formatTimestamp } from './format-time.js';
import { useLoaded } from './use-loaded.js';

/** Longest passkey name (the relay's limit). */
const MAX_NAME_CHARS = 64;

/**
 * The signed-in user's passkeys (WebAuthn): add one under a name (the
 * browser asks the authenticator: a security key, the computer's or the
 * phone's), rename or remove one. Each is a second factor for sign-in
 * instead of a one-time code.
 */
export function PasskeysCard({ onChanged }: { onChanged?: () => void }) {
  const { t, i18n } = useTranslation();
  const { api } = useServices();
  const load = useCallback(() => api.myPasskeys(), [api]);
  const { data: passkeys, error: loadError, reload } = useLoaded<PasskeyInfo[]>(load);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  // Kept untranslated, so a line already shown follows a change of language.
  const [result, setResult] = useState<{ ok: boolean; key: string; name?: string } | { ok: false; error: unknown } | undefined>(undefined);
  const [renaming, setRenaming] = useState<{ id: string; name: string } | undefined>(undefined);
  const supported = browserSupportsWebAuthn();

  const run = async (work: () => Promise<{ key: string; name: string }>) => {
    setBusy(true);
    setResult(undefined);
    try {
      const done = await work();
      // The list first, then the line saying what changed in it.
      await reload();
      setResult({ ok: true, ...done });
      onChanged?.();
    } catch (err) {
      const cancelled = err instanceof Error && (err.name === 'NotAllowedError' || err.name === 'AbortError');
      setResult(cancelled ? { ok: false, key: 'passkeys.cancelled' } : { ok: false, error: err });
    } finally {
      setBusy(false);
    }
  };
  const add = (e: FormEvent) => {
    e.preventDefault();
    return run(async () => {
      const options = await api.passkeyOptions();
      const response = await startRegistration({ optionsJSON: options });
      const added = await api.addPasskey(name.trim(), response);
      setName('');
      return { key: 'passkeys.added', name: added.name };
    });
  };
  const remove = (passkey: PasskeyInfo) =>
    run(async () => {
      await api.removePasskey(passkey.id);
      return { key: 'passkeys.removed', name: passkey.name };
    });
  const rename = (e: FormEvent) => {
    e.preventDefault();
    const target = renaming;
    if (target === undefined) return Promise.resolve();
    return run(async () => {
      await api.renamePasskey(target.id, target.name.trim());
      setRenaming(undefined);
      return { key: 'passkeys.renamed', name: target.name.trim() };
    });
  };

  return (
    <section className="card form" aria-labelledby="passkeys-title">
      <h2 id="passkeys-title" className="card-title">{t('passkeys.title')}</h2>
      <p className="muted small">{t('passkeys.intro')}</p>
      {loadError && <p className="notice error" role="alert">{loadError}</p>}
      {passkeys && passkeys.length === 0 && <p className="small" data-testid="passkeys-none">{t('passkeys.none')}</p>}
      {passkeys && passkeys.length > 0 && (
        <ul className="passkey-list" data-testid="passkeys">
          {passkeys.map((p) => (
            <li key={p.id} className="passkey-row" data-passkey={p.name}>
              {renaming?.id === p.id ? (
                <form className="passkey-rename" onSubmit={(e) => inBackground(rename(e))}>
                  <input aria-label={t('passkeys.name')} data-testid="passkey-rename-input" required maxLength={MAX_NAME_CHARS} value={renaming.name} onChange={(e) => setRenaming({ id: p.id, name: e.target.value })} autoFocus />
                  <button type="submit" className="button primary small" disabled={busy}>{t('passkeys.save')}</button>
                  <button type="button" className="button secondary small" onClick={() => setRenaming(undefined)}>{t('passkeys.cancel')}</button>
                </form>
              ) : (
                <>
                  <div className="passkey-text">
                    <strong className="passkey-name">{p.name}</strong>
                    <span className="muted small">
                      {t('passkeys.createdAt', { when: formatTimestamp(p.createdAt, i18n.language) })}
                      {' · '}
                      {p.lastUsedAt === null ? t('passkeys.neverUsed') : t('passkeys.lastUsed', { when: formatTimestamp(p.lastUsedAt, i18n.language) })}
                    </span>
                  </div>
                  <div className="passkey-actions">
                    <button type="button" className="button secondary small" disabled={busy} onClick={() => setRenaming({ id: p.id, name: p.name })}>{t('passkeys.rename')}</button>
                    <button type="button" className="button danger small" data-testid={`passkey-remove-${p.name}`} disabled={busy} onClick={() => inBackground(remove(p))}>{t('passkeys.remove')}</button>
                  </div>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {supported ? (
        <form onSubmit={(e) => inBackground(add(e))}>
          <label className="field">
            <span>{t('passkeys.name')}</span>
            <input id="passkey-name" required maxLength={MAX_NAME_CHARS} placeholder={t('passkeys.namePlaceholder')} value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <button type="submit" className="button secondary" data-testid="passkey-add" disabled={busy || name.trim() === ''}>
            {busy ? t('common.working') : t('passkeys.add')}
          </button>
        </form>
      ) : (
        <p className="notice" data-testid="passkeys-unsupported">{t('passkeys.unsupported')}</p>
      )}
      {result && (
        <p className={result.ok ? 'notice success' : 'notice error'} role={result.ok ? 'status' : 'alert'} data-testid="passkey-result">
          {'error' in result ? translateError(t, result.error) : t(result.key, { name: result.name })}
        </p>
      )}
    </section>
  );
}
