import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import http from 'node:http';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TandemError } from '@tandem/protocol';
import { ConsentServer, newPageToken, type ConsentServerOptions } from './consent-server.js';

interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

interface RequestOptions {
  method?: string;
  path: string;
  host?: string;
  origin?: string;
  cookie?: string;
  body?: string;
  type?: string;
}

/** A raw request, so Host, Origin and Cookie can be set to anything (fetch would not allow it). */
function request(port: number, options: RequestOptions): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: options.host ?? `127.0.0.1:${port}` };
    if (options.origin !== undefined) headers.origin = options.origin;
    if (options.cookie !== undefined) headers.cookie = options.cookie;
    if (options.body !== undefined) {
      headers['content-type'] = options.type ?? 'application/json';
      headers['content-length'] = String(Buffer.byteLength(options.body));
    }
    const req = http.request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers, agent: false }, (res) => {
      if ((res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
        res.destroy();
        resolve({ status: res.statusCode ?? 0, body: '', headers: res.headers });
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Reads an event stream until `until` holds for the text so far. */
function readStream(port: number, cookie: string, until: (text: string) => boolean, onText?: (text: string) => void): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/events', headers: { cookie }, agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString('utf8');
        onText?.(text);
        if (until(text)) {
          req.destroy();
          resolve(text);
        }
      });
    });
    req.on('error', reject);
  });
}

