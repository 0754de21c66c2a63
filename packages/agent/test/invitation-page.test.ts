/**
 * The local page of `tandem invite` in Chromium (issue 4, point 2): served
 * from the start with the open invitations (this one and others, read from
 * the store), "Expire now" with the same effect as `tandem expire ID`, the
 * Origin check on that POST, and the switch to the consent view on the same
 * page once a technician passes the handshake. Real relay and agent
 * processes; Debian's Chromium driven by playwright-core. With
 * TANDEM_SCREENSHOTS=DIR the page is also saved as PNG in English and Japanese.
 */
import http from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentHome, invite, launchChromium, RelayFixture, techInvitation, type Proc } from '@tandem/test-kit';

/** A POST with any Origin and Cookie header (fetch would not let the test choose them). */
function post(url: string, origin: string, cookie: string, body: unknown): Promise<number> {
  const u = new URL(url);
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, method: 'POST', path: u.pathname, agent: false, headers: { origin, cookie, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

describe('tandem invite: the local page with the open invitations', () => {
  const relay = new RelayFixture();
  const home = new AgentHome();
  let browser: Browser;
  let techPw = '';
  let n = 0;

  beforeAll(async () => {
    await relay.start();
    techPw = await relay.addUser('tanaka', 'technician', undefined, ['--display-name', 'Tanaka Ichiro']);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await relay.stop();
    home.remove();
  });

  /** `tandem invite` with the page (BROWSER=true opens nothing; the test opens the page). */
  async function withPage(name: string): Promise<{ agent: Proc; file: string; id: string; url: string }> {
    const out = join(home.dir, `page-${++n}.tandem`);
    const agent = relay.agent(['invite', '--relay', relay.url, '--expires', '1h', '--name', name, '--out', out], home.env({ BROWSER: 'true' }));
    const file = (await agent.waitFor(/^invitation: (.+)$/))[1]!;
    const id = (await agent.waitFor(/^id: ([0-9a-f]{12})$/))[1]!;
    const url = (await agent.waitFor(/^page: (http:\/\/127\.0\.0\.1:\d+\/\S+)$/))[1]!;
    return { agent, file, id, url };
  }

  async function withoutPage(name: string): Promise<{ agent: Proc; file: string; id: string }> {
    const out = join(home.dir, `plain-${++n}.tandem`);
    const agent = invite(relay, home, ['--relay', relay.url, '--expires', '1h', '--name', name, '--out', out]);
    const file = (await agent.waitFor(/^invitation: (.+)$/))[1]!;
    const id = (await agent.waitFor(/^id: ([0-9a-f]{12})$/))[1]!;
    await agent.waitFor(/^event: holding /);
    return { agent, file, id };
  }

  const row = (page: Page, id: string) => page.locator(`[data-testid=invitations] [data-invitation-id="${id}"]`);

  it('lists this and other open invitations; "Expire now" releases one at once while the other still works', async () => {
    const first = await withPage('Yamada Hanako');
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    await page.goto(first.url);
    await page.locator('[data-testid=lang-en]').click();
    await expect.poll(() => row(page, first.id).getAttribute('data-state'), { timeout: 15_000 }).toBe('held');
    const expires = row(page, first.id).locator('[data-field=expires]');
    await expect.poll(() => expires.textContent()).toMatch(/\(59 min \d+ s left\)$|\(1 h left\)$/);
    expect(await row(page, first.id).locator('[data-field=holder]').textContent()).toContain(relay.url);
    expect(await row(page, first.id).locator('[data-field=wrong]').textContent()).toBe('0 of 5');
    expect(await page.locator('[data-testid=status]').getAttribute('data-state')).toBe('invitation-holding');

    // Another invitation, made by another tandem invite: it shows once its record appears.
    const second = await withoutPage('Yamada Hanako (laptop)');
    await expect.poll(() => row(page, second.id).getAttribute('data-state'), { timeout: 10_000 }).toBe('held');
    expect(await page.locator('[data-testid=invitations] > li').count()).toBe(2);

    // The list in Japanese, on every run; the screenshots only when asked for.
    const shots = process.env.TANDEM_SCREENSHOTS;
    const shoot = async (name: string): Promise<void> => {
      if (shots !== undefined && shots !== '') await page.screenshot({ path: join(shots, name), fullPage: true });
    };
    await shoot('invitations-en.png');
    await page.locator('[data-testid=lang-ja]').click();
    await expect.poll(() => row(page, first.id).locator('[data-testid=expire-invitation]').textContent()).toBe('今すぐ期限切れにする');
    await shoot('invitations-ja.png');
    await page.locator('[data-testid=lang-en]').click();
    await expect.poll(() => row(page, first.id).locator('[data-testid=expire-invitation]').textContent()).not.toBe('今すぐ期限切れにする');

    // The expire POST needs the page's own Origin, even with the page's cookie (the browser's, taken from it here).
    const api = new URL('/api/expire-invitation', first.url).href;
    const cookie = (await page.context().cookies(first.url)).map((c) => `${c.name}=${c.value}`).join('; ');
    expect(cookie).toMatch(/^tandem-page-\d+=/);
    expect(await post(api, 'http://evil.example', cookie, { id: first.id })).toBe(403);
    expect(await post(api, `http://127.0.0.1:${new URL(first.url).port}`.replace('127.0.0.1', 'localhost'), cookie, { id: first.id })).toBe(403);
    expect(await row(page, first.id).getAttribute('data-state')).toBe('held');

    await row(page, first.id).locator('[data-testid=expire-invitation]').click();
    await expect.poll(() => row(page, first.id).getAttribute('data-state'), { timeout: 5000 }).toBe('expired');
    await expect.poll(() => page.locator('[data-testid=status]').getAttribute('data-state'), { timeout: 5000 }).toBe('invitation-expired');
    expect(await page.locator('[data-testid=status]').textContent()).toContain('every copy of it now fails');
    expect(await row(page, second.id).getAttribute('data-state')).toBe('held');
    await first.agent.waitFor(/^event: invitation-expired$/, 5000);
    expect(await first.agent.exitCode(10_000)).toBe(0);

    const onFirst = techInvitation(relay, first.file, 'tanaka', techPw);
    await onFirst.waitFor(/^error: TANDEM_ERR_INVITATION_EXPIRED /, 20_000, 'err');
    expect(await onFirst.exitCode()).toBe(1);

    const onSecond = techInvitation(relay, second.file, 'tanaka', techPw);
    await second.agent.waitFor(/Allow Tanaka Ichiro to chat with you\? \[y\/n\]/, 20_000, 'err');
    second.agent.send('y');
    await onSecond.waitFor(/^event: accepted chat$/);
    onSecond.send('hello on the second invitation');
    await second.agent.waitFor(/^chat: hello on the second invitation$/);
    onSecond.endInput();
    expect(await onSecond.exitCode()).toBe(0);
    expect(await second.agent.exitCode()).toBe(0);
    await page.close();
  });

  it('switches the same page to the consent view once a technician passes the handshake, then says the session ended', async () => {
    const inv = await withPage('Suzuki Taro');
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    await page.goto(inv.url);
    await page.locator('[data-testid=lang-en]').click();
    await expect.poll(() => row(page, inv.id).getAttribute('data-state'), { timeout: 15_000 }).toBe('held');

    const tech = techInvitation(relay, inv.file, 'tanaka', techPw);
    await expect.poll(() => page.locator('[data-testid=technician]').textContent(), { timeout: 20_000 }).toContain('Tanaka Ichiro');
    expect(await page.locator('#invitations').isHidden()).toBe(true);
    // The form is filled as the consent view renders, which may come a moment after the technician's name.
    await expect.poll(() => page.locator('#customer-name').inputValue()).toBe('Suzuki Taro');
    const shots = process.env.TANDEM_SCREENSHOTS;
    if (shots !== undefined && shots !== '') await page.screenshot({ path: join(shots, 'invitation-consent-en.png'), fullPage: true });
    await page.click('[data-testid=accept]');
    await tech.waitFor(/^event: accepted chat$/);
    tech.send('hello from the page test');
    await expect.poll(() => page.locator('[data-testid=chat-log]').textContent()).toContain('hello from the page test');
    tech.endInput();
    expect(await tech.exitCode()).toBe(0);
    await expect.poll(() => page.locator('[data-testid=status]').getAttribute('data-state'), { timeout: 10_000 }).toBe('ended');
    expect(await inv.agent.exitCode()).toBe(0);
    await page.close();
  });
});
