/**
 * The whole product in a real browser: a technician signs in to the console
 * served by the relay and creates a code; the agent joins; the customer
 * accepts on the agent's local consent page; chat appears on both pages; the
 * customer ends the session. Chromium is Debian's, driven by playwright-core.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, RelayFixture } from '@tandem/test-kit';

describe('console and consent page in Chromium', () => {
  const relay = new RelayFixture();
  let browser: Browser;
  const password = 'console-pass-123456';

  beforeAll(async () => {
    await relay.start();
    await relay.addUser('ito', 'technician', password, ['--display-name', 'Ito Kenji', '--team', 'Desk 2']);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await relay.stop();
  });

  async function signIn(page: Page): Promise<void> {
    await page.goto(`${relay.url}/#/signin`);
    await page.locator('[data-testid=lang-en]').click();
    await page.fill('#username', 'ito');
    await page.fill('#password', password);
    await page.click('[data-testid=signin]');
    await page.locator('[data-testid=new-session]').waitFor();
  }

  it('runs a session from sign-in to the customer ending it', async () => {
    const techPage = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(techPage);
    await techPage.fill('#case-number', 'CASE-9');
    await techPage.click('[data-testid=new-session]');
    // The code panel may show before the relay has allocated the code: wait for the digits.
    await expect.poll(async () => ((await techPage.locator('[data-testid=code]').textContent()) ?? '').replace(/\D/g, ''), { timeout: 15_000 }).toMatch(/^[0-9]{8}$/);
    const code = ((await techPage.locator('[data-testid=code]').textContent()) ?? '').replace(/\D/g, '');
    await expect.poll(() => techPage.locator('[data-testid=countdown]').textContent()).toMatch(/[0-9]:[0-9]{2}/);

    // BROWSER=true: the agent "opens" its page with a command that does nothing, and the test opens it instead.
    const agent = relay.agent(['join', code, '--relay', relay.url], { BROWSER: 'true' });
    const pageUrl = (await agent.waitFor(/^page: (http:\/\/127\.0\.0\.1:\d+\/\S+)$/))[1]!;
    const customerPage = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    await customerPage.goto(pageUrl);
    await customerPage.locator('[data-testid=lang-en]').click();
    await expect.poll(() => customerPage.locator('[data-testid=technician]').textContent(), { timeout: 15_000 }).toContain('Ito Kenji');
    await expect.poll(() => customerPage.locator('#case-number').inputValue()).toBe('CASE-9');
    // The short authentication string: six digits (docs/protocol.md), waited for on each side before they are compared.
    const sasDigits = async (page: Page): Promise<string> => ((await page.locator('[data-testid=sas]').textContent()) ?? '').replace(/\D/g, '');
    await expect.poll(() => sasDigits(customerPage), { timeout: 15_000 }).toMatch(/^[0-9]{6}$/);
    const customerSas = await sasDigits(customerPage);
    await customerPage.fill('#customer-name', 'Nakamura Yui');
    await customerPage.fill('#customer-number', 'N-100');
    await customerPage.click('[data-testid=accept]');

    await expect.poll(() => techPage.locator('[data-testid=session-status]').getAttribute('data-state'), { timeout: 15_000 }).toBe('active');
    await expect.poll(() => sasDigits(techPage), { timeout: 15_000 }).toMatch(/^[0-9]{6}$/);
    expect(await sasDigits(techPage)).toBe(customerSas);
    await expect.poll(() => techPage.locator('[data-testid=customer]').textContent()).toContain('Nakamura Yui');

    await techPage.fill('[data-testid=chat-input]', 'Hello, I can see your request');
    await techPage.click('[data-testid=chat-send]');
    await expect.poll(() => customerPage.locator('[data-testid=chat-log] [data-from=peer]').allTextContents()).toContainEqual(expect.stringContaining('Hello, I can see your request'));
    await customerPage.fill('[data-testid=chat-input]', 'ありがとう');
    await customerPage.click('[data-testid=chat-send]');
    await expect.poll(() => techPage.locator('[data-testid=chat-log] [data-from=peer]').allTextContents()).toContainEqual(expect.stringContaining('ありがとう'));

    await techPage.screenshot({ path: `${relay.dir}/console-active.png` });
    await customerPage.screenshot({ path: `${relay.dir}/agent-active.png` });

    await customerPage.click('[data-testid=end-session]');
    // The customer's page asks before it ends the session.
    await customerPage.click('[data-testid=end-confirm]');
    await expect.poll(() => techPage.locator('[data-testid=session-status]').getAttribute('data-state'), { timeout: 15_000 }).toBe('ended');
    expect(await techPage.locator('[data-testid=session-status]').textContent()).toMatch(/customer/i);
    expect(await agent.exitCode()).toBe(0);
  });

  it('shows the console in Japanese by choice', async () => {
    const page = await browser.newPage();
    await page.goto(`${relay.url}/#/signin`);
    await page.locator('[data-testid=lang-ja]').click();
    await expect.poll(() => page.locator('body').textContent()).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
  });
});