describe('ConsentServer', () => {
  const launchToken = newPageToken();
  const actions: { name: string; body: unknown }[] = [];
  let reused = 0;
  let server: ConsentServer;
  let dir: string;
  let port: number;
  let cookie = '';
  let options: ConsentServerOptions;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tandem-page-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>page</title>');
    writeFileSync(join(dir, 'app.js'), 'export {};');
    writeFileSync(join(dir, 'launch-refused.html'), '<!doctype html><title>This link was already used</title>');
    options = {
      files: { 'index.html': join(dir, 'index.html'), 'app.js': join(dir, 'app.js'), 'launch-refused.html': join(dir, 'launch-refused.html') },
      snapshot: () => [{ event: 'state', data: { status: 'consent' } }],
      action: (name, body) => {
        if (name === 'refuse') throw new TandemError('TANDEM_ERR_PROTOCOL', 'not now');
        actions.push({ name, body });
        return { ok: true };
      },
      onLaunchReused: () => reused++,
    };
    server = await ConsentServer.start({ ...options, launchToken });
    port = server.port;
  });

  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has a one-time launch link with a 256-bit token on loopback', () => {
    expect(launchToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(server.url).toBe(`http://127.0.0.1:${port}/launch/${launchToken}`);
    expect(server.cookieName).toBe(`tandem-page-${port}`);
  });

  it('exchanges the first use of the link for an HttpOnly, SameSite=Strict session cookie and a redirect to a URL without a secret', async () => {
    const a = await request(port, { path: `/launch/${launchToken}` });
    expect(a.status).toBe(303);
    expect(a.headers.location).toBe('/');
    const set = a.headers['set-cookie'] ?? [];
    expect(set).toHaveLength(1);
    const match = /^tandem-page-(\d+)=([A-Za-z0-9_-]{43}); HttpOnly; SameSite=Strict; Path=\/$/.exec(set[0] ?? '');
    expect(match, set[0]).not.toBeNull();
    expect(match?.[1]).toBe(String(port));
    // A cookie of its own, not the launch token: what was on a command line is worth nothing now.
    expect(match?.[2]).not.toBe(launchToken);
    expect(set[0]).not.toMatch(/expires|max-age|domain/i);
    cookie = `${server.cookieName}=${match?.[2] ?? ''}`;
  });

  it('serves the page, its files and the stream with the cookie (Host 127.0.0.1 or localhost)', async () => {
    const a = await request(port, { path: '/', cookie });
    expect(a.status).toBe(200);
    expect(a.body).toContain('<title>page</title>');
    expect(a.headers['content-security-policy']).toContain("default-src 'none'");
    expect(a.headers['referrer-policy']).toBe('no-referrer');
    expect((await request(port, { path: '/app.js', host: `localhost:${port}`, cookie })).status).toBe(200);
    expect((await request(port, { path: '/app.js', cookie: `other=1; ${cookie}; more=2` })).status).toBe(200);
    expect((await request(port, { path: '/events', cookie })).status).toBe(200);
    expect((await request(port, { path: '/nothing.js', cookie })).status).toBe(404);
    // The refusal page is the launch link's answer, not a page of its own.
    expect((await request(port, { path: '/launch-refused.html', cookie })).status).toBe(404);
  });

  it('refuses every request without the cookie, or with a wrong one, with 403', async () => {
    const value = cookie.split('=')[1] ?? '';
    const wrong = [undefined, `${server.cookieName}=${launchToken}`, `${server.cookieName}=${value.slice(1)}`, `tandem-page-${port + 1}=${value}`, `${server.cookieName}x=${value}`];
    for (const c of wrong) {
      for (const path of ['/', '/index.html', '/app.js', '/events', `/${launchToken}/`, `/${launchToken}/app.js`]) {
        const a = await request(port, { path, ...(c !== undefined ? { cookie: c } : {}) });
        expect(a.status, `${path} ${c}`).toBe(403);
        expect(a.body).not.toContain('<title>page</title>');
      }
      const post = await request(port, { method: 'POST', path: '/api/accept', origin: `http://127.0.0.1:${port}`, body: '{}', ...(c !== undefined ? { cookie: c } : {}) });
      expect(post.status, `POST ${c}`).toBe(403);
    }
    expect(actions).toHaveLength(0);
  });

  it('sends the browser that has the cookie on to the page when it opens the link again', async () => {
    const a = await request(port, { path: `/launch/${launchToken}`, cookie });
    expect(a.status).toBe(303);
    expect(a.headers['set-cookie']).toBeUndefined();
    expect(reused).toBe(0);
  });

  it('refuses a wrong launch token without taking it for a second use', async () => {
    for (const path of [`/launch/${launchToken.slice(1)}`, `/launch/${launchToken}x`, '/launch/', `/launch/${launchToken}/x`]) {
      const a = await request(port, { path });
      expect(a.status, path).toBe(403);
      expect(a.headers['set-cookie']).toBeUndefined();
    }
    expect((await request(port, { method: 'POST', path: `/launch/${launchToken}`, origin: `http://127.0.0.1:${port}`, body: '{}' })).status).toBe(403);
    expect(reused).toBe(0);
  });

  it('refuses a second use of the link without the cookie, says so once and tells the connected pages', async () => {
    const warned = readStream(port, cookie, (text) => text.includes('event: warning'));
    // The stream is open before the second use (its snapshot came first).
    await expect.poll(() => server.connectedPages).toBe(1);
    for (let i = 0; i < 2; i++) {
      const a = await request(port, { path: `/launch/${launchToken}` });
      expect(a.status).toBe(403);
      expect(a.headers['set-cookie']).toBeUndefined();
      expect(a.headers['content-type']).toMatch(/^text\/html/);
      expect(a.body).toContain('already used');
    }
    expect(reused).toBe(1);
    expect(await warned).toContain('event: warning\ndata: {"key":"launchReused"}\n\n');
    // A page that connects later is told too.
    expect(await readStream(port, cookie, (text) => text.includes('launchReused'))).toContain('event: warning');
  });

  it('refuses a wrong Host header with 403, even with the cookie', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, '127.0.0.1', `localhost.evil.example:${port}`, `[::1]:${port}`]) {
      expect((await request(port, { path: '/', host, cookie })).status, host).toBe(403);
      expect((await request(port, { path: `/launch/${launchToken}`, host })).status, host).toBe(403);
    }
  });

  it('runs an action with the cookie, the exact Origin and a JSON body', async () => {
    const a = await request(port, { method: 'POST', path: '/api/accept', origin: `http://127.0.0.1:${port}`, cookie, body: '{"x":1}' });
    expect(a.status).toBe(200);
    expect(JSON.parse(a.body)).toEqual({ ok: true });
    expect(actions.at(-1)).toEqual({ name: 'accept', body: { x: 1 } });
  });

  it('refuses POSTs with a wrong or missing Origin or a wrong type, even with the cookie, and runs nothing', async () => {
    const before = actions.length;
    const base = { method: 'POST', path: '/api/accept', body: '{}', cookie };
    const cases: [RequestOptions, number][] = [
      [{ ...base }, 403],
      [{ ...base, origin: 'http://evil.example' }, 403],
      [{ ...base, origin: `http://localhost:${port}` }, 403],
      [{ ...base, origin: `https://127.0.0.1:${port}` }, 403],
      [{ ...base, origin: 'null' }, 403],
      [{ ...base, origin: `http://127.0.0.1:${port}`, type: 'text/plain' }, 415],
      [{ ...base, origin: `http://127.0.0.1:${port}`, host: `evil.example:${port}` }, 403],
      [{ ...base, origin: `http://127.0.0.1:${port}`, path: `/${launchToken}/api/accept` }, 405],
    ];
    for (const [o, status] of cases) {
      const a = await request(port, o);
      expect(a.status, JSON.stringify(o)).toBe(status);
    }
    expect(actions.length).toBe(before);
  });

  it('accepts Origin localhost when the page was opened as localhost', async () => {
    const a = await request(port, { method: 'POST', path: '/api/chat', host: `localhost:${port}`, origin: `http://localhost:${port}`, cookie, body: '{"text":"hi"}' });
    expect(a.status).toBe(200);
  });

  it('reports action errors with their code and status, and bad JSON as 400', async () => {
    const origin = `http://127.0.0.1:${port}`;
    const a = await request(port, { method: 'POST', path: '/api/refuse', origin, cookie, body: '{}' });
    expect(a.status).toBe(400);
    expect(JSON.parse(a.body)).toMatchObject({ code: 'TANDEM_ERR_PROTOCOL' });
    expect((await request(port, { method: 'POST', path: '/api/accept', origin, cookie, body: '{' })).status).toBe(400);
    expect((await request(port, { method: 'PUT', path: '/api/accept', origin, cookie, body: '{}' })).status).toBe(405);
  });

  it('streams the snapshot and broadcasts as Server-Sent Events', async () => {
    let sent = false;
    const received = await readStream(
      port,
      cookie,
      (text) => text.includes('"hello"'),
      (text) => {
        if (!sent && text.includes('"status":"consent"')) {
          sent = true;
          server.broadcast({ event: 'chat', data: { from: 'peer', text: 'hello' } });
        }
      },
    );
    expect(received).toContain('event: state\ndata: {"status":"consent"}\n\n');
    expect(received).toContain('event: chat\ndata: {"from":"peer","text":"hello"}\n\n');
  });

  it('refuses connections the peer check refuses before anything else, says so once, and leaves the launch link unused', async () => {
    let foreign = 0;
    let allow = false;
    const guarded = await ConsentServer.start({ ...options, peerCheck: () => allow, onForeignUser: () => foreign++ });
    try {
      const path = new URL(guarded.url).pathname;
      for (let i = 0; i < 2; i++) {
        const a = await request(guarded.port, { path });
        expect(a.status).toBe(403);
        expect(a.headers['set-cookie']).toBeUndefined();
        expect(a.body).toContain('another user');
      }
      expect(foreign).toBe(1);
      allow = true;
      const first = await request(guarded.port, { path });
      expect(first.status).toBe(303);
      expect(first.headers['set-cookie']).toHaveLength(1);
    } finally {
      await guarded.close();
    }
  });

  it('gives two servers on one computer cookies of their own', async () => {
    const other = await ConsentServer.start({ ...options, onLaunchReused: () => undefined });
    try {
      const a = await request(other.port, { path: new URL(other.url).pathname });
      expect(a.status).toBe(303);
      const otherCookie = (a.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
      expect(otherCookie.startsWith(`tandem-page-${other.port}=`)).toBe(true);
      // A browser sends both to each (cookies are not port-bound); each server takes only its own.
      const both = `${cookie}; ${otherCookie}`;
      expect((await request(other.port, { path: '/', cookie: both })).status).toBe(200);
      expect((await request(port, { path: '/', cookie: both })).status).toBe(200);
      expect((await request(other.port, { path: '/', cookie })).status).toBe(403);
      expect((await request(port, { path: '/', cookie: otherCookie })).status).toBe(403);
    } finally {
      await other.close();
    }
  });
});
