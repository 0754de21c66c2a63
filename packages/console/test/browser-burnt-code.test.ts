/**
 * A burnt code in the console, in Chromium: the customer's agent types a
 * wrong code (a real `tandem join`), or a hostile claimer takes the code and
 * leaves before the keys are confirmed (a raw WebSocket client, as a guesser
 * who tests one guess against the technician's confirmation tag would). The
 * console says the code is burnt and one click on "New code" in the message
 * gives a fresh code with the same case number and mode, which the relay
 * confirms when the next claimer is paired. Screenshots of the message in
 * English and Japanese go to /tmp/shots/.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim, launchChromium, RelayFixture } from '@tandem/test-kit';

const SHOTS = '/tmp/shots';

describe('a burnt code in the console', () => {
  const relay = new RelayFixture();
  let browser: Browser;
  const password = 'burnt-code-pass-123456';

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await relay.start();
    await relay.addUser('sato', 'technician', password, ['--display-name', 'Sato Aoi', '--team', 'Desk 3']);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await relay.stop();
  });

  async function codeOf(page: Page, not?: string): Promise<string> {
    const digits = async (): Promise<string> => ((await page.locator('[data-testid=code]').textContent()) ?? '').replace(/\D/g, '');
    await expect.poll(digits, { timeout: 15_000 }).toMatch(/^[0-9]{8}$/);
    if (not !== undefined) await expect.poll(digits, { timeout: 15_000 }).not.toBe(not);
    return digits();
  }

  it('says so and gives a fresh code with the same case number and mode in one click', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(`${relay.url}/#/signin`);
    await page.locator('[data-testid=lang-en]').click();
    await page.fill('#username', 'sato');
    await page.fill('#password', password);
    await page.click('[data-testid=signin]');
    await page.locator('[data-testid=new-session]').waitFor();
    await page.fill('#case-number', 'CASE-77');
    await page.selectOption('#mode', 'view');
    await page.click('[data-testid=new-session]');
    const first = await codeOf(page);

    // The customer's agent types the right nameplate with a wrong secret: the handshake fails on both sides.
    const wrong = first.slice(0, 3) + String((Number(first.slice(3)) + 1) % 100000).padStart(5, '0');
    const agent = relay.join(wrong);
    expect(await agent.exitCode()).not.toBe(0);
    const burnt = page.locator('[data-testid=burnt-code]');
    await expect.poll(() => page.locator('[data-testid=burnt-code][data-why=wrong-code]').count(), { timeout: 15_000 }).toBe(1);
    expect(await burnt.textContent()).toMatch(/This session code is burnt/);
    expect(await burnt.textContent()).toContain('CASE-77');
    await page.screenshot({ path: `${SHOTS}/burnt-code-en.png` });

    await burnt.locator('[data-testid=new-code]').click();
    const second = await codeOf(page, first);
    expect(await burnt.count()).toBe(0);

    // A hostile claimer takes the new code and leaves before any key confirmation.
    const guesser = await claim(relay, second.slice(0, 3));
    // The relay pairs it with the fresh code: same case number and mode as the first.
    expect(guesser.answer).toMatchObject({ t: 'paired', caseNumber: 'CASE-77', mode: 'view', technician: { displayName: 'Sato Aoi' } });
    guesser.customer.ws.terminate();
    await expect.poll(() => page.locator('[data-testid=burnt-code][data-why=unverified]').count(), { timeout: 15_000 }).toBe(1);
    expect(await burnt.textContent()).toMatch(/left before it was verified/);

    await page.locator('[data-testid=lang-ja]').click();
    await expect.poll(() => burnt.textContent()).toContain('このセッションコードは使えなくなりました');
    await page.screenshot({ path: `${SHOTS}/burnt-code-ja.png` });
    await burnt.locator('[data-testid=new-code]').click();
    const third = await codeOf(page, second);
    const next = await claim(relay, third.slice(0, 3));
    expect(next.answer).toMatchObject({ t: 'paired', caseNumber: 'CASE-77', mode: 'view' });
    next.customer.ws.close();
  });
});
