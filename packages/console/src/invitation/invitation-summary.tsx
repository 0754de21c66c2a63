import { useTranslation } from 'react-i18next';
import type { Invitation } from '@tandem/protocol';
import { useNow } from '../session/use-now.js';
import { invitationTiming, relativeTime } from './invitation-input.js';

/**
 * Who the invitation is from, when it expires (in the technician's local
 * time, marked informative: the customer's computer decides), whether it
 * needs a password, and its relays in the order they are tried.
 */
export function InvitationSummary({ invitation, matchedRelay }: { invitation: Invitation; matchedRelay: string | undefined }) {
  const { t, i18n } = useTranslation();
  const now = useNow(1000, true);
  const timing = invitationTiming(invitation, now);
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'full', timeStyle: 'long' }).format(timing.expiresAt);
  const rel = relativeTime(timing.remainingMs);
  const relative = new Intl.RelativeTimeFormat(i18n.language, { numeric: 'always' }).format(rel.value, rel.unit);
  return (
    <div className="invitation-summary" data-testid="invitation-summary" data-expired={timing.expired ? 'true' : 'false'}>
      <dl className="details">
        <dt>{t('invitation.from')}</dt>
        <dd data-field="customer" className="invitation-customer">{invitation.customerName}</dd>

        <dt>{t('invitation.expires')}</dt>
        <dd data-field="expires">
          <time dateTime={new Date(timing.expiresAt).toISOString()}>{when}</time>{' '}
          <span className={timing.expired ? 'invitation-relative is-expired' : 'invitation-relative'}>
            ({timing.expired ? t('invitation.expiredAgo', { time: relative }) : t('invitation.expiresIn', { time: relative })})
          </span>
          <span className="hint invitation-informative">{t('invitation.informative')}</span>
        </dd>

        <dt>{t('invitation.password')}</dt>
        <dd data-field="password-protected" data-value={invitation.passwordProtected ? 'yes' : 'no'}>
          {invitation.passwordProtected ? t('invitation.passwordYes') : t('invitation.passwordNo')}
        </dd>

        <dt>{t('invitation.relays')}</dt>
        <dd data-field="relays">
          <ol className="invitation-relays">
            {invitation.relays.map((r) => (
              <li key={r.url}>
                <code>{r.url}</code>
                {r.url === matchedRelay && <span className="relay-badge">{t('invitation.thisConsole')}</span>}
                {r.fingerprint && (
                  <span className="hint" title={r.fingerprint}>
                    {t('invitation.fingerprint')}: <code>{r.fingerprint.slice(0, 16)}…</code>
                  </span>
                )}
              </li>
            ))}
          </ol>
        </dd>
      </dl>
      {timing.expired && (
        <p className="notice warn" role="status" data-testid="invitation-expired">
          {t('invitation.expiredWarning')}
        </p>
      )}
    </div>
  );
}
