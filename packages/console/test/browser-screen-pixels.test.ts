/**
 * noVNC in the console draws the customer's screen exactly: the canvas's
 * pixels, read in the page, equal the X server's own screenshot (xwd -root)
 * of the customer's Xvfb. The console leaves noVNC's defaults (Tight first,
 * JPEG quality level 6), so the engine may choose JPEG per rectangle; it does
 * so only for photographic content (packages/agent/src/rfb/encoders/photo-detect.ts),
 * and an xterm with text and flat coloured backgrounds is not: the whole
 * screen must match exactly. The coloured backgrounds catch a red/blue swap.
 */
import type { ChildProcess } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptOnTerminal, diff, launchChromium, RelayFixture, requireTools, screenshot, startColourXterm, startXvfb, tempDir, waitForColour, XTERM_RED, type Proc, type Xvfb } from '@tandem/test-kit';

const W = 1024;
const H = 768;

describe('noVNC in the console shows the customer screen pixel for pixel', () => {
  const relay = new RelayFixture();
  const password = 'pixels-pass-123456';
  let browser: Browser;
  let xvfb: Xvfb;
  let xterm: ChildProcess;
  let dir: string;
  let agent: Proc | undefined;
  let tech: Page | undefined;

  beforeAll(async () => {
    requireTools();
    dir = tempDir();
    xvfb = await startXvfb(`${W}x${H}x24`);
    xterm = startColourXterm(xvfb.display, dir);
    await waitForColour(xvfb.display, dir, XTERM_RED);
    await relay.start();
    await relay.addUser('ito', 'technician', password);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await tech?.close();
    agent?.kill('SIGKILL');
    await browser?.close();
    await relay.stop();
    xterm?.kill();
    xvfb?.stop();
  });

  /** The noVNC canvas's pixels as packed RGB, read in the page (noVNC draws into a 2D canvas). */
  async function canvasRgb(page: Page): Promise<Buffer> {
    const b64 = await page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=screen] canvas');
      if (!canvas) throw new Error('no canvas in [data-testid=screen]');
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('the noVNC canvas has no 2D context');
      const rgba = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      const rgb = new Uint8Array((rgba.length / 4) * 3);
      for (let i = 0, o = 0; i < rgba.length; i += 4) {
        rgb[o++] = rgba[i] as number;
        rgb[o++] = rgba[i + 1] as number;
        rgb[o++] = rgba[i + 2] as number;
      }
      let s = '';
      for (let i = 0; i < rgb.length; i += 0x8000) s += String.fromCharCode(...rgb.subarray(i, i + 0x8000));
      return btoa(s);
    });
    return Buffer.from(b64, 'base64');
  }

  it('in view only at 1:1, the noVNC canvas equals xwd -root of the customer Xvfb', async () => {
    tech = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await tech.goto(`${relay.url}/#/signin`);
    await tech.locator('[data-testid=lang-en]').click();
    await tech.fill('#username', 'ito');
    await tech.fill('#password', password);
    await tech.click('[data-testid=signin]');
    await tech.locator('[data-testid=new-session]').waitFor();
    await tech.selectOption('#mode', 'view');
    await tech.click('[data-testid=new-session]');
    const digits = async (): Promise<string> => ((await tech!.locator('[data-testid=code]').textContent()) ?? '').replace(/\D/g, '');
    await expect.poll(digits, { timeout: 15_000 }).toMatch(/^[0-9]{8}$/);

    agent = relay.join(await digits(), [], { DISPLAY: xvfb.display });
    await acceptOnTerminal(agent);

    const screen = tech.locator('[data-testid=screen]');
    await expect.poll(() => screen.getAttribute('data-mode'), { timeout: 15_000 }).toBe('view');
    await expect.poll(() => screen.getAttribute('data-connected'), { timeout: 20_000 }).toBe('true');
    await tech.click('[data-testid=scale-toggle]');
    await expect.poll(() => screen.getAttribute('data-scale')).toBe('actual');
    const canvas = screen.locator('canvas');
    await expect.poll(async () => (await canvas.boundingBox())?.width).toBe(W);
    expect(await canvas.getAttribute('width')).toBe(String(W));
    expect(await canvas.getAttribute('height')).toBe(String(H));

    // Nothing moves on the customer screen but the xterm's cursor, which blinks only with focus (none here):
    // once the first full update is drawn, the canvas must equal the X server's picture exactly.
    await expect.poll(async () => diff(screenshot(xvfb.display, dir), await canvasRgb(tech!), W), { timeout: 15_000, interval: 300 })
      .toEqual({ maxDelta: 0, pixels: 0 });
    expect(await screen.getAttribute('data-connected')).toBe('true');
  });
});
