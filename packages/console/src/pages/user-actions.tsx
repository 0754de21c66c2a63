import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useServices } from '../services.js';
import { translateError } from '../i18n/translate-error.js';
import type { UserRow } from '../api/types.js';
import { inBackground } from '../async/in-background.js';

/** What an action on a row asks of the page: reload the list, and show a new set-up link after a reset. */
export interface UserActionsProps {
  user: UserRow;
  /** The signed-in administrator's own row: the relay refuses disable, delete and reset on it. */
  self: boolean;
  onChanged: (reset?: { username: string; link: string }) => void;
}

/**
 * The lifecycle buttons of one account on the Users page. Delete and reset
 * cannot be undone, so each asks once more in place (a second button)
 * rather than in a browser dialog.
 */
export function UserActions({ user, self, onChanged }: UserActionsProps) {
  const { t } = useTranslation();
  const { api } = useServices();
  const [confirming, setConfirming] = useState<'delete' | 'reset' | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const run = async (work: () => Promise<{ username: string; link: string } | undefined>) => {
    setBusy(true);
    setError(undefined);
    try {
      const reset = await work();
      setConfirming(undefined);
      onChanged(reset);
    } catch (err) {
      setError(translateError(t, err));
    } finally {
      setBusy(false);
    }
  };
  const button = (id: string, label: string, work: () => Promise<{ username: string; link: string } | undefined>, danger = false) => (
    <button type="button" className={danger ? 'button danger small' : 'button secondary small'} data-testid={`${id}-${user.username}`} disabled={busy} onClick={() => inBackground(run(work))}>
      {label}
    </button>
  );
  const ask = (what: 'delete' | 'reset', label: string) => (
    <button type="button" className="button secondary small" data-testid={`${what}-${user.username}`} disabled={busy} onClick={() => setConfirming(what)}>
      {label}
    </button>
  );

  if (confirming !== undefined) {
    return (
      <div className="row-actions" role="group" aria-label={t('users.actionsFor', { username: user.username })}>
        <span className="small">{t(confirming === 'delete' ? 'users.confirmDelete' : 'users.confirmReset', { username: user.username })}</span>
        {confirming === 'delete'
          ? button('confirm-delete', t('users.delete'), async () => void (await api.deleteUser(user.username)), true)
          : button('confirm-reset', t('users.reset'), async () => ({ username: user.username, link: await api.resetUser(user.username) }), true)}
        <button type="button" className="button secondary small" onClick={() => setConfirming(undefined)}>{t('users.cancel')}</button>
        {error && <p className="notice error small" role="alert">{error}</p>}
      </div>
    );
  }
  return (
    <div className="row-actions" role="group" aria-label={t('users.actionsFor', { username: user.username })}>
      {!self && (user.disabled
        ? button('enable', t('users.enable'), async () => void (await api.userAction(user.username, 'enable')))
        : button('disable', t('users.disable'), async () => void (await api.userAction(user.username, 'disable'))))}
      {user.locked && button('unlock', t('users.unlock'), async () => void (await api.userAction(user.username, 'unlock')))}
      {!self && user.signins > 0 && button('revoke', t('users.revoke'), async () => void (await api.userAction(user.username, 'revoke-signins')))}
      {!self && ask('reset', t('users.reset'))}
      {!self && ask('delete', t('users.delete'))}
      {self && <span className="muted small">{t('users.you')}</span>}
      {error && <p className="notice error small" role="alert">{error}</p>}
    </div>
  );
}
