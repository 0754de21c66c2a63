/**
 * The customer's screen in the technician's console, end to end: a relay, the
 * agent on an Xvfb with an xterm, the agent's consent page and the console in
 * Chromium. The technician types into the customer's xterm through noVNC and
 * the session's rfb channel; what reaches the shell is checked by the files
 * its commands create. xdotool, typing straight into the X server, proves
 * what did reach the shell's line and what did not.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL } from '@tandem/protocol';
import { ByteQueue, parseClientMessage, type ClientMessage } from '@tandem/rfb';
import { launchChromium, RelayFixture, requireTools, sleep, startXterm, startXvfb, type Proc, type Xvfb } from '@tandem/test-kit';

const W = 1024;
const H = 768;
/** When set, the tests save screenshots of the console there (English and Japanese), for people to look at. */
const SHOTS_DIR = process.env.TANDEM_SCREENSHOTS;
/** How long a command typed into the xterm may take to run before its absence counts. */
const SETTLE_MS = 2_000;

/**
 * Runs in the console's page before its scripts: keeps a copy of every
 * plaintext the page seals (WebCrypto AES-GCM, protocol/src/aead.ts), in
 * call order, which is record order. A record's plaintext is its channel
 * byte and its payload (secure-session.ts), so the test reads exactly the
 * RFB stream noVNC wrote, before the agent's gatekeeper judges any of it.
 */
function recordSealedPlaintexts(): void {
  const seen: number[][] = [];
  (globalThis as unknown as { tandemSealed: number[][] }).tandemSealed = seen;
  const proto = SubtleCrypto.prototype;
  const original: SubtleCrypto['encrypt'] = Reflect.get(proto, 'encrypt');
  proto.encrypt = function (this: SubtleCrypto, ...args: Parameters<SubtleCrypto['encrypt']>): Promise<ArrayBuffer> {
    const data = args[2];
    const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
    seen.push(Array.from(bytes));
    return original.apply(this, args);
  };
}

/** The RFB client messages noVNC sent in this page so far, after the handshake (version, security type None, ClientInit). */
async function rfbSent(page: Page): Promise<ClientMessage[]> {
  const records = await page.evaluate(() => (globalThis as unknown as { tandemSealed: number[][] }).tandemSealed);
  const stream = Buffer.concat(records.filter((r) => r[0] === CHANNEL.rfb).map((r) => Buffer.from(r.slice(1))));
  expect(stream.subarray(0, 12).toString('latin1')).toBe('RFB 003.008\n');
  const q = new ByteQueue();
  q.push(stream.subarray(14));
  const out: ClientMessage[] = [];
  for (let m = parseClientMessage(q); m !== null; m = parseClientMessage(q)) out.push(m.message);
  return out;
}

const isInput = (m: ClientMessage): boolean => m.type === 'KeyEvent' || m.type === 'PointerEvent';

