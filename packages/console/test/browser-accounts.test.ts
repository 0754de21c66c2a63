/**
 * Accounts in the console, in Chromium against a real relay process: an
 * open console of an account disabled, deleted or reset with `tandem-relay
 * user …` (another process, the same database) is signed out within
 * seconds; the Users page's lifecycle buttons; a technician's own password
 * and sign-ins. With TANDEM_SCREENSHOTS set, the Users and My account pages
 * are saved in English and Japanese.
 */
import { join } from 'node:path';
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, auditEvents, createAdmin, launchChromium, login, runCli, RelayFixture } from '@tandem/test-kit';

const SHOTS_DIR = process.env.TANDEM_SCREENSHOTS;
/** Longer than the console's sign-in check (3 s) with room for a slow machine. */
const SIGNED_OUT_WITHIN_MS = 15_000;

describe('accounts in the console', () => {
  const relay = new RelayFixture();
  let browser: Browser;
  let adminToken: string;

  beforeAll(async () => {
    await relay.start();
    adminToken = (await createAdmin(relay)).token;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await relay.stop();
  });

  /** A fresh browser context signed in to the console as `username`. */
  async function signedIn(username: string, password = PASSWORD): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(relay.consoleUrl);
    await page.locator('[data-testid=lang-en]').click();
    await page.fill('#username', username);
    await page.fill('#password', password);
    await page.click('[data-testid=signin]');
    await page.locator('[data-testid=whoami]').waitFor({ timeout: 15_000 });
    return page;
  }

  async function shoot(page: Page, name: string): Promise<void> {
    if (!SHOTS_DIR) return;
    await page.screenshot({ path: join(SHOTS_DIR, `${name}-en.png`), fullPage: true });
    await page.locator('[data-testid=lang-ja]').click();
    await page.screenshot({ path: join(SHOTS_DIR, `${name}-ja.png`), fullPage: true });
    await page.locator('[data-testid=lang-en]').click();
  }

  const signedOut = (page: Page) => page.locator('#username').waitFor({ timeout: SIGNED_OUT_WITHIN_MS });

  it('signs out the open console of an account disabled, reset or deleted with the CLI', async () => {
    for (const name of ['dora', 'rita', 'dave']) await relay.addUser(name);
    const pages = await Promise.all(['dora', 'rita', 'dave'].map((name) => signedIn(name)));
    const [dora, rita, dave] = pages as [Page, Page, Page];
    for (const [action, page, name] of [['disable', dora, 'dora'], ['reset', rita, 'rita'], ['delete', dave, 'dave']] as const) {
      const result = await runCli(['user', action, name, '--data', relay.dataDir]);
      expect(result.code, result.stderr).toBe(0);
      await signedOut(page);
      expect(await page.locator('[data-testid=whoami]').count()).toBe(0);
    }
    // Signed out for good: a reload does not bring the sign-in back.
    await dora.reload();
    await signedOut(dora);
    for (const page of pages) await page.context().close();
  });

  it('disables, enables, resets and deletes from the Users page', async () => {
    await relay.addUser('uma', 'technician', PASSWORD, ['--display-name', 'Uma Umeda', '--team', 'Tokyo']);
    await relay.addUser('ben');
    const uma = await signedIn('uma');
    await login(relay, 'ben');
    const admin = await signedIn('admin');
    await admin.goto(`${relay.consoleUrl}#/admin/users`);
    const status = admin.locator('[data-testid=status-uma]');
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe('Active');
    await shoot(admin, 'users');

    await admin.click('[data-testid=disable-uma]');
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe('Disabled');
    await signedOut(uma);
    await admin.click('[data-testid=enable-uma]');
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe('Active');
    await login(relay, 'uma');

    await admin.click('[data-testid=reset-ben]');
    await admin.click('[data-testid=confirm-reset-ben]');
    await expect.poll(() => admin.locator('[data-testid=setup-link]').textContent(), { timeout: 15_000 }).toMatch(/\/#\/setup\/[A-Za-z0-9_-]{43}$/);
    await shoot(admin, 'users-reset');
    await admin.click('[data-testid=delete-ben]');
    await admin.click('[data-testid=confirm-delete-ben]');
    await expect.poll(() => admin.locator('tr[data-username=ben]').count(), { timeout: 15_000 }).toBe(0);
    // The administrator's own row has no buttons that would lock them out.
    expect(await admin.locator('[data-testid=disable-admin], [data-testid=delete-admin]').count()).toBe(0);

    const kinds = (await auditEvents(relay, adminToken)).filter((e) => e.detail.startsWith('by=admin')).map((e) => `${e.kind} ${e.username ?? ''}`);
    expect(kinds).toEqual(expect.arrayContaining(['user-disabled uma', 'user-enabled uma', 'user-reset ben', 'user-deleted ben']));
    await uma.context().close();
    await admin.context().close();
  });

  it('lets a technician change the password and see the sign-ins on My account', async () => {
    await relay.addUser('tom');
    await login(relay, 'tom');
    const tom = await signedIn('tom');
    await tom.click('[data-testid=nav-account]');
    await expect.poll(() => tom.locator('[data-testid=signins-table] tbody tr').count(), { timeout: 15_000 }).toBe(2);
    await shoot(tom, 'account');
    await tom.fill('#current-password', 'not the password');
    await tom.fill('#new-password', 'a new good password');
    await tom.fill('#new-password-again', 'a new good password');
    await tom.click('[data-testid=change-password]');
    await expect.poll(() => tom.locator('[data-testid=password-result]').textContent(), { timeout: 15_000 }).toMatch(/password/i);
    expect(await tom.locator('[data-testid=password-result].error').count()).toBe(1);
    await tom.fill('#current-password', PASSWORD);
    await tom.click('[data-testid=change-password]');
    await expect.poll(() => tom.locator('[data-testid=password-result]').textContent(), { timeout: 15_000 }).toBe('Your password is changed.');
    // The other sign-in went; this one stays.
    await expect.poll(() => tom.locator('[data-testid=signins-table] tbody tr').count(), { timeout: 15_000 }).toBe(1);
    await login(relay, 'tom', 'a new good password');
    await tom.context().close();
  });

  it('sets up an authenticator app on My account, shows the recovery codes once, then asks for a code at sign-in', async () => {
    await relay.addUser('alma');
    const alma = await signedIn('alma');
    await alma.click('[data-testid=nav-account]');
    await alma.click('[data-testid=totp-start]');
    await alma.locator('[data-testid=totp-qr]').waitFor({ timeout: 15_000 });
    // The QR code is an image that really loaded (an SVG data URL the CSP allows).
    expect(await alma.locator('[data-testid=totp-qr]').evaluate((img: HTMLImageElement) => img.naturalWidth > 0)).toBe(true);
    await shoot(alma, 'totp-enrol');
    const secret = (await alma.locator('[data-testid=totp-secret]').textContent()) ?? '';
    await alma.fill('#totp-code', await generate({ secret }));
    await alma.click('[data-testid=totp-confirm]');
    await expect.poll(() => alma.locator('[data-testid=recovery-codes] li').count(), { timeout: 15_000 }).toBe(10);
    await shoot(alma, 'totp-recovery');
    const recovery = (await alma.locator('[data-testid=recovery-codes] li').first().textContent()) ?? '';
    await alma.click('[data-testid=signout]');

    // Sign in again: the password, then the code field appears; a recovery code works once.
    await alma.fill('#username', 'alma');
    await alma.fill('#password', PASSWORD);
    await alma.click('[data-testid=signin]');
    await alma.locator('#totp').waitFor({ timeout: 15_000 });
    await shoot(alma, 'signin-code');
    await alma.fill('#totp', recovery);
    await alma.click('[data-testid=signin]');
    await alma.locator('[data-testid=whoami]').waitFor({ timeout: 15_000 });
    await alma.context().close();
  });
});
