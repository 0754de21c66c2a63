/**
 * The console's hash routes. The relay serves one page at `/console/`;
 * everything after `#` picks the screen, so set-up links
 * (`ORIGIN/console/#/setup/TOKEN`) and invitation links work without
 * server-side routing, and their secrets stay in the fragment, which
 * browsers never send to the server (RFC 3986 §3.5). Links to the old
 * address (`ORIGIN/#/setup/TOKEN`, `ORIGIN/#/invitation/DATA`) reach the
 * relay's support page at `/`, whose script forwards the fragment here.
 */
import { INVITATION_LIMITS } from '@tandem/protocol';

/** A parsed route. */
export type Route =
  | { name: 'signin' }
  | { name: 'setup'; token: string }
  | { name: 'sessions' }
  | { name: 'invitation'; data: string }
  | { name: 'users' }
  | { name: 'audit' }
  | { name: 'account' }
  | { name: 'not-found'; path: string };

/** Set-up tokens are URL-safe; anything else is not a token. */
const SETUP_TOKEN = /^[A-Za-z0-9_-]{8,256}$/;
/** Invitation link data is the file in base64url (docs/invitation-format.md "The link"). */
const INVITATION_DATA = new RegExp(`^[A-Za-z0-9_-]{1,${INVITATION_LIMITS.maxLinkChars}}$`);

/** Parses `location.hash` (with or without the leading `#`). */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/\/+$/, '') || '/';
  const parts = path.split('/').filter((p) => p !== '');
  if (parts.length === 0) return { name: 'sessions' };
  const [head, arg, ...rest] = parts;
  if (rest.length === 0) {
    if (head === 'signin' && arg === undefined) return { name: 'signin' };
    if (head === 'account' && arg === undefined) return { name: 'account' };
    if (head === 'setup' && arg !== undefined) {
      const token = decodeURIComponent(arg);
      if (SETUP_TOKEN.test(token)) return { name: 'setup', token };
    }
    // The data is checked as an invitation later, where a damaged one gets its own message.
    if (head === 'invitation' && arg !== undefined && INVITATION_DATA.test(arg)) return { name: 'invitation', data: arg };
    if (head === 'admin' && arg === 'users') return { name: 'users' };
    if (head === 'admin' && arg === 'audit') return { name: 'audit' };
  }
  // Never echo invitation data back in a not-found path: it may hold a secret.
  if (head === 'invitation') return { name: 'not-found', path: '/invitation' };
  return { name: 'not-found', path };
}

/** The hash that leads to a route. */
export function routeHash(route: Route): string {
  switch (route.name) {
    case 'signin':
      return '#/signin';
    case 'setup':
      return `#/setup/${encodeURIComponent(route.token)}`;
    case 'sessions':
      return '#/';
    case 'invitation':
      return `#/invitation/${route.data}`;
    case 'users':
      return '#/admin/users';
    case 'audit':
      return '#/admin/audit';
    case 'account':
      return '#/account';
    case 'not-found':
      return `#${route.path}`;
  }
}

/** True for routes only administrators may open. */
export function isAdminRoute(route: Route): boolean {
  return route.name === 'users' || route.name === 'audit';
}

/** True for routes that work without signing in. */
export function isPublicRoute(route: Route): boolean {
  return route.name === 'signin' || route.name === 'setup';
}
