/**
 * The customer's path with the downloaded agent (issue 9): a relay with the
 * agents `npm run build` made serves the Linux agent; the test downloads it
 * (with Chromium's own download, and with a plain HTTP client) and runs the
 * downloaded file on a customer's machine of its own: no Node on PATH, an
 * empty home and an empty temporary folder, none of the test's environment.
 *
 * - Double-clicked (no arguments): the agent serves its page and opens it in
 *   the browser ($BROWSER, a real Chromium); the test types a wrong code,
 *   sees the error, types the right one without a restart, accepts, chats
 *   both ways with `tandem tech session` and ends. Afterwards the temporary
 *   folder and the home are empty and the file is gone (remove when done is
 *   on by default).
 * - `join CODE --no-browser`, for scripts: the lines and exit codes of
 *   `tandem join`, with the stamped relay as the default.
 * - No browser: the terminal asks "Code: ", again after a wrong code.
 */
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CustomerMachine,
  LINUX_AGENT,
  RecordingBrowser,
  RelayFixture,
  fetchDownload,
  filesUnder,
  launchChromium,
  waitFor,
  type Proc,
} from '@tandem/test-kit';

/** The code with its secret part changed: the right nameplate, the wrong secret. */
const wrongSecret = (code: string): string => code.slice(0, 3) + String((Number(code.slice(3)) + 1) % 100000).padStart(5, '0');

/** A code no technician made (another nameplate): the relay answers TANDEM_ERR_CODE_UNKNOWN and nothing is burnt. */
const unknownCode = (code: string): string => String((Number(code.slice(0, 3)) + 500) % 1000).padStart(3, '0') + code.slice(3);

/** The `code: N` lines a technician client printed so far. */
const codesOf = (tech: Proc): string[] => tech.lines.flatMap((l) => /^code: (\d{8})$/.exec(l)?.[1] ?? []);