describe('the customer screen in the console (noVNC over the session)', () => {
  const relay = new RelayFixture();
  const password = 'screen-pass-123456';
  let browser: Browser;
  let xvfb: Xvfb;
  let xterm: ChildProcess;
  let dir: string;
  const open: { agent?: Proc; pages: Page[] } = { pages: [] };

  beforeAll(async () => {
    requireTools();
    if (!existsSync('/usr/bin/xdotool')) throw new Error('missing /usr/bin/xdotool: run `npm test`, which installs it');
    dir = mkdtempSync(join(tmpdir(), 'tandem-screen-'));
    ({ xvfb, xterm } = await startDesktop(dir));
    await relay.start();
    await relay.addUser('sato', 'technician', password, ['--display-name', 'Sato Hana', '--team', 'Desk 1']);
    browser = await launchChromium();
  });
  afterEach(async () => {
    for (const page of open.pages.splice(0)) await page.close();
    open.agent?.kill('SIGKILL');
    delete open.agent;
    // Leave the shell's line empty for the next test.
    xdo('key', 'ctrl+u');
  });
  afterAll(async () => {
    await browser?.close();
    await relay.stop();
    xterm?.kill();
    xvfb?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function xdo(...args: string[]): void {
    const r = spawnSync('/usr/bin/xdotool', args, { env: { ...process.env, DISPLAY: xvfb.display } });
    if (r.status !== 0) throw new Error(`xdotool ${args.join(' ')}: ${r.stderr.toString()}`);
  }

  /** A technician session in `mode`, accepted by the customer on the agent's page; both pages and the screen ready. */
  async function connect(mode: 'view' | 'control'): Promise<{ tech: Page; customer: Page; screen: Locator; canvas: Locator }> {
    const tech = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    open.pages.push(tech);
    await tech.addInitScript(recordSealedPlaintexts);
    await tech.goto(`${relay.url}/#/signin`);
    await tech.locator('[data-testid=lang-en]').click();
    await tech.fill('#username', 'sato');
    await tech.fill('#password', password);
    await tech.click('[data-testid=signin]');
    await tech.locator('[data-testid=new-session]').waitFor();
    await tech.selectOption('#mode', mode);
    await tech.click('[data-testid=new-session]');
    const digits = async () => ((await tech.locator('[data-testid=code]').textContent()) ?? '').replace(/\D/g, '');
    await expect.poll(digits, { timeout: 15_000 }).toMatch(/^[0-9]{8}$/);
    const code = await digits();

    // BROWSER=true: the agent "opens" its page with a command that does nothing, and the test opens it instead.
    const agent = relay.agent(['join', code, '--relay', relay.url], { BROWSER: 'true', DISPLAY: xvfb.display });
    open.agent = agent;
    const pageUrl = (await agent.waitFor(/^page: (http:\/\/127\.0\.0\.1:\d+\/\S+)$/))[1]!;
    const customer = await browser.newPage({ viewport: { width: 900, height: 800 } });
    open.pages.push(customer);
    await customer.goto(pageUrl);
    await customer.locator('[data-testid=lang-en]').click();
    await expect.poll(() => customer.locator('[data-testid=technician]').textContent(), { timeout: 15_000 }).toContain('Sato Hana');
    await customer.fill('#customer-name', 'Kobayashi Ren');
    await expect.poll(() => customer.locator('#grant-mode input:checked').inputValue()).toBe(mode);
    await customer.click('[data-testid=accept]');

    await expect.poll(() => tech.locator('[data-testid=session-status]').getAttribute('data-state'), { timeout: 15_000 }).toBe('active');
    const screen = tech.locator('[data-testid=screen]');
    await expect.poll(() => screen.getAttribute('data-mode'), { timeout: 15_000 }).toBe(mode);
    await expect.poll(() => screen.getAttribute('data-connected'), { timeout: 20_000 }).toBe('true');
    const canvas = screen.locator('canvas');
    await expect.poll(() => canvas.getAttribute('width')).toBe(String(W));
    expect(await canvas.getAttribute('height')).toBe(String(H));
    return { tech, customer, screen, canvas };
  }

  /** Saves the console in English and in Japanese when TANDEM_SCREENSHOTS names a folder. */
  async function shoot(page: Page, name: string): Promise<void> {
    if (!SHOTS_DIR) return;
    await page.screenshot({ path: join(SHOTS_DIR, `${name}-en.png`) });
    await page.locator('[data-testid=lang-ja]').click();
    await page.screenshot({ path: join(SHOTS_DIR, `${name}-ja.png`) });
    await page.locator('[data-testid=lang-en]').click();
  }

  /** Clicks the screen over the xterm (top left of the remote screen), which focuses noVNC in control. */
  async function clickXterm(canvas: Locator): Promise<void> {
    await canvas.click({ position: { x: 60, y: 60 } });
  }

  it('in shared control, typing in the console runs a command in the customer xterm', async () => {
    const { tech, customer, screen, canvas } = await connect('view');
    const indicator = tech.locator('[data-testid=control-indicator]');
    expect(await indicator.getAttribute('data-mode')).toBe('view');
    expect(await indicator.textContent()).toMatch(/view only/i);
    await shoot(tech, 'console-view');

    await tech.click('[data-testid=screen-request-control]');
    await customer.locator('[data-testid=allow-mode]').click({ timeout: 15_000 });
    await expect.poll(() => screen.getAttribute('data-mode'), { timeout: 15_000 }).toBe('control');
    await expect.poll(() => indicator.textContent()).toMatch(/you are in control/i);
    // The stream goes on from view to control: no reconnect.
    expect(await screen.getAttribute('data-connected')).toBe('true');

    const file = join(dir, 'control-file');
    await clickXterm(canvas);
    await tech.keyboard.type(`touch ${file}`, { delay: 20 });
    await tech.keyboard.press('Enter');
    await expect.poll(() => existsSync(file), { timeout: 15_000 }).toBe(true);
    // The positive control of the console's layer below: in control, noVNC's stream carries the pointer and the keys.
    const sent = (await rfbSent(tech)).filter(isInput).map((m) => m.type);
    expect(sent).toContain('PointerEvent');
    expect(sent).toContain('KeyEvent');
    await shoot(tech, 'console-control');
  });

  it('in view only, the same typing creates nothing, and the console\'s layer (noVNC viewOnly) sends no key or pointer event at all', async () => {
    const { tech, canvas } = await connect('view');
    // The X pointer rests over the xterm, so any key that got through would reach the shell.
    xdo('mousemove', '60', '60');
    const file = join(dir, 'view-file');
    await clickXterm(canvas);
    await tech.keyboard.type(`touch ${file}`, { delay: 20 });
    await tech.keyboard.press('Enter');
    await sleep(SETTLE_MS);
    expect(existsSync(file)).toBe(false);
    // Nothing of it is waiting on the shell's line either: Return typed on the X server itself creates nothing.
    xdo('key', 'Return');
    await sleep(SETTLE_MS);
    expect(existsSync(file)).toBe(false);
    // The console's own layer, whatever the agent's gatekeeper and engine would drop: noVNC wrote no input at all.
    await tech.mouse.move(300, 300);
    await tech.mouse.wheel(0, 120);
    const sent = await rfbSent(tech);
    expect(sent.some((m) => m.type === 'FramebufferUpdateRequest')).toBe(true);
    expect(sent.filter(isInput)).toEqual([]);
  });

  it('drops the rest of the typing once the customer takes back control, and says so', async () => {
    const { tech, customer, screen, canvas } = await connect('control');
    const file = join(dir, 'partial-tail-file');
    const head = join(dir, 'partial-');
    await clickXterm(canvas);
    await tech.keyboard.type(`touch ${head}`, { delay: 20 });
    // Let every key so far arrive before the customer steps down: input still in flight at that instant is dropped too.
    await sleep(SETTLE_MS);

    await customer.click('[data-testid=stop-control]');
    await expect.poll(() => screen.getAttribute('data-mode'), { timeout: 15_000 }).toBe('view');
    const banner = tech.locator('[data-testid=took-back]');
    await expect.poll(() => banner.textContent()).toMatch(/customer took back control/i);
    expect(await tech.locator('[data-testid=control-indicator]').getAttribute('data-mode')).toBe('view');
    await shoot(tech, 'console-took-back');

    await clickXterm(canvas);
    await tech.keyboard.type('tail-file', { delay: 20 });
    await tech.keyboard.press('Enter');
    await sleep(SETTLE_MS);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(head)).toBe(false);
    // What was typed before the step-down is on the shell's line, and only that: Return on the X server runs it.
    xdo('key', 'Return');
    await expect.poll(() => existsSync(head), { timeout: 10_000 }).toBe(true);
    expect(existsSync(file)).toBe(false);

    // One more step down, to chat: the stream is over and the viewer goes away.
    await customer.click('[data-testid=stop-control]');
    await expect.poll(() => tech.locator('[data-testid=mode]').getAttribute('data-mode'), { timeout: 15_000 }).toBe('chat');
    await expect.poll(() => screen.count()).toBe(0);
    expect(await tech.locator('canvas').count()).toBe(0);

    // Stepping up again starts a fresh stream, which a fresh viewer reads from its handshake on.
    await tech.click('[data-testid=request-view]');
    await customer.locator('[data-testid=allow-mode]').click({ timeout: 15_000 });
    await expect.poll(() => screen.getAttribute('data-mode'), { timeout: 15_000 }).toBe('view');
    await expect.poll(() => screen.getAttribute('data-connected'), { timeout: 20_000 }).toBe('true');
    expect(await screen.locator('canvas').getAttribute('width')).toBe(String(W));
  });

  it('follows a resolution change of the customer screen while connected, and scales to fit or 1:1', async () => {
    const { tech, screen, canvas } = await connect('view');
    const fitWidth = (await canvas.boundingBox())?.width ?? 0;
    expect(fitWidth).toBeGreaterThan(0);
    expect(fitWidth).toBeLessThan(W);
    await tech.click('[data-testid=scale-toggle]');
    await expect.poll(() => screen.getAttribute('data-scale')).toBe('actual');
    await expect.poll(async () => (await canvas.boundingBox())?.width).toBe(W);

    const env = { ...process.env, DISPLAY: xvfb.display };
    spawnSync('/usr/bin/xrandr', ['--newmode', '800x600', '0', '800', '0', '0', '0', '600', '0', '0', '0'], { env });
    spawnSync('/usr/bin/xrandr', ['--addmode', 'screen', '800x600'], { env });
    try {
      const r = spawnSync('/usr/bin/xrandr', ['-s', '800x600'], { env });
      expect(r.status, r.stderr.toString()).toBe(0);
      await expect.poll(() => canvas.getAttribute('width'), { timeout: 15_000 }).toBe('800');
      expect(await canvas.getAttribute('height')).toBe('600');
      await expect.poll(async () => (await canvas.boundingBox())?.width).toBe(800);
      expect(await screen.getAttribute('data-connected')).toBe('true');
      await shoot(tech, 'console-actual-size');
    } finally {
      spawnSync('/usr/bin/xrandr', ['-s', `${W}x${H}`], { env });
    }
  });
});

/**
 * An Xvfb with an xterm on it. Other test runs on the machine pick display
 * numbers the same way, so a display taken between the check and the start
 * shows as an xterm that cannot stay up: start again on the next free one.
 */
async function startDesktop(cwd: string): Promise<{ xvfb: Xvfb; xterm: ChildProcess }> {
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const xvfb = await startXvfb(`${W}x${H}x24`);
    const xterm = startXterm(xvfb.display, cwd);
    try {
      await waitForXterm(xvfb.display, xterm);
      return { xvfb, xterm };
    } catch (err) {
      last = err;
      xterm.kill();
      xvfb.stop();
      await sleep(500);
    }
  }
  throw last;
}

/** Waits until the xterm has mapped its window (its first start may build the font cache), so that no key is lost. */
async function waitForXterm(display: string, xterm: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const r = spawnSync('/usr/bin/xdotool', ['search', '--class', 'xterm'], { env: { ...process.env, DISPLAY: display } });
    if (r.status === 0 && r.stdout.toString().trim() !== '') return;
    if (xterm.exitCode !== null || xterm.signalCode !== null) break;
    await sleep(100);
  }
  const r = spawnSync('/usr/bin/xdotool', ['search', '--class', 'xterm'], { env: { ...process.env, DISPLAY: display } });
  throw new Error(`xterm did not map a window on the Xvfb ${display} (xterm exit ${xterm.exitCode ?? xterm.signalCode ?? 'none'}): ${r.status} ${r.stderr.toString()}`);
}

