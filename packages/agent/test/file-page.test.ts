/**
 * File transfers and system information asked on the customer's own page
 * (issue 11): the technician's `/send`, `/get` and `/sysinfo` through a real
 * relay reach `tandem join` in browser mode (no terminal), the page shows
 * each question in Chromium, and the customer's answer there decides: the
 * file arrives with its hash while its progress bar runs, a path is sent
 * once approved, system information is sent or refused, and Cancel on the
 * page stops a transfer with no partial file left.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentHome, RecordingBrowser, RelayFixture, tempDir, type Proc } from '@tandem/test-kit';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('files and system information asked on the page', () => {
  const relay = new RelayFixture();
  const home = new AgentHome();
  const browsers: RecordingBrowser[] = [];
  const dirs: string[] = [];
  let techPw = '';

  const dir = (): string => {
    const d = tempDir('tandem-file-page-');
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    await relay.start();
    techPw = await relay.addUser('tanaka', 'technician', undefined, ['--display-name', 'Tanaka Ichiro', '--team', 'Helpdesk']);
  });
  afterAll(async () => {
    try {
      for (const b of browsers) await b.close();
    } finally {
      await relay.stop();
      home.remove();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  });

  /** A chat session accepted on the page in Chromium; the agent has no terminal to ask on. */
  async function session(): Promise<{ tech: Proc; agent: Proc; page: Page; techDir: string; agentDir: string }> {
    const techDir = dir();
    const agentDir = dir();
    const tech = relay.tech('tanaka', techPw, ['--files-dir', techDir]);
    const code = (await tech.waitFor(/^code: (\d{8})$/))[1]!;
    const browser = new RecordingBrowser();
    browsers.push(browser);
    const agent = relay.agent(['join', code, '--relay', relay.url, '--files-dir', agentDir], home.env({ BROWSER: browser.command }));
    await agent.waitFor(/^page: http:\/\/127\.0\.0\.1:\d+\/\S+$/);
    const page = await browser.page();
    await page.locator('[data-testid=lang-en]').click();
    await expect.poll(() => page.locator('[data-testid=accept]').isVisible(), { timeout: 20_000 }).toBe(true);
    await page.click('[data-testid=accept]');
    await tech.waitFor(/^event: accepted chat$/);
    return { tech, agent, page, techDir, agentDir };
  }

  async function finish(tech: Proc, agent: Proc): Promise<void> {
    tech.endInput();
    expect(await tech.exitCode()).toBe(0);
    expect(await agent.exitCode()).toBe(0);
  }

  it('asks for a file the technician sends, shows where it goes and its progress, and saves it once accepted', async () => {
    const { tech, agent, page, agentDir } = await session();
    const source = dir();
    const body = randomBytes(24 * 1024 * 1024);
    writeFileSync(join(source, 'printer driver.zip'), body);
    tech.send(`/send ${join(source, 'printer driver.zip')}`);
    const question = page.locator('[data-testid=file-question]');
    await expect.poll(() => question.isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await question.getAttribute('data-kind')).toBe('offer');
    expect(await page.locator('#file-question-text').textContent()).toBe('Tanaka Ichiro wants to send you the file printer driver.zip (25 MB)');
    expect(await page.locator('#file-question-help').textContent()).toContain(agentDir);
    // Nothing moves before the customer says yes.
    expect(readdirSync(agentDir)).toEqual([]);
    await page.click('[data-testid=file-yes]');
    await expect.poll(() => question.isVisible()).toBe(false);
    const received = (await agent.waitFor(/^event: file-received (.+) (\d+) ([0-9a-f]{64})$/, 60_000))[0];
    expect(received).toBe(`event: file-received ${join(agentDir, 'printer driver.zip')} ${body.length} ${sha256(body)}`);
    expect(sha256(readFileSync(join(agentDir, 'printer driver.zip')))).toBe(sha256(body));
    await tech.waitFor(/^event: file-sent printer driver\.zip \d+ [0-9a-f]{64}$/, 60_000);
    await expect.poll(() => page.locator('[data-testid=transfers]').isVisible()).toBe(false);
    await finish(tech, agent);
  });

  it('shows a transfer with its progress bar, and Cancel on the page stops it with nothing left on either side', async () => {
    const { tech, agent, page, agentDir, techDir } = await session();
    const source = dir();
    // Large enough to be under way when the page's Cancel is clicked.
    writeFileSync(join(source, 'disk image.bin'), randomBytes(400 * 1024 * 1024));
    tech.send(`/send ${join(source, 'disk image.bin')}`);
    await expect.poll(() => page.locator('[data-testid=file-question]').isVisible(), { timeout: 20_000 }).toBe(true);
    await page.click('[data-testid=file-yes]');
    const transfer = page.locator('[data-testid=transfer]');
    await expect.poll(() => transfer.count(), { timeout: 20_000 }).toBe(1);
    expect(await transfer.locator('.transfer-name').textContent()).toBe('Receiving disk image.bin');
    await expect.poll(async () => Number(await transfer.locator('progress').getAttribute('value')), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await transfer.locator('.transfer-figures').textContent()).toMatch(/ of 419 MB \(\d+%\)/);
    await page.click('[data-testid=transfer-cancel]');
    await agent.waitFor(/^event: file-cancelled disk image\.bin$/, 30_000);
    await tech.waitFor(/^event: file-cancelled disk image\.bin$/, 30_000);
    await expect.poll(() => page.locator('[data-testid=transfers]').isVisible()).toBe(false);
    expect(readdirSync(agentDir)).toEqual([]);
    expect(readdirSync(techDir)).toEqual([]);
    await finish(tech, agent);
  });

  it('asks before sending a path the technician names; refused, nothing goes; approved, the file arrives', async () => {
    const { tech, agent, page, techDir } = await session();
    const source = dir();
    const body = Buffer.from('Printer log\nline 2\n');
    const path = join(source, 'printer.log');
    writeFileSync(path, body);
    tech.send(`/get ${path}`);
    await expect.poll(() => page.locator('[data-testid=file-question]').getAttribute('data-kind'), { timeout: 20_000 }).toBe('request');
    expect(await page.locator('#file-question-text').textContent()).toBe(`Tanaka Ichiro asks for the file ${path} from this computer`);
    await page.click('[data-testid=file-no]');
    await tech.waitFor(new RegExp(`^event: file-refused ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`), 20_000);
    expect(readdirSync(techDir)).toEqual([]);
    tech.send(`/get ${path}`);
    await expect.poll(() => page.locator('[data-testid=file-question]').isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await page.locator('[data-testid=file-yes]').textContent()).toBe('Send');
    await page.click('[data-testid=file-yes]');
    const got = (await tech.waitFor(/^event: file-received (.+) (\d+) ([0-9a-f]{64})$/, 20_000))[0];
    expect(got).toBe(`event: file-received ${join(techDir, 'printer.log')} ${body.length} ${sha256(body)}`);
    await agent.waitFor(/^event: file-sent /, 20_000);
    await finish(tech, agent);
  });

  it('asks for the system information: refused, the technician hears so; accepted, it is sent', async () => {
    const { tech, agent, page } = await session();
    tech.send('/sysinfo');
    await expect.poll(() => page.locator('[data-testid=file-question]').getAttribute('data-kind'), { timeout: 20_000 }).toBe('sysinfo');
    expect(await page.locator('#file-question-text').textContent()).toBe("Tanaka Ichiro asks for this computer's system information");
    await page.click('[data-testid=file-no]');
    await tech.waitFor(/^event: sysinfo-refused$/, 20_000);
    expect(tech.count(/^sysinfo: /)).toBe(0);
    tech.send('/sysinfo');
    await expect.poll(() => page.locator('[data-testid=file-question]').isVisible(), { timeout: 20_000 }).toBe(true);
    await page.click('[data-testid=file-yes]');
    await tech.waitFor(/^event: sysinfo-done$/, 30_000);
    expect(tech.count(/^sysinfo: Computer name: /)).toBe(1);
    await finish(tech, agent);
  });
});
