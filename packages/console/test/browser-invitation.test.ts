/**
 * Invitations in a real browser: the customer runs `tandem invite` (password
 * protected, consent on stdin); the technician opens the printed link in the
 * console (signed in, and signed out: sign-in first, then back to it), sees
 * who it is from, connects with a wrong password (translated refusal) and
 * then the right one; the customer accepts; chat works both ways. Also the
 * file picker, a drop on the page, and an invitation for another relay.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvitation, encodeInvitation } from '@tandem/protocol';
import { launchChromium, RelayFixture, type Proc } from '@tandem/test-kit';

describe('opening an invitation in the console', () => {
  const relay = new RelayFixture();
  let browser: Browser;
  let agent: Proc;
  let link: string;
  let invitationFile: string;
  const techPassword = 'console-pass-654321';
  const invitationPassword = 'blue-heron-42';

  beforeAll(async () => {
    await relay.start();
    await relay.addUser('sato', 'technician', techPassword, ['--display-name', 'Sato Aoi']);
    browser = await launchChromium();
    const pwFile = relay.file('invitation.pw', `${invitationPassword}\n`);
    agent = relay.agent([
      'invite',
      '--relay', relay.url,
      '--expires', '1h',
      '--password-file', pwFile,
      '--name', 'Kim Abercrombie',
      '--out', `${relay.dir}/help.tandem`,
      '--no-browser',
    ]);
    invitationFile = (await agent.waitFor(/^invitation: (\S+)$/))[1]!;
    link = (await agent.waitFor(/^link: (\S+)$/))[1]!;
    await agent.waitFor(/^id: [0-9a-f]{12}$/);
    await agent.waitFor(/^event: holding /);
  });
  afterAll(async () => {
    await browser?.close();
    await relay.stop();
  });

  async function signIn(page: Page): Promise<void> {
    await page.locator('[data-testid=lang-en]').click();
    await page.fill('#username', 'sato');
    await page.fill('#password', techPassword);
    await page.click('[data-testid=signin]');
    await page.locator('[data-testid=new-session]').waitFor();
  }

  const summary = (page: Page) => page.locator('[data-testid=invitation-summary]');

  it('opens a link while signed out: sign in first, then the invitation, its data gone from the address bar', async () => {
    expect(link.startsWith(`${relay.url}/#/invitation/`)).toBe(true);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(link);
    await page.locator('#username').waitFor();
    expect(await page.evaluate(() => location.hash)).toBe('#/signin');
    await signIn(page);
    await summary(page).waitFor();
    expect(await page.evaluate(() => location.hash)).toBe('#/');
    expect(await summary(page).getAttribute('data-expired')).toBe('false');
    expect(await summary(page).locator('[data-field=customer]').textContent()).toBe('Kim Abercrombie');
    expect(await summary(page).locator('[data-field=password-protected]').getAttribute('data-value')).toBe('yes');
    expect(await summary(page).locator('[data-field=relays]').textContent()).toContain(relay.url);
    expect(await summary(page).textContent()).toMatch(/customer's computer decides/);
    await page.locator('#invitation-password').waitFor();
    await context.close();
  });

  it('reads the file from the picker and from a drop, and refuses an invitation for another relay', async () => {
    const page = await browser.newPage();
    await page.goto(`${relay.url}/#/signin`);
    await signIn(page);
    await page.click('[data-testid=open-invitation]');
    await page.locator('[data-testid=invitation-drop]').waitFor();
    await page.setInputFiles('#invitation-file', invitationFile);
    expect(await summary(page).locator('[data-field=customer]').textContent()).toBe('Kim Abercrombie');

    await page.click('[data-testid=invitation-another]');
    const text = readFileSync(invitationFile, 'utf8');
    const dropped = await page.evaluateHandle((content) => {
      const data = new DataTransfer();
      data.items.add(new File([content], 'help.tandem', { type: 'application/vnd.tandem.invitation' }));
      return data;
    }, text);
    await page.dispatchEvent('main', 'dragover', { dataTransfer: dropped });
    await page.dispatchEvent('main', 'drop', { dataTransfer: dropped });
    expect(await summary(page).locator('[data-field=customer]').textContent()).toBe('Kim Abercrombie');

    await page.click('[data-testid=invitation-another]');
    const elsewhere = createInvitation({ customerName: 'Other Customer', relays: [{ url: 'https://relay.elsewhere.example' }], lifetimeSeconds: 60, passwordProtected: false, now: Date.now() - 86_400_000 });
    await page.fill('#invitation-text', encodeInvitation(elsewhere));
    await page.click('[data-testid=invitation-read]');
    expect(await summary(page).getAttribute('data-expired')).toBe('true');
    expect(await page.locator('[data-testid=invitation-relay-mismatch]').textContent()).toContain('https://relay.elsewhere.example');
    expect(await page.locator('[data-testid=invitation-connect]').isDisabled()).toBe(true);

    await page.click('[data-testid=invitation-another]');
    await page.fill('#invitation-text', encodeInvitation(elsewhere).replace('Lifetime: 60', 'Lifetime: 61'));
    await page.click('[data-testid=invitation-read]');
    expect(await page.locator('[data-testid=invitation-error]').textContent()).toMatch(/damaged, incomplete or was edited/);
    await page.close();
  });

  it('refuses a wrong password with a translated message, then connects with the right one: consent, chat both ways', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${relay.url}/#/signin`);
    await signIn(page);
    await page.goto(link);
    await summary(page).waitFor();

    await page.fill('#invitation-password', 'not-the-password');
    await page.click('[data-testid=invitation-connect]');
    await expect.poll(() => page.locator('[data-testid=invitation-error]').textContent(), { timeout: 20_000 }).toMatch(/wrong password, or the invitation was edited/i);
    await agent.waitFor(/^event: wrong-password 1$/);

    await page.fill('#invitation-password', invitationPassword);
    await page.selectOption('#invitation-mode', 'chat');
    await page.fill('#invitation-case-number', 'INV-7');
    await page.click('[data-testid=invitation-connect]');
    // The customer sees who the technician is, as the relay vouches, before answering.
    await agent.waitFor(/Sato Aoi/, 20_000, 'any');
    agent.send('y');
    await expect.poll(() => page.locator('[data-testid=session-status]').getAttribute('data-state'), { timeout: 20_000 }).toBe('active');
    const techSas = (await page.locator('[data-testid=sas]').textContent())?.replace(/\D/g, '');
    const agentSas = (await agent.waitFor(/^event: sas ([0-9]{3} [0-9]{3})$/))[1]!.replace(/\D/g, '');
    expect(techSas).toBe(agentSas);

    await page.fill('[data-testid=chat-input]', 'Hello, I got your invitation');
    await page.click('[data-testid=chat-send]');
    await agent.waitFor(/^chat: Hello, I got your invitation$/);
    agent.send('ありがとうございます');
    await expect.poll(() => page.locator('[data-testid=chat-log] [data-from=peer]').allTextContents()).toContainEqual(expect.stringContaining('ありがとうございます'));

    await page.click('[data-testid=end-session]');
    await expect.poll(() => page.locator('[data-testid=session-status]').getAttribute('data-state'), { timeout: 15_000 }).toBe('ended');
    expect(await agent.exitCode()).toBe(0);
  });
});
