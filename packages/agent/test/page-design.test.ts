/**
 * The customer's page in Chromium, on a stand-in agent (page-stand-in.ts:
 * the real page server and the real page, the agent's events and answers
 * played by the test): the code-entry screen of contract 3 (issue 9), the
 * banner and the controls of a running session, the confirmation before
 * ending, the step-up question, the chat, and the ended state. The same
 * page against the real agent is driven by page-launch, step-up-race,
 * invitation-page and relay-fake-end.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { parseCode } from '@tandem/protocol';
import { launchChromium } from '@tandem/test-kit';
import { en } from '../page/src/i18n/en.js';
import { ja } from '../page/src/i18n/ja.js';
import type { ServerEvent } from '../src/pages/consent-server.js';
import { PageStandIn, view } from './page-stand-in.js';

const TECH = { username: 'tanaka', displayName: 'Tanaka Ichiro', team: 'Helpdesk' };
const ENTRY = { helpDesk: 'Example Help Desk', relay: 'https://support.example.com:8443', busy: false };
const SESSION = { technician: TECH, sas: '482 913', requestedMode: 'control' };
const REPORT = 'Tandem connection report\n========================\n\nProxy for https://support.example.com:8443:\n  - environment: HTTPS_PROXY=http://proxy.corp:3128: PROXY proxy.corp:3128\n  Chosen: environment -> PROXY proxy.corp:3128\n';
const PROXY_ASKS = { ...ENTRY, error: { code: 'TANDEM_ERR_PROXY_AUTH', message: 'the proxy proxy.corp:3128 asks for a user name and password (Basic)' }, proxyAuth: { proxy: 'proxy.corp:3128' } };
const FOLDER = '/home/mori/Downloads/Tandem';
const OFFER = { kind: 'offer', id: 3, name: 'printer driver.zip', size: 25_165_824, from: 'tanaka', folder: FOLDER };
const FILES_ASK = { folder: FOLDER, questions: [OFFER, { kind: 'sysinfo', id: 1, from: 'tanaka' }], transfers: [] };
const FILES_MOVING = { folder: FOLDER, questions: [], transfers: [{ id: 3, direction: 'receive', name: 'printer driver.zip', bytes: 9_437_184, size: 25_165_824 }] };
const UNREACHED = { ...ENTRY, error: { code: 'TANDEM_ERR_TLS_INTERCEPTED', message: 'the network between this computer and the relay inspects encrypted traffic' }, report: REPORT };

describe('the customer page on a stand-in agent', () => {
  let browser: Browser;
  const open: { page?: Page; standIn?: PageStandIn } = {};

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async () => {
    await open.page?.close();
    await open.standIn?.close();
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** A stand-in agent and its page in English. */
  async function start(): Promise<{ standIn: PageStandIn; page: Page }> {
    const standIn = await PageStandIn.start();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    Object.assign(open, { standIn, page });
    await page.goto(standIn.url);
    await page.locator('[data-testid=lang-en]').click();
    return { standIn, page };
  }

  const text = (page: Page, testId: string): Promise<string | null> => page.locator(`[data-testid=${testId}]`).textContent();

  it('asks for the code: the help desk and the relay, the page\'s own check, the agent\'s refusal beside the box, busy, a failed attempt and the box again, then consent', async () => {
    const { standIn, page } = await start();
    standIn.answer((name, body) => {
      if (name !== 'code' || typeof body !== 'object' || body === null || !('code' in body)) throw new Error(`unexpected action ${name}`);
      // As the agent does: protocol's parseCode, whose TandemError is the answer.
      parseCode(String(body.code));
      standIn.send({ event: 'entry', data: { ...ENTRY, busy: true } });
      return {};
    });
    standIn.send({ event: 'entry', data: ENTRY });
    const input = page.locator('[data-testid=code-input]');
    const error = page.locator('[data-testid=code-error]');
    await expect.poll(() => page.locator('[data-testid=code-entry]').isVisible()).toBe(true);
    expect(await text(page, 'entry-help-desk')).toBe('Example Help Desk');
    expect(await text(page, 'entry-relay')).toBe('https://support.example.com:8443');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('code-input');
    expect(await page.locator('[data-testid=status]').isVisible()).toBe(false);

    // The page's own check: nothing is sent for an empty box or letters.
    await page.click('[data-testid=code-submit]');
    expect(await error.textContent()).toBe(en.entry.empty);
    await input.fill('1234 abcd');
    await page.keyboard.press('Enter');
    expect(await error.textContent()).toBe(en.entry.notDigits);
    expect(standIn.postedOf('code')).toEqual([]);

    // Too short: the agent refuses it (TANDEM_ERR_BAD_INPUT); the words are said beside the box, which keeps what was typed.
    await input.fill('123 45');
    await page.click('[data-testid=code-submit]');
    await expect.poll(() => error.textContent()).toBe(`${en.entry.errors.TANDEM_ERR_BAD_INPUT} TANDEM_ERR_BAD_INPUT`);
    expect(await input.inputValue()).toBe('123 45');
    expect(standIn.postedOf('code').map((a) => a.body)).toEqual([{ code: '123 45' }]);

    // Typed with a Japanese input method: full-width digits and 'ー' for the dash, sent as the digits and dash they are.
    await input.fill('１２３ ４５６ー７８');
    await page.click('[data-testid=code-submit]');
    await expect.poll(() => input.isDisabled()).toBe(true);
    expect(standIn.postedOf('code').at(-1)?.body).toEqual({ code: '123 456-78' });
    expect(await text(page, 'code-submit')).toBe(en.entry.busy);
    expect(await page.locator('[data-testid=code-submit]').isDisabled()).toBe(true);
    expect(await error.isVisible()).toBe(false);

    // The attempt fails before the handshake: the failed view, then the box again with the error, emptied for the next code.
    standIn.send({ event: 'state', data: view({ status: 'failed', error: { code: 'TANDEM_ERR_CODE_UNKNOWN', message: 'no session is waiting with nameplate 123' } }) });
    standIn.send({ event: 'entry', data: { ...ENTRY, error: { code: 'TANDEM_ERR_CODE_UNKNOWN', message: 'no session is waiting with nameplate 123' } } });
    await expect.poll(() => error.textContent()).toBe(`${en.entry.errors.TANDEM_ERR_CODE_UNKNOWN} TANDEM_ERR_CODE_UNKNOWN`);
    expect(await page.locator('[data-testid=code-entry]').isVisible()).toBe(true);
    expect(await input.isDisabled()).toBe(false);
    expect(await input.inputValue()).toBe('');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('code-input');
    await page.locator('[data-testid=lang-ja]').click();
    await expect.poll(() => error.textContent()).toBe(`${ja.entry.errors.TANDEM_ERR_CODE_UNKNOWN} TANDEM_ERR_CODE_UNKNOWN`);
    expect(await text(page, 'code-submit')).toBe(ja.entry.submit);
    await page.locator('[data-testid=lang-en]').click();

    // The right code: a session, whose consent screen replaces the box.
    await input.fill('87654321');
    await page.click('[data-testid=code-submit]');
    await expect.poll(() => input.isDisabled()).toBe(true);
    standIn.send({ event: 'state', data: view({ status: 'connecting' }) });
    standIn.send({ event: 'state', data: view({ ...SESSION, status: 'consent' }) });
    await expect.poll(() => text(page, 'technician')).toBe('Tanaka Ichiro');
    expect(await page.locator('[data-testid=code-entry]').isVisible()).toBe(false);
    expect(await text(page, 'sas')).toBe('482 913');
    expect(await page.locator('#grant-mode input:checked').inputValue()).toBe('control');
    expect(standIn.postedOf('code').map((a) => a.body)).toEqual([{ code: '123 45' }, { code: '123 456-78' }, { code: '87654321' }]);
  });

  it('while the session runs: the banner names the technician and what they can do, Stop control steps down, the step-up question names the mode it answers, End session asks first', async () => {
    const { standIn, page } = await start();
    standIn.send({ event: 'state', data: view({ ...SESSION, status: 'active', mode: 'control' }) });
    const banner = page.locator('[data-testid=session-banner]');
    await expect.poll(() => text(page, 'banner-text')).toBe('Tanaka Ichiro can use your mouse and keyboard');
    expect(await banner.getAttribute('data-mode')).toBe('control');
    expect(await text(page, 'stop-control')).toBe('Stop control');
    expect(await page.locator('[data-testid=end-session]').isVisible()).toBe(true);
    expect(await page.locator('[data-testid=mode]').getAttribute('data-mode')).toBe('control');
    await page.click('[data-testid=stop-control]');
    await expect.poll(() => standIn.postedOf('step-down').map((a) => a.body)).toEqual([{ mode: 'view' }]);

    standIn.send({ event: 'state', data: view({ ...SESSION, status: 'active', mode: 'view' }) });
    await expect.poll(() => text(page, 'banner-text')).toBe('Tanaka Ichiro is viewing your screen');
    expect(await text(page, 'stop-control')).toBe('Stop showing my screen');
    await page.locator('[data-testid=lang-ja]').click();
    expect(await text(page, 'banner-text')).toBe('Tanaka Ichiro さんがあなたの画面を見ています');
    expect(await text(page, 'end-session')).toBe('セッションを終了');
    await page.locator('[data-testid=lang-en]').click();

    // The step-up: a question naming what it allows, the mode's name and meaning; the answer carries that mode.
    standIn.send({ event: 'state', data: view({ ...SESSION, status: 'active', mode: 'view', pendingRequest: 'control' }) });
    await expect.poll(() => page.locator('#mode-request-text').textContent()).toBe('Allow Tanaka Ichiro to use your mouse and keyboard?');
    expect(await page.locator('#mode-request-mode').textContent()).toBe('Shared control');
    await page.click('[data-testid=allow-mode]');
    await expect.poll(() => standIn.postedOf('decide').map((a) => a.body)).toEqual([{ accepted: true, mode: 'control' }]);

    // End session asks first: keeping it, or Esc, sends nothing.
    const dialog = page.locator('[data-testid=end-dialog]');
    await page.click('[data-testid=end-session]');
    expect(await dialog.isVisible()).toBe(true);
    expect(await page.locator('#end-dialog-body').textContent()).toMatch(/^Tanaka Ichiro will no longer see your screen/);
    await page.click('[data-testid=end-cancel]');
    expect(await dialog.isVisible()).toBe(false);
    await page.click('[data-testid=end-session]');
    await page.keyboard.press('Escape');
    expect(await dialog.isVisible()).toBe(false);
    expect(standIn.postedOf('end')).toEqual([]);
    await page.click('[data-testid=end-session]');
    await page.click('[data-testid=end-confirm]');
    await expect.poll(() => standIn.postedOf('end').length).toBe(1);
    expect(await dialog.isVisible()).toBe(false);

    // A question left open when the session ends by itself goes away with it.
    await page.click('[data-testid=end-session]');
    standIn.send({ event: 'state', data: view({ ...SESSION, status: 'ended', mode: 'view', endReason: 'technician-ended' }) });
    await expect.poll(() => dialog.isVisible()).toBe(false);
  });

  it('chat: oldest first, the technician by name, the customer\'s own lines marked as theirs, each with its time', async () => {
    const { standIn, page } = await start();
    standIn.send({ event: 'state', data: view({ ...SESSION, status: 'active', mode: 'chat' }) });
    await expect.poll(() => text(page, 'banner-text')).toBe('Chatting with Tanaka Ichiro');
    // Nothing to stop in chat only: the button is not there, End session is.
    expect(await page.locator('[data-testid=stop-control]').isVisible()).toBe(false);
    expect(await page.locator('[data-testid=chat-log] .chat-empty').textContent()).toBe('No messages yet. You can write to Tanaka Ichiro here.');
    standIn.send({ event: 'chat', data: { from: 'system', key: 'system.started', params: { mode: 'chat' } } });
    standIn.send({ event: 'chat', data: { from: 'peer', text: 'Hello, how can I help?' } });
    await page.fill('[data-testid=chat-input]', 'My printer is offline');
    await page.click('[data-testid=chat-send]');
    await expect.poll(() => standIn.postedOf('chat').map((a) => a.body)).toEqual([{ text: 'My printer is offline' }]);
    standIn.send({ event: 'chat', data: { from: 'me', text: 'My printer is offline' } });
    standIn.send({ event: 'chat', data: { from: 'peer', text: 'Let me look.' } });
    const lines = page.locator('[data-testid=chat-log] li');
    await expect.poll(() => lines.count()).toBe(4);
    expect(await lines.evaluateAll((els) => els.map((el) => el.getAttribute('data-from')))).toEqual(['system', 'peer', 'me', 'peer']);
    expect(await page.locator('[data-testid=chat-log] .chat-who').allTextContents()).toEqual(['Tanaka Ichiro', 'You', 'Tanaka Ichiro']);
    expect(await page.locator('[data-testid=chat-log] [data-from=system]').allTextContents()).toEqual(['Session started: Chat only.']);
    expect(await page.locator('[data-testid=chat-log] li[data-from=me] .chat-text').textContent()).toBe('My printer is offline');
    // Times as the page received them, in the page's language, each with its machine-readable form.
    const stamps = await page.locator('[data-testid=chat-log] time').evaluateAll((els) => els.map((el) => [el.getAttribute('datetime'), el.textContent]));
    expect(stamps).toHaveLength(3);
    for (const [iso, shown] of stamps) {
      expect(Math.abs(Date.parse(iso ?? '') - Date.now())).toBeLessThan(60_000);
      expect(shown).toMatch(/\d{1,2}:\d{2}/);
    }
    expect(await page.locator('[data-testid=chat-log] li[data-from=system]').getAttribute('data-time')).toMatch(/\d{1,2}:\d{2}/);
  });

  it('the ended state says why in the customer\'s words and leaves nothing to click but the language', async () => {
    const { standIn, page } = await start();
    standIn.send({ event: 'state', data: view({ ...SESSION, status: 'active', mode: 'view' }) });
    standIn.send({ event: 'chat', data: { from: 'peer', text: 'All done, thank you.' } });
    await expect.poll(() => text(page, 'banner-text')).toBe('Tanaka Ichiro is viewing your screen');
    standIn.send({ event: 'state', data: view({ ...SESSION, status: 'ended', mode: 'view', endReason: 'technician-ended' }) });
    const status = page.locator('[data-testid=status]');
    await expect.poll(() => status.getAttribute('data-state')).toBe('ended');
    expect(await status.textContent()).toBe('Tanaka Ichiro ended the session.');
    expect(await page.locator('#status-title').textContent()).toBe(en.ended.title);
    expect(await page.locator('#status-hint').textContent()).toBe(en.ended.closeHint);
    // The chat stays as the record of the session; nothing of the session can be clicked or typed any more.
    expect(await page.locator('[data-testid=chat-log]').textContent()).toContain('All done, thank you.');
    const clickable = async (): Promise<(string | null)[]> => page.locator('button:visible, input:visible, select:visible, textarea:visible, a:visible').evaluateAll((els) => els.map((el) => el.getAttribute('data-testid')));
    expect(await clickable()).toEqual(['lang-en', 'lang-ja']);

    // Refused, and failed after it started: the same, in their own words.
    standIn.replace([{ event: 'state', data: view({ ...SESSION, status: 'ended', endReason: 'refused' }) }]);
    await expect.poll(() => status.textContent()).toBe(en.endedBecause.refused);
    expect(await clickable()).toEqual(['lang-en', 'lang-ja']);
    standIn.replace([{ event: 'state', data: view({ ...SESSION, status: 'failed', mode: 'view', error: { code: 'TANDEM_ERR_TRUNCATED', message: 'no authenticated end (technician-ended)' } }) }]);
    await expect.poll(() => status.getAttribute('data-state')).toBe('failed');
    expect(await status.textContent()).toBe(`${en.errors.TANDEM_ERR_TRUNCATED} TANDEM_ERR_TRUNCATED`);
    expect(await status.getAttribute('title')).toMatch(/technician-ended/);
    expect(await page.locator('#status-title').textContent()).toBe(en.ended.failedTitle);
    expect(await clickable()).toEqual(['lang-en', 'lang-ja']);
    // A session over without a line of chat leaves no empty record of one.
    expect(await page.locator('[data-testid=chat-log]').isVisible()).toBe(false);
    await page.locator('[data-testid=lang-ja]').click();
    expect(await page.locator('#status-title').textContent()).toBe(ja.ended.failedTitle);
    expect(await status.textContent()).toBe(`${ja.errors.TANDEM_ERR_TRUNCATED} TANDEM_ERR_TRUNCATED`);
  });

  it('offers the connection report to save and to copy after the relay could not be reached, and hides it while a code is tried', async () => {
    const { standIn, page } = await start();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(standIn.url).origin });
    standIn.send({ event: 'entry', data: ENTRY });
    await expect.poll(() => page.locator('[data-testid=code-entry]').isVisible()).toBe(true);
    expect(await page.locator('[data-testid=entry-report]').isVisible()).toBe(false);
    standIn.send({ event: 'entry', data: UNREACHED });
    await expect.poll(() => page.locator('[data-testid=entry-report]').isVisible()).toBe(true);
    expect(await text(page, 'entry-report-text')).toBe(REPORT);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=report-save]')]);
    expect(download.suggestedFilename()).toBe('tandem-connection-report.txt');
    const saved = join(mkdtempSync(join(tmpdir(), 'tandem-report-')), 'report.txt');
    onTestFinished(() => rmSync(join(saved, '..'), { recursive: true, force: true }));
    await download.saveAs(saved);
    expect(readFileSync(saved, 'utf8')).toBe(REPORT);
    await page.click('[data-testid=report-copy]');
    await expect.poll(() => page.locator('[data-testid=report-copied]').isVisible()).toBe(true);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(REPORT);
    standIn.send({ event: 'entry', data: { ...UNREACHED, busy: true } });
    await expect.poll(() => page.locator('[data-testid=entry-report]').isVisible()).toBe(false);
  });

  it('asks for the proxy\'s user name and password when a proxy asked, sends them once and keeps no copy', async () => {
    const { standIn, page } = await start();
    standIn.answer((name) => {
      if (name !== 'proxy-credentials') throw new Error(`unexpected action ${name}`);
      return {};
    });
    standIn.send({ event: 'entry', data: ENTRY });
    await expect.poll(() => page.locator('[data-testid=code-entry]').isVisible()).toBe(true);
    expect(await page.locator('[data-testid=proxy-form]').isVisible()).toBe(false);
    standIn.send({ event: 'entry', data: PROXY_ASKS });
    await expect.poll(() => page.locator('[data-testid=proxy-form]').isVisible()).toBe(true);
    expect(await text(page, 'proxy-title')).toBe(en.entry.proxyTitle.replace('{{proxy}}', 'proxy.corp:3128'));
    await page.fill('[data-testid=proxy-user]', 'sato');
    await page.fill('[data-testid=proxy-password]', 'pässword 1');
    await page.click('[data-testid=proxy-submit]');
    await expect.poll(() => page.locator('[data-testid=proxy-saved]').isVisible()).toBe(true);
    expect(standIn.postedOf('proxy-credentials').map((a) => a.body)).toEqual([{ username: 'sato', password: 'pässword 1' }]);
    expect(await page.locator('[data-testid=proxy-password]').inputValue()).toBe('');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('code-input');
    await page.locator('[data-testid=lang-ja]').click();
    expect(await text(page, 'proxy-title')).toBe(ja.entry.proxyTitle.replace('{{proxy}}', 'proxy.corp:3128'));
  });

  it("asks each file and system-information question in turn, answers it by id and kind, and shows a transfer's progress with Cancel", async () => {
    const { standIn, page } = await start();
    standIn.answer((name) => {
      if (name !== 'file-answer' && name !== 'file-cancel') throw new Error(`unexpected action ${name}`);
      return {};
    });
    standIn.send({ event: 'state', data: view({ ...SESSION, status: 'active', mode: 'view' }) });
    const question = page.locator('[data-testid=file-question]');
    await page.locator('[data-testid=session-banner]').waitFor({ state: 'visible' });
    expect(await question.isVisible()).toBe(false);
    standIn.send({ event: 'files', data: FILES_ASK });
    await expect.poll(() => question.isVisible()).toBe(true);
    expect(await page.locator('#file-question-text').textContent()).toBe('Tanaka Ichiro wants to send you the file printer driver.zip (25 MB)');
    expect(await page.locator('#file-question-help').textContent()).toBe(en.files.offerHelp.replace('{{folder}}', FOLDER));
    expect(await text(page, 'file-yes')).toBe(en.files.receive);
    await page.click('[data-testid=file-yes]');
    // The next question at once, before the agent's next word: the answer went for the offer alone.
    await expect.poll(() => question.getAttribute('data-kind')).toBe('sysinfo');
    expect(standIn.postedOf('file-answer').map((a) => a.body)).toEqual([{ id: 3, kind: 'offer', yes: true }]);
    await page.click('[data-testid=file-no]');
    await expect.poll(() => question.isVisible()).toBe(false);
    expect(standIn.postedOf('file-answer').map((a) => a.body)).toEqual([{ id: 3, kind: 'offer', yes: true }, { id: 1, kind: 'sysinfo', yes: false }]);
    standIn.send({ event: 'files', data: FILES_MOVING });
    const transfer = page.locator('[data-testid=transfer]');
    await expect.poll(() => transfer.count()).toBe(1);
    expect(await transfer.locator('.transfer-name').textContent()).toBe('Receiving printer driver.zip');
    expect(await transfer.locator('.transfer-figures').textContent()).toBe('9.4 MB of 25 MB (37%)');
    expect(await transfer.locator('progress').getAttribute('value')).toBe('9437184');
    // A second later, the page knows the speed and the time left.
    await page.waitForTimeout(1100);
    standIn.send({ event: 'files', data: { ...FILES_MOVING, transfers: [{ ...FILES_MOVING.transfers[0], bytes: 14_437_184 }] } });
    await expect.poll(() => transfer.locator('.transfer-figures').textContent()).toMatch(/^14 MB of 25 MB \(57%\), [\d.]+ MB\/s, \d+ s left$/);
    await page.click('[data-testid=transfer-cancel]');
    await expect.poll(() => standIn.postedOf('file-cancel').map((a) => a.body)).toEqual([{ id: 3 }]);
    await page.locator('[data-testid=lang-ja]').click();
    expect(await transfer.locator('.transfer-name').textContent()).toBe('「printer driver.zip」を受信中');
    standIn.send({ event: 'files', data: { folder: FOLDER, questions: [], transfers: [] } });
    await expect.poll(() => page.locator('[data-testid=transfers]').isVisible()).toBe(false);
  });

  /** Each screen of the page, as the events that show it. */
  const SCREENS: [string, ServerEvent[]][] = [
    ['code-entry', [{ event: 'entry', data: ENTRY }, { event: 'remove-when-done', data: { on: true } }]],
    ['code-entry-error', [{ event: 'entry', data: { ...ENTRY, error: { code: 'TANDEM_ERR_CODE_UNKNOWN', message: 'no session is waiting with nameplate 123' } } }, { event: 'remove-when-done', data: { on: true } }]],
    ['code-entry-report', [{ event: 'entry', data: UNREACHED }, { event: 'remove-when-done', data: { on: true } }]],
    ['code-entry-proxy', [{ event: 'entry', data: PROXY_ASKS }, { event: 'remove-when-done', data: { on: true } }]],
    ['consent', [{ event: 'state', data: view({ ...SESSION, status: 'consent' }) }, { event: 'remove-when-done', data: { on: true } }]],
    ['session-view', [{ event: 'state', data: view({ ...SESSION, status: 'active', mode: 'view' }) }, { event: 'chat', data: { from: 'peer', text: 'Hello, how can I help?' } }, { event: 'chat', data: { from: 'me', text: 'My printer is offline' } }]],
    ['session-control', [{ event: 'state', data: view({ ...SESSION, status: 'active', mode: 'control' }) }]],
    ['file-offer', [{ event: 'state', data: view({ ...SESSION, status: 'active', mode: 'view' }) }, { event: 'files', data: FILES_ASK }]],
    ['file-transfer', [{ event: 'state', data: view({ ...SESSION, status: 'active', mode: 'control' }) }, { event: 'files', data: FILES_MOVING }, { event: 'chat', data: { from: 'peer', text: 'I am sending you the new printer driver.' } }]],
    ['session-chat', [{ event: 'state', data: view({ ...SESSION, status: 'active', mode: 'chat' }) }]],
    ['step-up', [{ event: 'state', data: view({ ...SESSION, status: 'active', mode: 'view', pendingRequest: 'control' }) }]],
    ['ended', [{ event: 'state', data: view({ ...SESSION, status: 'ended', mode: 'view', endReason: 'technician-ended' }) }, { event: 'chat', data: { from: 'peer', text: 'All done, thank you.' } }]],
    ['failed', [{ event: 'state', data: view({ ...SESSION, status: 'failed', mode: 'view', error: { code: 'TANDEM_ERR_TRUNCATED', message: 'no authenticated end (technician-ended)' } }) }]],
  ];

  it('every screen at 1280x800 and 390x844, in English and Japanese: nothing wider than the window; the PNGs go to TANDEM_SCREENSHOTS or a temporary folder', async () => {
    const asked = process.env.TANDEM_SCREENSHOTS ?? '';
    const wanted = asked !== '';
    const dir = wanted ? join(asked, 'customer-page') : mkdtempSync(join(tmpdir(), 'tandem-page-shots-'));
    // Without the variable the pictures are only taken (a screenshot that cannot be made fails), then removed.
    if (!wanted) onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(dir, { recursive: true });
    for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      for (const language of ['en', 'ja'] as const) {
        const standIn = await PageStandIn.start();
        const page = await browser.newPage({ viewport });
        Object.assign(open, { standIn, page });
        await page.goto(standIn.url);
        await page.locator(`[data-testid=lang-${language}]`).click();
        for (const [name, events] of SCREENS) {
          // Each screen from a reset, as a page that connects to the agent then sees it.
          standIn.replace(events);
          // The screen is up: the code box, the consent, the banner, the step-up question or the ended status.
          const shown = name.startsWith('code-entry') ? '[data-testid=code-entry]' : name === 'consent' ? '[data-testid=technician]' : name === 'step-up' ? '#mode-request-text' : name === 'file-offer' ? '#file-question-text' : name === 'file-transfer' ? '[data-testid=transfer]' : name === 'ended' || name === 'failed' ? '[data-testid=status]' : '[data-testid=session-banner]';
          await page.locator(shown).waitFor({ state: 'visible' });
          if (name === 'code-entry-error') await page.locator('[data-testid=code-error]').waitFor({ state: 'visible' });
          if (name === 'code-entry-report') await page.locator('[data-testid=entry-report]').waitFor({ state: 'visible' });
          if (name === 'code-entry-proxy') await page.locator('[data-testid=proxy-form]').waitFor({ state: 'visible' });
          if (name === 'code-entry' || name === 'consent') await page.locator('[data-testid=remove-when-done]').waitFor({ state: 'visible' });
          const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));
          expect(widths.page, `${name} ${viewport.width}x${viewport.height} ${language}`).toBeLessThanOrEqual(widths.window);
          await page.screenshot({ path: join(dir, `${name}-${viewport.width}-${language}.png`), fullPage: true });
        }
        await page.close();
        await standIn.close();
        delete open.page;
        delete open.standIn;
      }
    }
  });
});
