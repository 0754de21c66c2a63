import { useTranslation } from 'react-i18next';
import { CopyButton } from '../components/copy-button.js';
import { formatRemaining, groupCode } from './code-format.js';

/** The session code, big and grouped, its countdown and the extend button. */
export function CodePanel({ code, remainingMs, canExtend, onExtend }: { code: string | undefined; remainingMs: number | undefined; canExtend: boolean; onExtend: () => void }) {
  const { t } = useTranslation();
  const expired = remainingMs !== undefined && remainingMs <= 0;
  const groups = code ? groupCode(code) : [];
  return (
    <section className="card code-card" aria-labelledby="code-title">
      <div className="card-head">
        <h2 id="code-title" className="card-title">{t('session.codeLabel')}</h2>
        {code && !expired && <CopyButton text={code} label={t('session.copyCode')} testId="copy-code" small />}
      </div>
      <p className={expired ? 'code is-expired' : 'code'} data-testid="code" aria-label={groups.length ? `${t('session.codeLabel')}: ${groups.join(' ')}` : undefined}>
        {groups.length === 0 ? (
          <span className="code-placeholder">{'—'}</span>
        ) : (
          groups.map((g, i) => (
            <span key={i}>
              {i > 0 && ' '}
              <span className="code-group">{g}</span>
            </span>
          ))
        )}
      </p>
      <p className="muted small">{t('session.codeHint')}</p>
      <div className="code-actions">
        <span
          className={expired ? 'countdown is-expired' : 'countdown'}
          data-testid="countdown"
          role="timer"
          aria-label={t('session.countdownLabel')}
          data-remaining-ms={remainingMs === undefined ? undefined : Math.max(0, Math.round(remainingMs))}
        >
          {remainingMs === undefined ? '' : expired ? t('session.expired') : t('session.expiresIn', { time: formatRemaining(remainingMs) })}
        </span>
        <button type="button" className="button secondary" data-testid="extend" disabled={!canExtend} onClick={onExtend}>
          {t('session.extend')}
        </button>
      </div>
    </section>
  );
}
