import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Header } from './components/header.js';
import { useAuth, useServices } from './services.js';
import { useRoute } from './router/use-route.js';
import { isAdminRoute, isPublicRoute, type Route } from './router/routes.js';
import { SignInPage } from './pages/signin-page.js';
import { SetupPage } from './pages/setup-page.js';
import { SessionsPage } from './pages/sessions-page.js';
import { UsersPage } from './pages/users-page.js';
import { AuditPage } from './pages/audit-page.js';
import { AccountPage } from './pages/account-page.js';
import { EnrolmentPage } from './pages/enrolment-page.js';
import { inBackground } from './async/in-background.js';

const TITLE_KEYS: Record<Route['name'], string> = {
  signin: 'signin.title',
  setup: 'setup.title',
  sessions: 'sessions.title',
  invitation: 'invitation.title',
  users: 'users.title',
  audit: 'audit.title',
  account: 'account.title',
  'not-found': 'app.notFound',
};

/** How often a signed-in console checks its sign-in (GET /api/me), milliseconds. */
export const SIGNIN_CHECK_MS = 3_000;

/** The console: header, and the page the hash route names, guarded by sign-in and role. */
export function App() {
  const { t, i18n } = useTranslation();
  const services = useServices();
  const auth = useAuth();
  const [route, navigate] = useRoute();
  const [signinNotice, setSigninNotice] = useState<string | undefined>(undefined);

  useEffect(() => {
    document.documentElement.lang = i18n.language;
    document.title = `${t(TITLE_KEYS[route.name])} – ${t('app.name')}`;
  }, [i18n.language, route.name, t]);

  // Refresh the account details once per sign-in; a stale token signs out (the API client's onUnauthorized).
  const token = auth?.token;
  useEffect(() => {
    if (!token) return;
    services.api.me().then(
      (user) => services.auth.updateUser(user),
      () => {
        // A 401 already signed us out through onUnauthorized; other failures keep the stored details.
      },
    );
  }, [token, services]);

  // While signed in, ask the relay every few seconds whether the sign-in still holds: an
  // account disabled, deleted or reset (by an administrator, here or with tandem-relay user)
  // answers 401, and the API client's onUnauthorized signs this console out within seconds.
  useEffect(() => {
    if (!token) return;
    const timer = window.setInterval(() => {
      services.api.me().catch(() => {
        // A 401 signed us out through onUnauthorized; a relay out of reach is asked again next time.
      });
    }, SIGNIN_CHECK_MS);
    return () => window.clearInterval(timer);
  }, [token, services]);

  // Signed out by the relay (a 401): a session still open ends, as on signing out by hand.
  useEffect(() => {
    if (token || !services.sessions.live) return;
    inBackground(services.sessions.end().then(() => services.sessions.clear()));
  }, [token, services]);

  // An invitation link: keep its data in this tab only and drop it from the address bar and
  // history at once; the sessions page opens it, after sign-in if needed.
  const invitationData = route.name === 'invitation' ? route.data : undefined;
  const signedIn = auth !== undefined;
  useEffect(() => {
    if (invitationData === undefined) return;
    services.pendingInvitation.put(invitationData);
    navigate(signedIn ? { name: 'sessions' } : { name: 'signin' }, { replace: true });
  }, [invitationData, signedIn, services, navigate]);

  // Guards: signed-out users go to sign-in, signed-in users skip it.
  const mustSignIn = !auth && !isPublicRoute(route) && route.name !== 'invitation';
  const skipSignIn = auth !== undefined && route.name === 'signin';
  useEffect(() => {
    if (mustSignIn) navigate({ name: 'signin' });
    else if (skipSignIn) navigate({ name: 'sessions' });
  }, [mustSignIn, skipSignIn, navigate]);

  const signOut = async () => {
    await services.sessions.end();
    services.sessions.clear();
    try {
      await services.api.logout();
    } catch {
      // The token is dropped locally either way; a relay that cannot be reached must not block signing out.
    }
    services.auth.signOut();
    navigate({ name: 'signin' });
  };

  let page: React.ReactNode;
  if (route.name === 'setup') {
    page = (
      <SetupPage
        token={route.token}
        onDone={() => {
          setSigninNotice(t('setup.done'));
          navigate({ name: 'signin' });
        }}
      />
    );
  } else if (!auth || route.name === 'signin') {
    page = mustSignIn || route.name === 'signin' ? <SignInPage notice={signinNotice} onSignedIn={() => { setSigninNotice(undefined); navigate({ name: 'sessions' }); }} /> : null;
  } else if (auth.user.enrolmentRequired) {
    // The policy requires a second factor this account has not got: nothing else until it has one.
    page = <EnrolmentPage />;
  } else if (isAdminRoute(route) && auth.user.role !== 'admin') {
    page = <Message text={t('app.forbidden')} />;
  } else if (route.name === 'sessions' || route.name === 'invitation') {
    page = <SessionsPage />;
  } else if (route.name === 'users') {
    page = <UsersPage />;
  } else if (route.name === 'audit') {
    page = <AuditPage />;
  } else if (route.name === 'account') {
    page = <AccountPage />;
  } else {
    page = <Message text={t('app.notFound')} />;
  }

  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        {t('app.skipToContent')}
      </a>
      <Header route={route} auth={auth} onSignOut={() => inBackground(signOut())} />
      {page}
    </div>
  );
}

function Message({ text }: { text: string }) {
  const { t } = useTranslation();
  return (
    <main id="main" className="page narrow" tabIndex={-1}>
      <div className="card">
        <p>{text}</p>
        <a href="#/" className="button secondary">{t('app.backToSessions')}</a>
      </div>
    </main>
  );
}
