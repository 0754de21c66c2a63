/**
 * The Windows agent downloaded from the relay, run under Wine with the
 * registry's policy (docs/policy.md, "Windows: the registry") and removing
 * itself the Windows way (docs/agent-file.md, executable/self-removal.ts):
 *
 * - `forbidControl` set by `reg add` under HKLM: the terminal shows the
 *   restriction, a "y" to a request for control grants view only, and a
 *   later step-up to control is refused without asking; with `--event-log`
 *   the start and the end go to the Application log (ReportEventW, as Wine's
 *   debug channel shows it); when the session ends the detached `cmd`
 *   deletes the private folder and the file, once the agent has exited and
 *   let go of them.
 * - the same policy on the agent's own page, opened by Chromium on the link
 *   the Windows agent prints: the page says control is turned off and offers
 *   chat and view only.
 * - the .reg example imported by regedit: its `allowedRelays` does not name
 *   this relay, so the agent refuses to contact it, naming the key; with
 *   `--no-remove-when-done` the file stays and the folder goes.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelayFixture, ROOT, WINDOWS_AGENT, WinePrefix, fetchDownload, launchChromium, startXvfb, tempDir, waitFor, type Xvfb } from '@tandem/test-kit';

const MACHINE = 'HKLM\\Software\\Policies\\Tandem';

describe('the downloaded Windows agent under Wine: registry policy, removal', () => {
  const relay = new RelayFixture();
  let techPw = '';
  let xvfb: Xvfb;
  let wine: WinePrefix;
  let downloaded = '';
  let downloads = 0;

  beforeAll(async () => {
    xvfb = await startXvfb('800x600x24');
    wine = await WinePrefix.create(xvfb.display);
    await relay.start(['--help-desk-name', 'Example Help Desk']);
    techPw = await relay.addUser('tanaka', 'technician', undefined, ['--display-name', 'Tanaka Ichiro', '--team', 'Helpdesk']);
    const answer = await fetchDownload(relay.url, WINDOWS_AGENT);
    expect(answer.status).toBe(200);
    const dir = tempDir('tandem-win-download-');
    downloaded = join(dir, WINDOWS_AGENT);
    writeFileSync(downloaded, answer.body);
  }, 240_000);

  afterAll(async () => {
    try {
      await relay.stop();
    } finally {
      await wine?.close();
      xvfb?.stop();
    }
  });

  /** A copy of the downloaded file in a Downloads folder of its own. */
  function download(): string {
    const dir = join(wine.dir, `Downloads-${++downloads}`);
    mkdirSync(dir);
    const exe = join(dir, WINDOWS_AGENT);
    copyFileSync(downloaded, exe);
    return exe;
  }

  /** The agents' private folders in the prefix's temporary folders (`TEMP` of every Wine user). */
  function privateFolders(): string[] {
    const users = join(wine.prefix, 'drive_c', 'users');
    return readdirSync(users).flatMap((user) => {
      const temp = join(users, user, 'AppData', 'Local', 'Temp');
      return existsSync(temp) ? readdirSync(temp).filter((n) => n.startsWith('tandem-agent-')).map((n) => join(temp, n)) : [];
    });
  }

  async function tool(program: string, ...args: string[]): Promise<void> {
    const p = wine.run(program, program, args);
    expect(await p.exitCode(60_000), `${program} ${args.join(' ')}: ${p.stderrLines.join('\n')}`).toBe(0);
  }

  it('control forbidden in HKLM: view only on a "y", the step-up refused; then the folder and the file are removed', async () => {
    await tool('reg', 'add', MACHINE, '/v', 'forbidControl', '/t', 'REG_DWORD', '/d', '1', '/f');
    const exe = download();
    const tech = relay.tech('tanaka', techPw, ['--mode', 'control']);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/))[1] ?? '';
    const agent = wine.run('agent', exe, ['join', code, '--no-browser', '--name', 'Yamada Hanako', '--event-log'], { env: { WINEDEBUG: '+eventlog' } });
    await agent.waitFor(/^Policy: +Shared control is turned off on this computer/, 120_000, 'err');
    await agent.waitFor(/\[y\/n\]/, 60_000, 'err');
    agent.send('y');
    await tech.waitFor(/^event: accepted view$/, 60_000);
    tech.send('/request control');
    await tech.waitFor(/^event: decision control refused$/, 60_000);
    expect(tech.count(/^event: (mode|accepted) control$/)).toBe(0);
    tech.endInput();
    expect(await tech.exitCode()).toBe(0);
    expect(await agent.exitCode(60_000)).toBe(0);
    const events = agent.stderrLines.flatMap((l) => /^\w+:(?:trace|warn|err):eventlog:ReportEventW L"(.*)"$/.exec(l)?.[1] ?? []);
    // The start and the end (between them the mode may step down to chat: the screen is the Windows driver's, not this test's).
    expect(events[0]).toMatch(/^Agent tanaka \(Tanaka Ichiro, Helpdesk\) started Shared View through http:\/\/127\.0\.0\.1:\d+ \(session [0-9a-f-]+\)$/);
    expect(events.at(-1)).toMatch(/^Agent tanaka's session closed normally: the technician ended it \(session [0-9a-f-]+\)$/);
    expect(events.filter((e) => e.includes('Shared Control'))).toEqual([]);
    // The detached cmd deletes both once the agent has let go of them.
    await waitFor(() => !existsSync(exe) && privateFolders().length === 0, 60_000, 'the file and the private folder to be removed');
    await tool('reg', 'delete', MACHINE, '/f');
  }, 360_000);

  it('control forbidden in HKLM: the agent\'s page, opened on its link, says so and offers chat and view only', async () => {
    await tool('reg', 'add', MACHINE, '/v', 'forbidControl', '/t', 'REG_DWORD', '/d', '1', '/f');
    const exe = download();
    const tech = relay.tech('tanaka', techPw, ['--mode', 'control']);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/))[1] ?? '';
    // No browser to open under Wine: the agent says so and prints its link, which Chromium on this machine opens.
    const agent = wine.run('agent', exe, ['join', code, '--no-remove-when-done']);
    const launch = (await agent.waitFor(/^page: (http:\/\/127\.0\.0\.1:\d+\/\S+)$/, 120_000))[1] ?? '';
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(launch);
      await expect.poll(() => page.locator('[data-testid=grant-mode] input[name=mode]').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value)), { timeout: 60_000 }).toEqual(['chat', 'view']);
      expect(await page.locator('[data-testid=policy-list]').textContent()).toContain('Shared control is turned off on this computer');
      await page.click('[data-testid=refuse]');
      await tech.waitFor(/^event: refused$/, 60_000);
    } finally {
      await browser.close();
    }
    tech.endInput();
    // Refused: the technician's client ends with 1, the customer's agent with 0, as on Linux.
    expect([await tech.exitCode(), await agent.exitCode(60_000)]).toEqual([1, 0]);
    await tool('reg', 'delete', MACHINE, '/f');
  }, 360_000);

  it('the .reg example allows other relays only: this one is never contacted, the key is named; --no-remove-when-done keeps the file', async () => {
    await tool('regedit', '/s', wine.windowsPath(join(ROOT, 'docs/policy/tandem.reg')));
    const exe = download();
    const agent = wine.run('agent', exe, ['join', '12345678', '--no-browser', '--no-remove-when-done']);
    expect(await agent.exitCode(120_000)).toBe(1);
    const origin = new URL(relay.url).origin;
    expect(agent.stderrLines.join('\n')).toContain(
      `error: TANDEM_ERR_POLICY_FORBIDS the relay ${origin} is not allowed by the local policy ${MACHINE}, which allows only https://support.example.com, https://support-backup.example.com:8443`,
    );
    await waitFor(() => privateFolders().length === 0, 60_000, 'the private folder to be removed');
    expect(existsSync(exe)).toBe(true);
  }, 240_000);
});
