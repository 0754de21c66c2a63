import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { LIMITS } from '@tandem/protocol';
import { errorKey } from '../i18n/translate-error.js';
import type { LogEntry, Notice } from './session-model.js';

/** Translates a system notice of the session log. */
export function renderNotice(t: TFunction, notice: Notice): string {
  switch (notice.key) {
    case 'joined':
    case 'joinedInvitation':
      return t(`session.notice.${notice.key}`, { sas: notice.sas });
    case 'accepted':
    case 'requested':
    case 'granted':
    case 'denied':
    case 'mode':
    case 'tookBack':
      return t(`session.notice.${notice.key}`, { mode: t(`mode.${notice.mode}`) });
    case 'acceptedLess':
      return t('session.notice.acceptedLess', { mode: t(`mode.${notice.mode}`), requested: t(`mode.${notice.requested}`) });
    case 'ended':
      return t('session.notice.ended', { reason: t(`endReason.${notice.reason}`) });
    case 'failed':
      return t('session.notice.failed', { error: t(errorKey(notice.code, notice.invitation ? 'invitation' : 'code')) });
    case 'code':
    case 'extended':
    case 'refused':
      return t(`session.notice.${notice.key}`);
  }
}

/** The chat log (messages and notices) and the input; Enter sends. */
export function ChatPane({ log, canSend, onSend }: { log: LogEntry[]; canSend: boolean; onSend: (text: string) => string | undefined }) {
  const { t, i18n } = useTranslation();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const logRef = useRef<HTMLOListElement>(null);
  const time = new Intl.DateTimeFormat(i18n.language, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

  useEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [log.length]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const message = text.trim();
    if (!message || !canSend) return;
    const failure = onSend(message);
    setError(failure);
    if (!failure) setText('');
  };

  return (
    <section className="card chat" aria-labelledby="chat-title">
      <h2 id="chat-title" className="card-title">{t('chat.title')}</h2>
      <ol className="chat-log" data-testid="chat-log" ref={logRef} aria-label={t('chat.logLabel')} aria-live="polite" tabIndex={0}>
        {log.length === 0 && <li className="chat-empty muted">{t('chat.empty')}</li>}
        {log.map((entry) => (
          <li key={entry.id} className={`chat-entry from-${entry.from}`} data-from={entry.from}>
            <span className="chat-meta">
              <span className="chat-who">{t(`chat.${entry.from}`)}</span>
              <time dateTime={new Date(entry.at).toISOString()}>{time.format(entry.at)}</time>
            </span>
            <span className="chat-text">{entry.from === 'system' ? renderNotice(t, entry.notice) : entry.text}</span>
          </li>
        ))}
      </ol>
      <form className="chat-form" onSubmit={submit}>
        <label htmlFor="chat-input" className="visually-hidden">{t('chat.inputLabel')}</label>
        <input
          id="chat-input"
          data-testid="chat-input"
          autoComplete="off"
          maxLength={LIMITS.maxChatChars}
          placeholder={t('chat.placeholder')}
          value={text}
          disabled={!canSend}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="button primary" data-testid="chat-send" disabled={!canSend || text.trim() === ''}>
          {t('chat.send')}
        </button>
      </form>
      {error && <p className="notice error" role="alert">{error}</p>}
    </section>
  );
}
