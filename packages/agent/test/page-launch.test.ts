/**
 * The consent page of a real `tandem join` against another local user
 * (issue 7, item 9). The agent opens its page with a `$BROWSER` that becomes
 * Debian's Chromium (recording-browser.ts), so the link is in that process's
 * command line, which every local user can read in /proc/PID/cmdline. The
 * test plays that user: it reads the link there and tries it, and sends
 * requests with a forged Origin header from outside any browser (as curl
 * would), by the page's paths and by the old token-in-path form. The link is
 * one-time: the browser's first use gets an HttpOnly cookie that every
 * request needs; all the attacker's requests are refused and the agent says
 * so on stderr and on the page, while the real browser goes on working. On
 * Linux a program of another user is refused outright, even when it uses the
 * link before the browser (run as root, the test plays that user as nobody).
 */

/** Runs `code` with Node as the user nobody (65534); resolves with its stdout. */
function asNobody(code: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', code], { uid: 65534, gid: 65534, cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (status) => (status === 0 ? resolve(out.trim()) : reject(new Error(`the nobody process exited with ${status}: ${err}`))));
  });
}
import { spawn } from 'node:child_process';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingBrowser, RelayFixture, type Proc } from '@tandem/test-kit';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One raw request from outside any browser: any path, Origin and Cookie the attacker likes. */
function raw(base: string, options: { method?: string; path: string; origin?: string; cookie?: string; body?: unknown }): Promise<Answer> {
  const u = new URL(base);
  const headers: Record<string, string> = {};
  if (options.origin !== undefined) headers.origin = options.origin;
  if (options.cookie !== undefined) headers.cookie = options.cookie;
  const text = options.body === undefined ? undefined : JSON.stringify(options.body);
  if (text !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(text));
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method: options.method ?? 'GET', path: options.path, headers, agent: false }, (res) => {
      if ((res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
        // An event stream never ends: that it opened is the answer.
        res.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(text);
  });
}

/** The secret of a page link: its last path segment (`/launch/TOKEN` now, `/TOKEN/` before). */
const secretOf = (url: string): string => new URL(url).pathname.split('/').filter((s) => s !== '').at(-1) ?? '';

const ACCEPT = { name: 'Attacker', customerNumber: '', caseNumber: '', mode: 'control', eventLog: false };

