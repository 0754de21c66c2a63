/**
 * The console's API client against a real HTTP server on loopback: bearer
 * header, JSON bodies, and every failure turned into a coded TandemError.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TandemError } from '@tandem/protocol';
import { ApiClient, codeForStatus, errorFromResponse } from '../src/api/api-client.js';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return body;
}

describe('ApiClient over HTTP', () => {
  let server: Server;
  let base: string;
  const seen: Seen[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      readBody(req).then((body) => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body });
        const json = (status: number, value: unknown) => {
          res.writeHead(status, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(value));
        };
        if (req.url === '/api/auth/login') {
          const { password } = JSON.parse(body) as { password: string };
          if (password === 'right-password') return json(200, { token: 'tok-1', user: { username: 'ito', displayName: 'Ito', role: 'admin', team: '' } });
          return json(401, { code: 'TANDEM_ERR_SIGNIN_FAILED', message: 'Wrong user name or password.' });
        }
        if (req.url === '/api/users') {
          if (req.headers.authorization !== 'Bearer tok-1') return json(401, { code: 'TANDEM_ERR_UNAUTHORIZED', message: 'sign in' });
          if (req.method === 'POST') return json(200, { setupLink: 'http://x/#/setup/abcdefgh12' });
          return json(200, { users: [{ username: 'ito', displayName: 'Ito', role: 'admin', team: '', createdAt: 1, hasPassword: true }] });
        }
        if (req.url === '/api/audit/sessions.csv') {
          res.writeHead(200, { 'Content-Type': 'text/csv' });
          return res.end('sessionId\r\nabc\r\n');
        }
        if (req.url === '/api/proxy-error') {
          res.writeHead(502, { 'Content-Type': 'text/html' });
          return res.end('<html>Bad gateway</html>');
        }
        json(404, { code: 'TANDEM_ERR_NOT_FOUND', message: 'no such path' });
      }).catch((err: unknown) => {
        // A request this server cannot read or answer ends its connection: the client's call fails, and so does the test.
        res.destroy(err instanceof Error ? err : new Error(String(err)));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('signs in, then sends the bearer token on every call', async () => {
    const signedIn: { token?: string } = {};
    const api = new ApiClient({ baseUrl: base, getToken: () => signedIn.token });
    const answer = await api.login('ito', 'right-password');
    expect(answer.token).toBe('tok-1');
    expect(seen.at(-1)?.authorization).toBeUndefined();
    signedIn.token = answer.token;
    const users = await api.listUsers();
    expect(users.map((u) => u.username)).toEqual(['ito']);
    expect(seen.at(-1)?.authorization).toBe('Bearer tok-1');
    expect(await api.addUser({ username: 'sato', role: 'technician' })).toBe('http://x/#/setup/abcdefgh12');
    expect(JSON.parse(seen.at(-1)?.body ?? '')).toEqual({ username: 'sato', role: 'technician' });
    const csv = await api.download('/api/audit/sessions.csv');
    expect(await csv.text()).toBe('sessionId\r\nabc\r\n');
  });

  it('turns a failed sign-in into TANDEM_ERR_SIGNIN_FAILED', async () => {
    const api = new ApiClient({ baseUrl: base, getToken: () => undefined });
    const err = await api.login('ito', 'wrong').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TandemError);
    expect((err as TandemError).code).toBe('TANDEM_ERR_SIGNIN_FAILED');
  });

  it('reports a rejected token through onUnauthorized', async () => {
    let signedOut = 0;
    const api = new ApiClient({ baseUrl: base, getToken: () => 'stale', onUnauthorized: () => signedOut++ });
    await expect(api.listUsers()).rejects.toMatchObject({ code: 'TANDEM_ERR_UNAUTHORIZED' });
    expect(signedOut).toBe(1);
  });

  it('maps a non-JSON error page by its status and an unreachable relay to RELAY_UNREACHABLE', async () => {
    const api = new ApiClient({ baseUrl: base, getToken: () => undefined });
    await expect(api.download('/api/proxy-error')).rejects.toMatchObject({ code: 'TANDEM_ERR_RELAY_UNREACHABLE' });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = new ApiClient({ baseUrl: `http://127.0.0.1:${port}`, getToken: () => undefined });
    await expect(unreachable.me()).rejects.toMatchObject({ code: 'TANDEM_ERR_RELAY_UNREACHABLE' });
  });

  it('keeps the code and message of a JSON error body', () => {
    const err = errorFromResponse(429, JSON.stringify({ code: 'TANDEM_ERR_SIGNIN_LOCKED', message: 'locked' }));
    expect(err.code).toBe('TANDEM_ERR_SIGNIN_LOCKED');
    expect(err.message).toBe('locked');
    expect(errorFromResponse(500, '{"code":"NOT_A_CODE"}').code).toBe('TANDEM_ERR_INTERNAL');
    expect(codeForStatus(429)).toBe('TANDEM_ERR_RATE_LIMITED');
    expect(codeForStatus(418)).toBe('TANDEM_ERR_INTERNAL');
  });
});
