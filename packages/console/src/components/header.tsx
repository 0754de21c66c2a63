import { useTranslation } from 'react-i18next';
import type { Route } from '../router/routes.js';
import type { AuthState } from '../auth/auth-store.js';
import { LanguageSwitch } from './language-switch.js';

/** The top bar: product name, navigation, who is signed in, sign out, language. */
export function Header({ route, auth, onSignOut }: { route: Route; auth: AuthState | undefined; onSignOut: () => void }) {
  const { t } = useTranslation();
  const isAdmin = auth?.user.role === 'admin';
  const link = (name: Route['name'], href: string, label: string, testId: string) => (
    <a href={href} data-testid={testId} className={route.name === name ? 'nav-link is-current' : 'nav-link'} aria-current={route.name === name ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">T</span>
        <span className="brand-name">{t('app.name')}</span>
        <span className="brand-tagline">{t('app.tagline')}</span>
      </div>
      {auth && (
        <nav className="app-nav" aria-label={t('nav.label')}>
          {link('sessions', '#/', t('nav.sessions'), 'nav-sessions')}
          {isAdmin && link('users', '#/admin/users', t('nav.users'), 'nav-users')}
          {isAdmin && link('audit', '#/admin/audit', t('nav.audit'), 'nav-audit')}
        </nav>
      )}
      <div className="header-tools">
        {auth && (
          <span className="whoami" data-testid="whoami">
            <a href="#/account" className="whoami-name" data-testid="nav-account" title={t('nav.account')} aria-current={route.name === 'account' ? 'page' : undefined}>
              {t('nav.signedInAs', { name: auth.user.displayName || auth.user.username })}
            </a>
            <span className="role-badge">{t(auth.user.role === 'admin' ? 'nav.roleAdmin' : 'nav.roleTechnician')}</span>
          </span>
        )}
        <LanguageSwitch />
        {auth && (
          <button type="button" className="button secondary small" data-testid="signout" onClick={onSignOut}>
            {t('nav.signOut')}
          </button>
        )}
      </div>
    </header>
  );
}
