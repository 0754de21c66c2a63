import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import http from 'node:http';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TandemError } from '@tandem/protocol';
import { ConsentServer, newPageToken } from './consent-server.js';

interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** A raw request, so Host and Origin can be set to anything (fetch would not allow it). */
function request(port: number, options: { method?: string; path: string; host?: string; origin?: string; body?: string; type?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: options.host ?? `127.0.0.1:${port}` };
    if (options.origin !== undefined) headers.origin = options.origin;
    if (options.body !== undefined) {
      headers['content-type'] = options.type ?? 'application/json';
      headers['content-length'] = String(Buffer.byteLength(options.body));
    }
    const req = http.request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('ConsentServer', () => {
  const token = newPageToken();
  const actions: { name: string; body: unknown }[] = [];
  let server: ConsentServer;
  let dir: string;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tandem-page-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>page</title>');
    writeFileSync(join(dir, 'app.js'), 'export {};');
    server = await ConsentServer.start({
      token,
      files: { 'index.html': join(dir, 'index.html'), 'app.js': join(dir, 'app.js') },
      snapshot: () => [{ event: 'state', data: { status: 'consent' } }],
      action: (name, body) => {
        if (name === 'refuse') throw new TandemError('TANDEM_ERR_PROTOCOL', 'not now');
        actions.push({ name, body });
        return { ok: true };
      },
    });
    port = server.port;
  });

  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has a 256-bit token in its loopback URL', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(server.url).toBe(`http://127.0.0.1:${port}/${token}/`);
  });

  it('serves the page with the right token and Host (127.0.0.1 or localhost)', async () => {
    const a = await request(port, { path: `/${token}/` });
    expect(a.status).toBe(200);
    expect(a.body).toContain('<title>page</title>');
    expect(a.headers['content-security-policy']).toContain("default-src 'none'");
    expect(a.headers['referrer-policy']).toBe('no-referrer');
    expect((await request(port, { path: `/${token}/app.js`, host: `localhost:${port}` })).status).toBe(200);
  });

  it('answers 404 without the right token', async () => {
    for (const path of ['/', '/index.html', `/${token.slice(1)}/`, `/${token}x/`, `/x${token}/app.js`, `/${token.toUpperCase()}/`]) {
      if (path === `/${token.toUpperCase()}/` && token.toUpperCase() === token) continue;
      const a = await request(port, { path });
      expect(a.status, path).toBe(404);
      expect(a.body).not.toContain('<title>');
    }
  });

  it('refuses a wrong Host header with 403, even with the right token', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, '127.0.0.1', `localhost.evil.example:${port}`, `[::1]:${port}`]) {
      const a = await request(port, { path: `/${token}/`, host });
      expect(a.status, host).toBe(403);
    }
  });

  it('runs an action with the exact Origin and a JSON body', async () => {
    const a = await request(port, { method: 'POST', path: `/${token}/api/accept`, origin: `http://127.0.0.1:${port}`, body: '{"x":1}' });
    expect(a.status).toBe(200);
    expect(JSON.parse(a.body)).toEqual({ ok: true });
    expect(actions.at(-1)).toEqual({ name: 'accept', body: { x: 1 } });
  });

  it('refuses POSTs with a wrong or missing Origin, a wrong type or a wrong token, and runs nothing', async () => {
    const before = actions.length;
    const base = { method: 'POST', path: `/${token}/api/accept`, body: '{}' };
    const cases: [Parameters<typeof request>[1], number][] = [
      [{ ...base }, 403],
      [{ ...base, origin: 'http://evil.example' }, 403],
      [{ ...base, origin: `http://localhost:${port}` }, 403],
      [{ ...base, origin: `https://127.0.0.1:${port}` }, 403],
      [{ ...base, origin: 'null' }, 403],
      [{ ...base, origin: `http://127.0.0.1:${port}`, type: 'text/plain' }, 415],
      [{ ...base, origin: `http://127.0.0.1:${port}`, path: '/api/accept' }, 404],
      [{ ...base, origin: `http://127.0.0.1:${port}`, host: `evil.example:${port}` }, 403],
    ];
    for (const [options, status] of cases) {
      const a = await request(port, options);
      expect(a.status, JSON.stringify(options)).toBe(status);
    }
    expect(actions.length).toBe(before);
  });

  it('accepts Origin localhost when the page was opened as localhost', async () => {
    const a = await request(port, { method: 'POST', path: `/${token}/api/chat`, host: `localhost:${port}`, origin: `http://localhost:${port}`, body: '{"text":"hi"}' });
    expect(a.status).toBe(200);
  });

  it('reports action errors with their code and status, and bad JSON as 400', async () => {
    const origin = `http://127.0.0.1:${port}`;
    const a = await request(port, { method: 'POST', path: `/${token}/api/refuse`, origin, body: '{}' });
    expect(a.status).toBe(400);
    expect(JSON.parse(a.body)).toMatchObject({ code: 'TANDEM_ERR_PROTOCOL' });
    expect((await request(port, { method: 'POST', path: `/${token}/api/accept`, origin, body: '{' })).status).toBe(400);
    expect((await request(port, { method: 'PUT', path: `/${token}/api/accept`, origin, body: '{}' })).status).toBe(405);
  });

  it('streams the snapshot and broadcasts as Server-Sent Events, token-checked', async () => {
    expect((await request(port, { path: '/wrong/events' })).status).toBe(404);
    expect((await request(port, { path: `/${token}/events`, host: 'evil.example' })).status).toBe(403);
    const received = await new Promise<string>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: `/${token}/events`, agent: false }, (res) => {
        expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString('utf8');
          if (text.includes('"status":"consent"') && !text.includes('event: chat')) server.broadcast({ event: 'chat', data: { from: 'peer', text: 'hello' } });
          if (text.includes('"hello"')) {
            req.destroy();
            resolve(text);
          }
        });
      });
      req.on('error', reject);
    });
    expect(received).toContain('event: state\ndata: {"status":"consent"}\n\n');
    expect(received).toContain('event: chat\ndata: {"from":"peer","text":"hello"}\n\n');
  });
});
