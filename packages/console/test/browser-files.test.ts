/**
 * Files and system information from the console (issue 11), in Chromium
 * against a real relay and a real agent (`tandem join --no-browser`, which
 * answers on its terminal): a file dragged onto the session view goes to
 * the customer once they accept, with its progress bar on the way; a path
 * asked for arrives as a download with the same SHA-256; the system
 * information fills its panel; the transfer log lists each. Screenshots in
 * English and Japanese go to TANDEM_SCREENSHOTS (or are only taken).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, RelayFixture, tempDir, type Proc } from '@tandem/test-kit';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('files and system information in the console', () => {
  const relay = new RelayFixture();
  let browser: Browser;
  const password = 'console-files-123456';
  const dirs: string[] = [];
  const dir = (): string => {
    const d = tempDir('tandem-console-files-');
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    await relay.start();
    await relay.addUser('ito', 'technician', password, ['--display-name', 'Ito Kenji', '--team', 'Desk 2']);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await relay.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** A signed-in console with an active chat session to an agent that answers on its terminal. */
  async function session(language: 'en' | 'ja'): Promise<{ page: Page; agent: Proc; agentDir: string }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    await page.goto(`${relay.url}/#/signin`);
    await page.locator(`[data-testid=lang-${language}]`).click();
    await page.fill('#username', 'ito');
    await page.fill('#password', password);
    await page.click('[data-testid=signin]');
    await page.locator('[data-testid=new-session]').waitFor();
    await page.click('[data-testid=new-session]');
    await expect.poll(async () => ((await page.locator('[data-testid=code]').textContent()) ?? '').replace(/\D/g, ''), { timeout: 15_000 }).toMatch(/^[0-9]{8}$/);
    const code = ((await page.locator('[data-testid=code]').textContent()) ?? '').replace(/\D/g, '');
    const agentDir = dir();
    const agent = relay.join(code, ['--files-dir', agentDir, '--name', 'Nakamura Yui']);
    await agent.waitFor(/\[y\/n\]$/, 20_000, 'err');
    agent.send('y');
    await expect.poll(() => page.locator('[data-testid=session-status]').getAttribute('data-state'), { timeout: 15_000 }).toBe('active');
    await page.locator('[data-testid=files]').waitFor();
    return { page, agent, agentDir };
  }

  it('sends a file dragged onto the session view once the customer accepts, with its progress on the way, and logs it', async () => {
    const { page, agent, agentDir } = await session('en');
    const body = randomBytes(48 * 1024 * 1024);
    // A real drop event on the session view, carrying the file as a browser's File.
    const data = await page.evaluateHandle((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'setup log.zip', { type: 'application/zip' }));
      return dt;
    }, body.toString('base64'));
    await page.dispatchEvent('[data-testid=session-view]', 'dragover', { dataTransfer: data });
    await page.dispatchEvent('[data-testid=session-view]', 'drop', { dataTransfer: data });
    await agent.waitFor(/^event: file-offer setup log\.zip 50331648$/, 20_000);
    await expect.poll(() => page.locator('[data-testid=transfer]').count()).toBe(1);
    expect(await page.locator('[data-testid=transfer] .transfer-name').textContent()).toBe('Sending setup log.zip');
    await agent.waitFor(/\[y\/n\]$/, 20_000, 'err');
    agent.send('y');
    await expect.poll(async () => Number(await page.locator('[data-testid=transfer] progress').getAttribute('value')), { timeout: 30_000 }).toBeGreaterThan(0);
    const received = (await agent.waitFor(/^event: file-received (.+) (\d+) ([0-9a-f]{64})$/, 60_000))[0];
    expect(received).toBe(`event: file-received ${join(agentDir, 'setup log.zip')} ${body.length} ${sha256(body)}`);
    await expect.poll(() => page.locator('[data-testid=transfer-log] li').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.locator('[data-testid=transfer-log] li').getAttribute('data-result')).toBe('ok');
    const download = page.waitForEvent('download');
    await page.click('[data-testid=transfer-log-export]');
    const log = readFileSync(await (await download).path(), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(log).toEqual([expect.objectContaining({ direction: 'sent', name: 'setup log.zip', bytes: body.length, sha256: sha256(body), result: 'ok' })]);
    agent.endInput();
    await page.close();
  });

  it('asks the customer for a path: refused, the log says so; approved, the browser downloads it with the same hash', async () => {
    const { page, agent } = await session('en');
    const source = dir();
    const body = Buffer.from('Printer spooler log\n'.repeat(5000));
    const path = join(source, 'spooler.log');
    writeFileSync(path, body);
    await page.fill('[data-testid=file-get-path]', path);
    await page.click('[data-testid=file-get]');
    await agent.waitFor(/\[y\/n\]$/, 20_000, 'err');
    agent.send('n');
    await expect.poll(() => page.locator('[data-testid=transfer-log] li').getAttribute('data-result'), { timeout: 20_000 }).toBe('refused');
    await page.fill('[data-testid=file-get-path]', path);
    const download = page.waitForEvent('download');
    await page.click('[data-testid=file-get]');
    await agent.waitFor(/spooler\.log.*\[y\/n\]$/, 20_000, 'err');
    agent.send('y');
    const saved = await download;
    expect(saved.suggestedFilename()).toBe('spooler.log');
    expect(sha256(readFileSync(await saved.path()))).toBe(sha256(body));
    await expect.poll(() => page.locator('[data-testid=transfer-log] li').count()).toBe(2);
    agent.endInput();
    await page.close();
  });

  it('shows the system information the customer accepted to send, in English and Japanese', async () => {
    const shots = process.env.TANDEM_SCREENSHOTS;
    for (const language of ['en', 'ja'] as const) {
      const { page, agent } = await session(language);
      await page.click('[data-testid=sysinfo-request]');
      await agent.waitFor(/\[y\/n\]$/, 20_000, 'err');
      agent.send('y');
      await expect.poll(() => page.locator('[data-testid=sysinfo-items] dt').allTextContents(), { timeout: 30_000 }).toContain('Computer name');
      expect(await page.locator('[data-testid=sysinfo-items]').textContent()).toContain('Tandem version');
      const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));
      expect(widths.page).toBeLessThanOrEqual(widths.window);
      if (shots !== undefined && shots !== '') {
        mkdirSync(join(shots, 'console'), { recursive: true });
        await page.screenshot({ path: join(shots, 'console', `session-files-${language}.png`), fullPage: true });
      } else await page.screenshot();
      agent.endInput();
      await page.close();
    }
  });
});
