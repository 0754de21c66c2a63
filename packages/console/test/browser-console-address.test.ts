/**
 * The console's address, in Chromium on a real relay: the console is at
 * `/console/` (the customer's support page has `/`), signing in works there
 * and its routes stay there; and links to the old address keep working: a
 * set-up link as the relay prints it (`ORIGIN/#/setup/TOKEN`, README) and an
 * invitation link as the agent prints it (`ORIGIN/#/invitation/DATA`) reach
 * the console with their fragment, forwarded by the support page's script
 * (a fragment never reaches the server). The set-up link the API gives the
 * console points at `/console/` itself.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvitation, invitationLink } from '@tandem/protocol';
import { api, launchChromium, login, readSetupLink, RelayFixture } from '@tandem/test-kit';

describe('the console at /console/', () => {
  const relay = new RelayFixture();
  let browser: Browser;
  const techPassword = 'console-address-123456';
  const adminPassword = 'console-address-admin-1';

  beforeAll(async () => {
    await relay.start();
    await relay.addUser('sato', 'technician', techPassword, ['--display-name', 'Sato Aoi']);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await relay.stop();
  });

  async function signIn(page: Page, user: string, password: string): Promise<void> {
    await page.locator('[data-testid=lang-en]').click();
    await page.fill('#username', user);
    await page.fill('#password', password);
    await page.click('[data-testid=signin]');
    await page.locator('[data-testid=new-session]').waitFor();
  }

  it('signs a technician in at /console/, and the console stays there', async () => {
    expect(relay.consoleUrl).toBe(`${relay.url}/console/`);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${relay.consoleUrl}#/signin`);
    await signIn(page, 'sato', techPassword);
    expect(new URL(page.url()).pathname).toBe('/console/');
    expect(await page.evaluate(() => location.hash)).toBe('#/');
    // The address without its slash goes to the same console.
    await page.goto(`${relay.url}/console`);
    await page.locator('[data-testid=new-session]').waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/');
    await context.close();
  });

  it('takes an old set-up link, as the relay prints it, to the console\'s set-up page with its token', async () => {
    const link = relay.setupLink ?? '';
    expect(link).toMatch(new RegExp(`^${relay.url}/#/setup/[A-Za-z0-9_-]{43}$`));
    const token = link.split('/#/setup/')[1] ?? '';
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(link);
    await page.waitForURL(`${relay.consoleUrl}#/setup/${token}`);
    await page.locator('[data-testid=lang-en]').click();
    await expect.poll(() => page.locator('[data-testid=setup-username]').textContent(), { timeout: 15_000 }).toBe('admin');
    await page.fill('#new-password', adminPassword);
    await page.fill('#new-password-again', adminPassword);
    await page.click('[data-testid=setup-submit]');
    await page.locator('#username').waitFor({ timeout: 15_000 });
    await signIn(page, 'admin', adminPassword);
    expect(new URL(page.url()).pathname).toBe('/console/');
    await context.close();
  });

  it('takes an old invitation link, as the agent prints it, to the console with the invitation', async () => {
    const invitation = createInvitation({ customerName: 'Kim Abercrombie', relays: [{ url: relay.url }], lifetimeSeconds: 3600, passwordProtected: true, now: Date.now() });
    const link = invitationLink(invitation, relay.url);
    expect(link.startsWith(`${relay.url}/#/invitation/`)).toBe(true);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${relay.consoleUrl}#/signin`);
    await signIn(page, 'sato', techPassword);
    await page.goto(link);
    const summary = page.locator('[data-testid=invitation-summary]');
    await summary.waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/');
    expect(await summary.locator('[data-field=customer]').textContent()).toBe('Kim Abercrombie');
    expect(await summary.locator('[data-field=password-protected]').getAttribute('data-value')).toBe('yes');
    await context.close();
  });

  it('opens the set-up link the API gives the console (at /console/) straight on the set-up page', async () => {
    const admin = await login(relay, 'admin', adminPassword);
    const created = await api(relay, 'POST', '/api/users', { token: admin, body: { username: 'tanaka', role: 'technician' } });
    const link = readSetupLink(created);
    expect(link).toMatch(new RegExp(`^${relay.consoleUrl}#/setup/[A-Za-z0-9_-]{43}$`));
    const context = await browser.newContext();
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    await page.goto(link);
    await page.locator('[data-testid=lang-en]').click();
    await expect.poll(() => page.locator('[data-testid=setup-username]').textContent(), { timeout: 15_000 }).toBe('tanaka');
    // No detour: the support page was never loaded.
    expect(requests.filter((p) => p === '/' || p.startsWith('/support/'))).toEqual([]);
    await context.close();
  });
});
