import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AUDIT_EVENT_KINDS, END_REASONS } from '@tandem/protocol';
import { useServices } from '../services.js';
import { translateError } from '../i18n/translate-error.js';
import { saveBlob } from '../api/save-blob.js';
import type { AuditEventRow, AuditSessionRow } from '../api/types.js';
import { formatTimestamp } from './format-time.js';
import { inBackground } from '../async/in-background.js';

const isEndReason = (v: unknown): v is (typeof END_REASONS)[number] => (END_REASONS as readonly unknown[]).includes(v);
const isEventKind = (v: unknown): v is (typeof AUDIT_EVENT_KINDS)[number] => (AUDIT_EVENT_KINDS as readonly unknown[]).includes(v);

/** Administrators: the session and event audit, with CSV exports. */
export function AuditPage() {
  const { t, i18n } = useTranslation();
  const { api } = useServices();
  const [sessions, setSessions] = useState<AuditSessionRow[] | undefined>(undefined);
  const [events, setEvents] = useState<AuditEventRow[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [exportError, setExportError] = useState<string | undefined>(undefined);

  const load = useCallback(async () => {
    try {
      const [s, e] = await Promise.all([api.auditSessions(), api.auditEvents()]);
      setSessions(s);
      setEvents(e);
      setError(undefined);
    } catch (err) {
      setError(translateError(t, err));
    }
  }, [api, t]);

  useEffect(() => {
    inBackground(load());
  }, [load]);

  const exportCsv = async (what: 'sessions' | 'events') => {
    setExportError(undefined);
    try {
      const blob = await api.download(`/api/audit/${what}.csv`);
      saveBlob(blob, `tandem-${what}-${new Date().toISOString().slice(0, 10)}.csv`);
    } catch (err) {
      setExportError(translateError(t, err));
    }
  };

  const time = (v: number | string | null | undefined) => formatTimestamp(v, i18n.language, 'short');
  const dash = t('common.none');
  const cell = (v: string | null | undefined) => (v ? v : dash);

  return (
    <main id="main" className="page wide">
      <div className="page-head">
        <h1 className="page-title">{t('audit.title')}</h1>
        <button type="button" className="button secondary small" onClick={() => inBackground(load())}>{t('common.refresh')}</button>
      </div>
      {error && <p className="notice error" role="alert">{error}</p>}
      {exportError && <p className="notice error" role="alert">{exportError}</p>}

      <section className="card" aria-labelledby="audit-sessions-title">
        <div className="card-head">
          <h2 id="audit-sessions-title" className="card-title">{t('audit.sessionsTitle')}</h2>
          <button type="button" className="button secondary small" data-testid="export-sessions" aria-label={t('audit.exportSessions')} onClick={() => inBackground(exportCsv('sessions'))}>
            {t('audit.exportCsv')}
          </button>
        </div>
        <div className="table-wrap">
          <table className="table compact" data-testid="audit-sessions">
            <thead>
              <tr>
                <th scope="col">{t('audit.col.customerName')}</th>
                <th scope="col">{t('audit.col.customerNumber')}</th>
                <th scope="col">{t('audit.col.caseNumber')}</th>
                <th scope="col">{t('audit.col.technician')}</th>
                <th scope="col">{t('audit.col.sessionId')}</th>
                <th scope="col">{t('audit.col.technicianAddress')}</th>
                <th scope="col">{t('audit.col.customerAddress')}</th>
                <th scope="col">{t('audit.col.start')}</th>
                <th scope="col">{t('audit.col.end')}</th>
                <th scope="col">{t('audit.col.endReason')}</th>
              </tr>
            </thead>
            <tbody>
              {sessions?.length === 0 && (
                <tr>
                  <td colSpan={10} className="muted">{t('audit.empty')}</td>
                </tr>
              )}
              {sessions?.map((s) => (
                <tr key={s.sessionId} data-session-id={s.sessionId} data-end-reason={s.endReason ?? ''}>
                  <td>{cell(s.customerName)}</td>
                  <td>{cell(s.customerNumber)}</td>
                  <td>{cell(s.caseNumber)}</td>
                  <td>{cell(s.technicianUsername)}</td>
                  <td className="id-cell"><code>{s.sessionId}</code></td>
                  <td>{cell(s.technicianAddress)}</td>
                  <td>{cell(s.customerAddress)}</td>
                  <td>{time(s.startedAt ?? s.createdAt)}</td>
                  <td>{time(s.endedAt)}</td>
                  <td>{isEndReason(s.endReason) ? t(`endReason.${s.endReason}`) : s.endReason ? s.endReason : t('audit.inProgress')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="card" aria-labelledby="audit-events-title">
        <div className="card-head">
          <h2 id="audit-events-title" className="card-title">{t('audit.eventsTitle')}</h2>
          <button type="button" className="button secondary small" data-testid="export-events" aria-label={t('audit.exportEvents')} onClick={() => inBackground(exportCsv('events'))}>
            {t('audit.exportCsv')}
          </button>
        </div>
        <div className="table-wrap">
          <table className="table compact" data-testid="audit-events">
            <thead>
              <tr>
                <th scope="col">{t('audit.col.time')}</th>
                <th scope="col">{t('audit.col.kind')}</th>
                <th scope="col">{t('audit.col.username')}</th>
                <th scope="col">{t('audit.col.address')}</th>
                <th scope="col">{t('audit.col.detail')}</th>
              </tr>
            </thead>
            <tbody>
              {events?.length === 0 && (
                <tr>
                  <td colSpan={5} className="muted">{t('audit.empty')}</td>
                </tr>
              )}
              {events?.map((e) => (
                <tr key={e.id} data-kind={e.kind}>
                  <td>{time(e.at)}</td>
                  <td>{isEventKind(e.kind) ? t(`audit.eventKind.${e.kind}`) : e.kind}</td>
                  <td>{cell(e.username)}</td>
                  <td>{cell(e.address)}</td>
                  <td>{e.sessionId ? <code>{e.sessionId}</code> : null}{e.sessionId && e.detail ? ' ' : ''}{e.detail || (e.sessionId ? '' : dash)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </main>
  );
}