describe('the downloaded Linux agent', () => {
  const relay = new RelayFixture();
  const machines: CustomerMachine[] = [];
  const browsers: RecordingBrowser[] = [];
  let techPw = '';

  beforeAll(async () => {
    await relay.start(['--help-desk-name', 'Example Help Desk']);
    techPw = await relay.addUser('tanaka', 'technician', undefined, ['--display-name', 'Tanaka Ichiro', '--team', 'Helpdesk']);
  });
  afterEach(async () => {
    for (const b of browsers.splice(0)) await b.close();
  });
  afterAll(async () => {
    try {
      for (const m of machines) m.remove();
    } finally {
      await relay.stop();
    }
  });

  function machine(): CustomerMachine {
    const m = new CustomerMachine();
    machines.push(m);
    m.assertNoNode();
    return m;
  }

  it('downloaded by Chromium, double-clicked: the page takes a wrong code, then the right one, consent, chat both ways, end; nothing is left behind', async () => {
    const customer = machine();
    // Chromium's own download: it asks for compression (br) and saves what it decoded.
    const downloader = await launchChromium();
    let exe: string;
    try {
      const context = await downloader.newContext({ acceptDownloads: true });
      const tab = await context.newPage();
      const downloading = tab.waitForEvent('download', { timeout: 120_000 });
      // Navigating to an attachment starts a download instead of a page.
      await tab.goto(`${relay.url}/download/${LINUX_AGENT}`).catch(() => undefined);
      const download = await downloading;
      expect(download.suggestedFilename()).toBe(LINUX_AGENT);
      exe = join(customer.downloads, LINUX_AGENT);
      await download.saveAs(exe);
      expect(await download.failure()).toBeNull();
    } finally {
      await downloader.close();
    }
    const plain = await fetchDownload(relay.url, LINUX_AGENT);
    expect(readFileSync(exe).equals(plain.body)).toBe(true);
    // A browser saves without the executable bit; the customer's file manager asks before running it.
    chmodSync(exe, 0o755);

    const tech = relay.tech('tanaka', techPw, ['--renew-burnt-code']);
    const code = (await tech.waitFor(/^code: (\d{8})$/))[1] ?? '';
    const browser = new RecordingBrowser({ isolate: true });
    browsers.push(browser);
    const agent = relay.track(customer.run(exe, [], { BROWSER: browser.command }));
    await agent.waitFor(/^page: http:\/\/127\.0\.0\.1:\d+\/launch\/\S+$/);

    // The private folder exists while it runs: under TMPDIR, mode 0700.
    const [folder] = filesUnder(customer.tmp).filter((f) => !f.includes('/'));
    expect(folder).toMatch(/^tandem-agent-\d+-/);
    expect(statSync(join(customer.tmp, String(folder))).mode & 0o777).toBe(0o700);

    const page = await browser.page();
    await expect.poll(() => page.locator('[data-testid=entry-help-desk]').textContent(), { timeout: 20_000 }).toContain('Example Help Desk');
    await expect.poll(() => page.locator('[data-testid=entry-relay]').textContent()).toContain(relay.url);

    await page.locator('[data-testid=code-input]').fill(wrongSecret(code));
    await page.locator('[data-testid=code-submit]').click();
    await expect.poll(() => page.locator('[data-testid=code-error] [data-testid=error-code]').textContent(), { timeout: 30_000 }).toBe('TANDEM_ERR_WRONG_CODE');
    // The box is usable again, without a restart; the technician's client renewed the burnt code.
    await expect.poll(() => page.locator('[data-testid=code-input]').isEnabled()).toBe(true);
    const renewed = await waitFor(() => codesOf(tech)[1], 20_000, 'a renewed code');

    await page.locator('[data-testid=code-input]').fill(`${renewed.slice(0, 3)} ${renewed.slice(3)}`);
    await page.locator('[data-testid=code-submit]').click();
    await expect.poll(() => page.locator('[data-testid=technician]').textContent(), { timeout: 30_000 }).toContain('Tanaka Ichiro');
    await expect.poll(() => page.locator('[data-testid=remove-when-done]').isChecked()).toBe(true);
    await page.locator('[data-testid=accept]').click();
    await tech.waitFor(/^event: accepted chat$/);

    await page.locator('[data-testid=chat-input]').fill('hello from the customer');
    await page.locator('[data-testid=chat-send]').click();
    await tech.waitFor(/^chat: hello from the customer$/);
    tech.send('hello from the technician');
    await expect.poll(() => page.locator('[data-testid=chat-log]').textContent(), { timeout: 20_000 }).toContain('hello from the technician');

    // Ending asks first (the page's confirmation), then ends.
    await page.locator('[data-testid=end-session]').click();
    await page.locator('[data-testid=end-confirm]').click();
    await tech.waitFor(/^event: ended customer-ended$/);
    expect(await agent.exitCode(30_000)).toBe(0);
    expect(await tech.exitCode()).toBe(0);
    expect(customer.leftovers()).toEqual({ home: [], tmp: [] });
    expect(existsSync(exe)).toBe(false);
  });

  it('join CODE --no-browser behaves as tandem join, with the stamped relay; --no-remove-when-done keeps the file, the default removes it', async () => {
    const customer = machine();
    const exe = await customer.download(relay.url);

    // A wrong code first, as tandem join reports it: error line, exit 1.
    const tech0 = relay.tech('tanaka', techPw);
    const real = (await tech0.waitFor(/^code: (\d{8})$/))[1] ?? '';
    const unknown = customer.run(exe, ['join', unknownCode(real), '--no-browser', '--no-remove-when-done']);
    expect(await unknown.exitCode()).toBe(1);
    const reference = relay.join(unknownCode(real));
    expect(await reference.exitCode()).toBe(1);
    const errorLine = (p: Proc): string | undefined => p.stderrLines.find((l) => l.startsWith('error: '))?.split(' ')[1];
    expect(errorLine(unknown)).toBe('TANDEM_ERR_CODE_UNKNOWN');
    expect(errorLine(unknown)).toBe(errorLine(reference));
    expect(existsSync(exe)).toBe(true);
    tech0.kill();

    const tech = relay.tech('tanaka', techPw);
    const code = (await tech.waitFor(/^code: (\d{8})$/))[1] ?? '';
    const agent = relay.track(customer.run(exe, ['join', code, '--no-browser', '--name', 'Yamada Hanako', '--no-remove-when-done']));
    await agent.waitFor(/Tanaka Ichiro/, 20_000, 'any');
    agent.send('y');
    await tech.waitFor(/^event: accepted chat$/);
    tech.send('hello from the technician');
    await agent.waitFor(/^chat: hello from the technician$/);
    agent.send('hello from the script');
    await tech.waitFor(/^chat: hello from the script$/);
    agent.send('/end');
    await tech.waitFor(/^event: ended customer-ended$/);
    expect(await agent.exitCode()).toBe(0);
    expect(agent.lines).toEqual(['event: joined', expect.stringMatching(/^event: sas \d{3} \d{3}$/), 'event: mode chat', 'chat: hello from the technician', 'event: ended customer-ended']);
    expect(existsSync(exe)).toBe(true);
    expect(customer.leftovers()).toEqual({ home: [], tmp: [] });

    // The default for a downloaded agent: the file goes once the session is over.
    const tech2 = relay.tech('tanaka', techPw);
    const code2 = (await tech2.waitFor(/^code: (\d{8})$/))[1] ?? '';
    const again = relay.track(customer.run(exe, ['join', code2, '--no-browser']));
    again.send('y');
    await tech2.waitFor(/^event: accepted chat$/);
    tech2.endInput();
    expect(await again.exitCode()).toBe(0);
    expect(again.stderrLines.join('\n')).toMatch(/removes itself/);
    expect(existsSync(exe)).toBe(false);
    expect(customer.leftovers()).toEqual({ home: [], tmp: [] });
  });

  it('without a browser asks "Code: " on the terminal, again after a wrong code, then consent on the terminal', async () => {
    const customer = machine();
    const exe = await customer.download(relay.url);
    const tech = relay.tech('tanaka', techPw);
    const code = (await tech.waitFor(/^code: (\d{8})$/))[1] ?? '';
    // A browser that cannot start: the page is still served, and the terminal asks.
    const agent = relay.track(customer.run(exe, [], { BROWSER: '/bin/false' }));
    await agent.waitFor(/Could not open a browser/, 20_000, 'err');
    await agent.waitFor(/^Code: $/, 20_000, 'err');
    agent.send(unknownCode(code));
    await agent.waitFor(/^error: TANDEM_ERR_CODE_UNKNOWN /, 20_000, 'err');
    await waitFor(() => agent.stderrLines.filter((l) => l === 'Code: ').length >= 2 || undefined, 20_000, 'the prompt again');
    agent.send('12');
    await agent.waitFor(/^error: TANDEM_ERR_BAD_INPUT code/, 20_000, 'err');
    agent.send(code);
    await agent.waitFor(/\[y\/n\]$/, 20_000, 'err');
    agent.send('y');
    await tech.waitFor(/^event: accepted chat$/);
    agent.send('/end');
    await tech.waitFor(/^event: ended customer-ended$/);
    expect(await agent.exitCode()).toBe(0);
    expect(customer.leftovers()).toEqual({ home: [], tmp: [] });
    expect(existsSync(exe)).toBe(false);
  });
});
