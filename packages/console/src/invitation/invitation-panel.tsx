import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { INVITATION_EXTENSION, INVITATION_MEDIA_TYPE, LIMITS, type Mode } from '@tandem/protocol';
import { SessionRequestFields } from '../components/session-request-fields.js';
import { useAuth, useServices } from '../services.js';
import { errorKey, translateError } from '../i18n/translate-error.js';
import type { SessionFailure } from '../session/session-model.js';
import { invitationSecret, matchingRelay } from './invitation-input.js';
import { InvitationSummary } from './invitation-summary.js';
import type { InvitationDraft } from './use-invitation-draft.js';
import { inBackground } from '../async/in-background.js';

/** The translated error, with the reader's own (English, precise) detail beneath when it adds something. */
function ErrorNotice({ text, detail }: { text: string; detail?: string | undefined }) {
  return (
    <div className="notice error" role="alert" data-testid="invitation-error">
      <p className="notice-line">{text}</p>
      {detail && <p className="notice-detail"><code>{detail}</code></p>}
    </div>
  );
}

/** Step one: drop or choose a file, or paste the link or text. */
function InvitationInput({ draft }: { draft: InvitationDraft }) {
  const { t } = useTranslation();
  const read = (e: FormEvent) => {
    e.preventDefault();
    draft.readText(draft.text);
  };
  return (
    <form onSubmit={read} className="invitation-input">
      <div className="invitation-drop" data-testid="invitation-drop">
        <p className="invitation-drop-text">{t('invitation.dropHere', { ext: INVITATION_EXTENSION })}</p>
        <label className="button secondary" htmlFor="invitation-file">{t('invitation.chooseFile')}</label>
        <input
          id="invitation-file"
          type="file"
          className="visually-hidden"
          accept={`${INVITATION_EXTENSION},${INVITATION_MEDIA_TYPE}`}
          onChange={(e) => {
            const file = e.target.files?.[0];
            // Clear the input so choosing the same file again reads it again.
            e.target.value = '';
            if (file) inBackground(draft.readFile(file));
          }}
        />
      </div>
      <label className="field">
        <span>{t('invitation.pasteLabel')}</span>
        <textarea
          id="invitation-text"
          rows={4}
          spellCheck={false}
          autoComplete="off"
          value={draft.text}
          placeholder={t('invitation.pastePlaceholder')}
          onChange={(e) => draft.setText(e.target.value)}
        />
      </label>
      <button type="submit" className="button primary" data-testid="invitation-read" disabled={draft.text.trim() === ''}>
        {t('invitation.read')}
      </button>
    </form>
  );
}

/** Step two: what the invitation says, the password if it needs one, mode, case number, Connect. */
function InvitationConnect({ draft, canConnect, sessionFailure }: { draft: InvitationDraft; canConnect: boolean; sessionFailure: SessionFailure | undefined }) {
  const { t } = useTranslation();
  const { sessions, consoleOrigin } = useServices();
  const auth = useAuth();
  const invitation = draft.invitation;
  const [password, setPassword] = useState('');
  const [caseNumber, setCaseNumber] = useState('');
  const [mode, setMode] = useState<Mode>('chat');
  const [error, setError] = useState<string | undefined>(undefined);
  const [showFailure, setShowFailure] = useState(false);
  if (!invitation) return null;
  const relay = matchingRelay(invitation, consoleOrigin);

  const connect = (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    if (!auth || relay === undefined) return;
    if (invitation.passwordProtected && password === '') {
      setError(t('invitation.passwordMissing'));
      return;
    }
    try {
      const secret = invitationSecret(invitation, password);
      sessions.start(auth.token, mode, caseNumber, { ticket: invitation.ticket, secret, customerName: invitation.customerName });
      // A wrong password is tried once per connection: the technician types it again.
      setPassword('');
      setShowFailure(true);
    } catch (err) {
      setError(translateError(t, err, 'invitation'));
    }
  };

  const failure = showFailure && sessionFailure ? t(errorKey(sessionFailure.code, 'invitation')) : undefined;
  const shown = error ?? failure;
  return (
    <>
      <InvitationSummary invitation={invitation} matchedRelay={relay} />
      {relay === undefined && (
        <div className="notice error" role="alert" data-testid="invitation-relay-mismatch">
          <p className="notice-line">{t('invitation.otherRelay', { origin: consoleOrigin })}</p>
          <ul className="notice-list">
            {invitation.relays.map((r) => (
              <li key={r.url}><code>{r.url}</code></li>
            ))}
          </ul>
        </div>
      )}
      <form className="invitation-connect" onSubmit={connect}>
        {invitation.passwordProtected && (
          <label className="field">
            <span>{t('invitation.passwordLabel')}</span>
            <input
              id="invitation-password"
              type="password"
              autoComplete="off"
              maxLength={LIMITS.maxPasswordChars}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            <span className="hint">{t('invitation.passwordHint')}</span>
          </label>
        )}
        <div className="invitation-connect-row">
          <SessionRequestFields idPrefix="invitation" caseNumber={caseNumber} onCaseNumber={setCaseNumber} mode={mode} onMode={setMode} />
          <button type="submit" className="button primary" data-testid="invitation-connect" disabled={!canConnect || relay === undefined}>
            {t('invitation.connect')}
          </button>
          <button type="button" className="button secondary" data-testid="invitation-another" onClick={draft.reset}>
            {t('invitation.another')}
          </button>
        </div>
        {shown !== undefined && shown !== '' && <ErrorNotice text={shown} />}
      </form>
    </>
  );
}

/**
 * "Open invitation": read a customer's invitation (file, pasted text or
 * link), show what it says, and answer it with a session against this
 * console's relay.
 */
export function InvitationPanel({ draft, canConnect, sessionFailure }: { draft: InvitationDraft; canConnect: boolean; sessionFailure: SessionFailure | undefined }) {
  const { t } = useTranslation();
  return (
    <section className="card invitation-panel" aria-labelledby="invitation-title" data-testid="invitation-panel">
      <div className="card-head">
        <h2 id="invitation-title" className="card-title">{t('invitation.title')}</h2>
        <button type="button" className="button secondary small" data-testid="invitation-close" onClick={() => { draft.reset(); draft.setOpen(false); }}>
          {t('invitation.close')}
        </button>
      </div>
      {!draft.invitation && <p className="muted small">{t('invitation.intro')}</p>}
      {draft.invitation ? (
        <InvitationConnect key={draft.generation} draft={draft} canConnect={canConnect} sessionFailure={sessionFailure} />
      ) : (
        <InvitationInput draft={draft} />
      )}
      {draft.error && <ErrorNotice text={translateError(t, draft.error, 'invitation')} detail={draft.error.message} />}
    </section>
  );
}
