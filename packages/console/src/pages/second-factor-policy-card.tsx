import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { SECOND_FACTOR_REQUIREMENTS } from '@tandem/protocol';
import { useServices } from '../services.js';
import { translateError } from '../i18n/translate-error.js';
import type { SecondFactorRequirement } from '../api/types.js';
import { inBackground } from '../async/in-background.js';
import { useLoaded } from './use-loaded.js';

/**
 * Administrators: who must have a second factor (nobody, administrators,
 * technicians, everyone), as `tandem-relay policy require-2fa` sets it. An
 * account it covers without one is led through enrolment at its next sign-in.
 */
export function SecondFactorPolicyCard() {
  const { t } = useTranslation();
  const { api } = useServices();
  const fetchPolicy = useCallback(() => api.secondFactorPolicy(), [api]);
  const { data: current, error: loadError, reload } = useLoaded<SecondFactorRequirement>(fetchPolicy);
  const [choice, setChoice] = useState<SecondFactorRequirement>('off');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  useEffect(() => {
    if (current !== undefined) setChoice(current);
  }, [current]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setResult(undefined);
    try {
      await api.setSecondFactorPolicy(choice);
      await reload();
      setResult({ ok: true, text: t('policy.saved') });
    } catch (err) {
      setResult({ ok: false, text: translateError(t, err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card form policy-card" onSubmit={(e) => inBackground(save(e))} aria-labelledby="policy-title">
      <h2 id="policy-title" className="card-title">{t('policy.title')}</h2>
      <p className="muted small">{t('policy.intro')}</p>
      {loadError && <p className="notice error" role="alert">{loadError}</p>}
      <fieldset className="field radio-group" data-testid="policy-choices">
        <legend>{t('policy.require')}</legend>
        {SECOND_FACTOR_REQUIREMENTS.map((r) => (
          <label key={r} className="radio">
            <input type="radio" name="require-2fa" value={r} data-testid={`policy-${r}`} checked={choice === r} onChange={() => setChoice(r)} />
            <span>{t(`policy.${r}`)}</span>
          </label>
        ))}
      </fieldset>
      {result && (
        <p className={result.ok ? 'notice success' : 'notice error'} role={result.ok ? 'status' : 'alert'} data-testid="policy-result">
          {result.text}
        </p>
      )}
      <button type="submit" className="button primary" data-testid="policy-save" disabled={busy || current === undefined || choice === current}>
        {busy ? t('common.working') : t('policy.save')}
      </button>
    </form>
  );
}