describe('tandem join: the consent page against another local user', () => {
  const relay = new RelayFixture();
  const browsers: RecordingBrowser[] = [];
  let techPw = '';

  beforeAll(async () => {
    await relay.start();
    techPw = await relay.addUser('kato', 'technician', undefined, ['--display-name', 'Kato Mai']);
  });
  afterAll(async () => {
    try {
      for (const b of browsers) await b.close();
    } finally {
      await relay.stop();
    }
  });

  /** A technician asking for `control`, and `tandem join` opening its page with a recording browser. */
  async function join(hold: boolean): Promise<{ tech: Proc; agent: Proc; launch: string; browser: RecordingBrowser }> {
    const tech = relay.tech('kato', techPw, ['--mode', 'control']);
    const code = (await tech.waitFor(/^code: (\d{8})$/))[1]!;
    const browser = new RecordingBrowser({ hold });
    browsers.push(browser);
    const agent = relay.agent(['join', code, '--relay', relay.url, '--name', 'Mori Aoi'], { BROWSER: browser.command });
    const launch = (await agent.waitFor(/^page: (http:\/\/127\.0\.0\.1:\d+\/\S+)$/))[1]!;
    return { tech, agent, launch, browser };
  }

  describe('after the browser used the link', () => {
    let session: Awaited<ReturnType<typeof join>>;
    let origin = '';

    beforeAll(async () => {
      session = await join(false);
      origin = new URL(session.launch).origin;
    });

    it('the link is in the browser command line, but the browser has spent it: a second use is refused, and the agent says so', async () => {
      const { agent, launch, browser } = session;
      // What any local user sees of the process the agent started.
      const seen = (await browser.cmdline()).find((arg) => arg.startsWith('http://127.0.0.1:'));
      expect(seen).toBe(launch);
      const page = await browser.page();
      await expect.poll(() => page.locator('[data-testid=technician]').textContent(), { timeout: 20_000 }).toContain('Kato Mai');

      const stolen = await raw(launch, { path: new URL(launch).pathname });
      expect(stolen.status).toBe(403);
      expect(stolen.headers['set-cookie']).toBeUndefined();
      expect(stolen.body).toContain('already used');
      await agent.waitFor(/^warning: .*link was used again/, 10_000, 'err');
      await expect.poll(() => page.locator('[data-testid=page-warning]').isVisible(), { timeout: 10_000 }).toBe(true);
      expect(await page.locator('[data-testid=page-warning]').textContent()).toMatch(/used a second time/);
    });

    it('refuses every request without the page cookie: forged-Origin POSTs by the page paths and the old token-in-path URL, the stream, the files', async () => {
      const { tech, launch } = session;
      const secret = secretOf(launch);
      const cookie = `tandem-page-${new URL(launch).port}=${secret}`;
      const attempts: [string, { method: string; path: string; origin?: string; cookie?: string; body?: unknown }][] = [
        ['accept, old token-in-path URL', { method: 'POST', path: `/${secret}/api/accept`, origin, body: ACCEPT }],
        ['accept, page path', { method: 'POST', path: '/api/accept', origin, body: ACCEPT }],
        ['accept, under the link', { method: 'POST', path: `${new URL(launch).pathname}/api/accept`.replace('//', '/'), origin, body: ACCEPT }],
        ['accept, the link secret as cookie', { method: 'POST', path: '/api/accept', origin, cookie, body: ACCEPT }],
        ['chat, page path', { method: 'POST', path: '/api/chat', origin, body: { text: 'injected' } }],
        ['events, page path', { method: 'GET', path: '/events' }],
        ['events, old token-in-path URL', { method: 'GET', path: `/${secret}/events` }],
        ['page, page path', { method: 'GET', path: '/' }],
        ['page, old token-in-path URL', { method: 'GET', path: `/${secret}/` }],
        ['script, page path', { method: 'GET', path: '/app.js' }],
      ];
      const results: string[] = [];
      for (const [label, attempt] of attempts) results.push(`${label}: ${(await raw(launch, attempt)).status}`);
      expect(results).toEqual(attempts.map(([label]) => `${label}: 403`));
      expect(tech.count(/^event: accepted/)).toBe(0);
    });

    it('the real browser keeps working: it accepts, chats and ends the session', async () => {
      const { tech, agent, browser } = session;
      const page = await browser.page();
      await page.locator('[data-testid=lang-en]').click();
      await page.check('[data-testid=grant-view] input');
      await page.click('[data-testid=accept]');
      await tech.waitFor(/^event: accepted view$/);
      tech.send('hello from Kato');
      await expect.poll(() => page.locator('[data-testid=chat-log]').textContent(), { timeout: 10_000 }).toContain('hello from Kato');
      await page.click('[data-testid=end-session]');
      // The page asks before it ends the session.
      await page.click('[data-testid=end-confirm]');
      await tech.waitFor(/^event: ended customer-ended$/);
      expect(await agent.exitCode()).toBe(0);
    });
  });

  // Only root can start a process as another user (npm test runs as root: it installs what the tests need); as any other user it says so and skips.
  it("another user's program that takes the link from the browser's command line first gets nothing, and the browser still opens the page", async (ctx) => {
    if (process.getuid?.() !== 0) {
      const why = 'SKIPPED: needs root to start a process as the user nobody; run the tests as root (npm test does)';
      console.warn(why);
      ctx.skip(why);
    }
    const { tech, agent, launch, browser } = await join(true);
    const pid = await browser.pid();
    // The attacker, as the user nobody: reads the link where any user can, and uses it before the browser starts.
    const seen = await asNobody(`
      const http = require('node:http');
      const url = require('node:fs').readFileSync('/proc/${pid}/cmdline', 'utf8').split('\\0').find((a) => a.startsWith('http://127.0.0.1:'));
      http.get(url, (res) => { console.log(url + ' ' + res.statusCode + ' ' + (res.headers['set-cookie'] ? 'cookie' : 'no-cookie')); res.resume(); });
    `);
    expect(seen).toBe(`${launch} 403 no-cookie`);
    await agent.waitFor(/^warning: a program of another user of this computer tried to reach the local page/, 10_000, 'err');
    browser.release();
    const page = await browser.page();
    await expect.poll(() => page.locator('[data-testid=technician]').textContent(), { timeout: 20_000 }).toContain('Kato Mai');
    expect(await page.locator('[data-testid=launch-refused]').count()).toBe(0);
    await page.click('[data-testid=refuse]');
    await tech.waitFor(/^event: refused$/);
  });

  it('when another program uses the link before the browser, the browser says the link was already used and the agent warns', async () => {
    const { agent, launch, browser } = await join(true);
    const seen = (await browser.cmdline()).find((arg) => arg.startsWith('http://127.0.0.1:'));
    expect(seen).toBe(launch);
    // The attacker wins the race (the script holds the browser back until now).
    const first = await raw(launch, { path: new URL(launch).pathname });
    expect(first.status).toBeLessThan(400);
    browser.release();
    const page = await browser.page();
    await expect.poll(() => page.locator('[data-testid=launch-refused]').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.locator('[data-testid=launch-refused]').textContent()).toMatch(/already used/);
    await agent.waitFor(/^warning: .*link was used again/, 10_000, 'err');
  });
});
