import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { inBackground } from '../async/in-background.js';

/** Copies `text` to the clipboard and says so for a moment. */
export function CopyButton({ text, label, testId, small }: { text: string; label: string; testId?: string; small?: boolean }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (status === 'idle') return;
    const timer = setTimeout(() => setStatus('idle'), 2500);
    return () => clearTimeout(timer);
  }, [status]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setStatus('copied');
    } catch {
      // Clipboard access can be denied (insecure origin, permissions): tell the user to copy by hand.
      setStatus('failed');
    }
  };
  return (
    <span className="copy">
      <button type="button" className={small ? 'button secondary small' : 'button secondary'} data-testid={testId} onClick={() => inBackground(copy())}>
        {label}
      </button>
      <span className="copy-status" role="status" aria-live="polite">
        {status === 'copied' ? t('common.copied') : status === 'failed' ? t('common.copyFailed') : ''}
      </span>
    </span>
  );
}
