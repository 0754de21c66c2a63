import { useCallback, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ACCOUNT_ROLES, LIMITS, isPlainName, type AccountRole } from '@tandem/protocol';
import { useAuth, useServices } from '../services.js';
import { translateError } from '../i18n/translate-error.js';
import { CopyButton } from '../components/copy-button.js';
import type { UserRow } from '../api/types.js';
import { formatTimestamp } from './format-time.js';
import { inBackground } from '../async/in-background.js';
import { SecondFactorPolicyCard } from './second-factor-policy-card.js';
import { UserActions } from './user-actions.js';
import { useLoaded } from './use-loaded.js';

/** Administrators: list accounts, add one and hand over its set-up link. */
export function UsersPage() {
  const { t, i18n } = useTranslation();
  const { api } = useServices();
  const self = useAuth()?.user.username;
  const listUsers = useCallback(() => api.listUsers(), [api]);
  const { data: users, error: loadError, reload: load } = useLoaded<UserRow[]>(listUsers);
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<AccountRole>('technician');
  const [team, setTeam] = useState('');
  const [busy, setBusy] = useState(false);
  const [addError, setAddError] = useState<string | undefined>(undefined);
  const [created, setCreated] = useState<{ username: string; link: string } | undefined>(undefined);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    // The relay refuses such names too (assertPlainName); saying so here keeps the message clear.
    if (![username, displayName, team].every(isPlainName)) return setAddError(t('common.badName'));
    setBusy(true);
    setAddError(undefined);
    setCreated(undefined);
    try {
      const name = username.trim();
      const link = await api.addUser({
        username: name,
        role,
        ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
        ...(team.trim() ? { team: team.trim() } : {}),
      });
      setCreated({ username: name, link });
      setUsername('');
      setDisplayName('');
      setTeam('');
      setRole('technician');
      await load();
    } catch (err) {
      setAddError(translateError(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="page">
      <h1 className="page-title">{t('users.title')}</h1>
      <div className="admin-grid">
        <form className="card form" onSubmit={(e) => inBackground(add(e))} aria-labelledby="add-user-title">
          <h2 id="add-user-title" className="card-title">{t('users.addTitle')}</h2>
          <p className="muted small">{t('users.addIntro')}</p>
          <label className="field">
            <span>{t('users.username')}</span>
            <input id="new-username" required maxLength={LIMITS.maxUserNameChars} autoComplete="off" value={username} onChange={(e) => setUsername(e.target.value)} />
          </label>
          <label className="field">
            <span>
              {t('users.displayName')} <span className="muted">({t('common.optional')})</span>
            </span>
            <input id="new-display-name" maxLength={LIMITS.maxNameChars} autoComplete="off" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
          </label>
          <label className="field">
            <span>{t('users.role')}</span>
            <select id="new-role" value={role} onChange={(e) => setRole(e.target.value as AccountRole)}>
              {ACCOUNT_ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(r === 'admin' ? 'nav.roleAdmin' : 'nav.roleTechnician')}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>
              {t('users.team')} <span className="muted">({t('common.optional')})</span>
            </span>
            <input id="new-team" maxLength={LIMITS.maxNameChars} autoComplete="off" value={team} onChange={(e) => setTeam(e.target.value)} />
          </label>
          {addError && <p className="notice error" role="alert" data-testid="add-user-error">{addError}</p>}
          <button type="submit" className="button primary wide" data-testid="add-user" disabled={busy || username.trim() === ''}>
            {busy ? t('common.working') : t('users.add')}
          </button>
          {created && (
            <div className="link-box" role="status">
              <h3>{t('users.linkTitle', { username: created.username })}</h3>
              <code className="setup-link" data-testid="setup-link">{created.link}</code>
              <p className="hint">{t('users.linkHint')}</p>
              <CopyButton text={created.link} label={t('users.copyLink')} testId="copy-setup-link" />
            </div>
          )}
        </form>

        <section className="card" aria-labelledby="users-title">
          <div className="card-head">
            <h2 id="users-title" className="card-title">{t('users.listTitle')}</h2>
            <button type="button" className="button secondary small" onClick={() => inBackground(load())}>{t('common.refresh')}</button>
          </div>
          {loadError && <p className="notice error" role="alert">{loadError}</p>}
          {users === undefined && !loadError ? (
            <p className="muted" role="status">{t('app.loading')}</p>
          ) : users && users.length === 0 ? (
            <p className="muted">{t('users.empty')}</p>
          ) : users ? (
            <div className="table-wrap">
              <table className="table compact users-table" data-testid="users-table">
                <thead>
                  <tr>
                    <th scope="col">{t('users.username')}</th>
                    <th scope="col">{t('users.displayName')}</th>
                    <th scope="col">{t('users.role')}</th>
                    <th scope="col">{t('users.team')}</th>
                    <th scope="col">{t('users.createdAt')}</th>
                    <th scope="col">{t('users.status')}</th>
                    <th scope="col">{t('users.signins')}</th>
                    <th scope="col">{t('users.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {users.map((u) => (
                    <tr key={u.username} data-username={u.username}>
                      <td>{u.username}</td>
                      <td>{u.displayName}</td>
                      <td>{t(u.role === 'admin' ? 'nav.roleAdmin' : 'nav.roleTechnician')}</td>
                      <td>{u.team || t('common.none')}</td>
                      <td>{formatTimestamp(u.createdAt, i18n.language, 'short')}</td>
                      <td data-testid={`status-${u.username}`}>
                        <span className={u.disabled || u.locked ? 'status-badge is-off' : 'status-badge'}>
                          {t(u.disabled ? 'users.disabled' : u.locked ? 'users.locked' : u.hasPassword ? 'users.enabled' : 'users.pending')}
                        </span>
                      </td>
                      <td>{u.signins}</td>
                      <td>
                        <UserActions user={u} self={u.username === self} onChanged={(reset) => { setCreated(reset); inBackground(load()); }} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </section>
      </div>
      <SecondFactorPolicyCard />
    </main>
  );
}
