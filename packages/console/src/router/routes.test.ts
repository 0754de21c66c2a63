import { describe, it, expect } from 'vitest';
import { isAdminRoute, isPublicRoute, parseRoute, routeHash, type Route } from './routes.js';

describe('parseRoute', () => {
  it('maps the empty hash and #/ to the sessions page', () => {
    expect(parseRoute('')).toEqual({ name: 'sessions' });
    expect(parseRoute('#')).toEqual({ name: 'sessions' });
    expect(parseRoute('#/')).toEqual({ name: 'sessions' });
  });

  it('parses sign-in, admin pages and set-up links', () => {
    expect(parseRoute('#/signin')).toEqual({ name: 'signin' });
    expect(parseRoute('#/admin/users')).toEqual({ name: 'users' });
    expect(parseRoute('#/admin/audit/')).toEqual({ name: 'audit' });
    expect(parseRoute('#/setup/AbC123_-xyz9')).toEqual({ name: 'setup', token: 'AbC123_-xyz9' });
  });

  it('rejects malformed set-up tokens and unknown paths', () => {
    expect(parseRoute('#/setup/')).toEqual({ name: 'not-found', path: '/setup' });
    expect(parseRoute('#/setup/short').name).toBe('not-found');
    expect(parseRoute('#/setup/has%20space123').name).toBe('not-found');
    expect(parseRoute('#/admin')).toEqual({ name: 'not-found', path: '/admin' });
    expect(parseRoute('#/signin/extra').name).toBe('not-found');
  });

  it('parses invitation links and never echoes bad invitation data', () => {
    expect(parseRoute('#/invitation/VGFuZGVtLUludml0YXRpb24_-')).toEqual({ name: 'invitation', data: 'VGFuZGVtLUludml0YXRpb24_-' });
    expect(parseRoute('#/invitation/VGFu/')).toEqual({ name: 'invitation', data: 'VGFu' });
    expect(parseRoute('#/invitation/secret%20with%20space')).toEqual({ name: 'not-found', path: '/invitation' });
    expect(parseRoute('#/invitation/abc/def')).toEqual({ name: 'not-found', path: '/invitation' });
    expect(parseRoute('#/invitation')).toEqual({ name: 'not-found', path: '/invitation' });
    expect(parseRoute(`#/invitation/${'A'.repeat(8193)}`).name).toBe('not-found');
    expect(isPublicRoute({ name: 'invitation', data: 'x' })).toBe(false);
  });

  it('round-trips through routeHash', () => {
    const routes: Route[] = [{ name: 'signin' }, { name: 'sessions' }, { name: 'users' }, { name: 'audit' }, { name: 'setup', token: 'tok_en-1234567' }, { name: 'invitation', data: 'VGFuZGVt' }];
    for (const r of routes) expect(parseRoute(routeHash(r))).toEqual(r);
  });

  it('classifies admin and public routes', () => {
    expect(isAdminRoute({ name: 'users' })).toBe(true);
    expect(isAdminRoute({ name: 'sessions' })).toBe(false);
    expect(isPublicRoute({ name: 'setup', token: 'x' })).toBe(true);
    expect(isPublicRoute({ name: 'audit' })).toBe(false);
  });
});
