/**
 * The step-up consent race (security review, issue 7 item 4) with real
 * processes: a relay, `tandem join` on an Xvfb desktop, and a hostile
 * technician (`tandem tech session`, which sends whatever it is told). The
 * technician asks for "view", and while the customer's "Allow" is on its way
 * swaps in "control". The customer's answer must grant what the customer saw
 * and nothing else, through the consent page in Chromium (the page's POST is
 * held in flight while the swap arrives) and on the terminal (`--no-browser`).
 */
import type { Browser, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, RelayFixture, startXvfb, type Proc, type Xvfb } from '@tandem/test-kit';

describe('a technician swapping a step-up request while the answer is in flight', () => {
  const relay = new RelayFixture();
  let techPw = '';
  let xvfb: Xvfb;
  let browser: Browser;

  beforeAll(async () => {
    await relay.start();
    techPw = await relay.addUser('mallory', 'technician', undefined, ['--display-name', 'Mallory Tech']);
    xvfb = await startXvfb('640x480x24');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    xvfb?.stop();
    await relay.stop();
  });

  /** The swap has reached the agent: refused (fixed) or taken as the pending request (the old race). */
  function swapArrived(agent: Proc, tech: Proc): Promise<unknown> {
    return Promise.race([agent.waitFor(/^event: mode-request control$/), tech.waitFor(/^event: decision control refused$/)]);
  }

  /** The mode the answer granted, as the technician hears it. */
  async function grantedMode(tech: Proc): Promise<string> {
    return (await tech.waitFor(/^event: mode (view|control)$/))[1]!;
  }

  it('through the consent page in Chromium: "Allow" for view grants view, never the control swapped in', async () => {
    const tech = relay.tech('mallory', techPw);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/))[1]!;
    // BROWSER=true: the agent "opens" its page with a command that does nothing; the test opens it.
    const agent = relay.agent(['join', code, '--relay', relay.url], { BROWSER: 'true', DISPLAY: xvfb.display });
    const pageUrl = (await agent.waitFor(/^page: (http:\/\/127\.0\.0\.1:\d+\/\S+)$/))[1]!;
    const page = await browser.newPage();
    await page.goto(pageUrl);
    await page.locator('[data-testid=lang-en]').click();
    await expect.poll(() => page.locator('[data-testid=technician]').textContent(), { timeout: 15_000 }).toContain('Mallory Tech');
    await page.click('[data-testid=accept]');
    await tech.waitFor(/^event: accepted chat$/);

    tech.send('/request view');
    const request = page.locator('[data-testid=mode-request]');
    await expect.poll(() => page.locator('#mode-request-text').textContent(), { timeout: 15_000 }).toBe('Allow Mallory Tech to see your screen?');
    expect(await request.isVisible()).toBe(true);

    // The customer clicks "Allow"; the POST is held on its way while the technician swaps the request.
    let held!: (route: Route) => void;
    const inFlight = new Promise<Route>((resolve) => (held = resolve));
    await page.route('**/api/decide', (route) => held(route));
    await page.click('[data-testid=allow-mode]');
    const route = await inFlight;
    const sent: unknown = route.request().postDataJSON();
    tech.send('/request control');
    await swapArrived(agent, tech);
    await route.continue();

    expect(await grantedMode(tech)).toBe('view');
    expect(sent).toEqual({ mode: 'view', accepted: true });
    await agent.waitFor(/^event: mode view$/);
    expect(tech.count(/^event: mode control$/)).toBe(0);
    expect(agent.count(/^event: mode control$/)).toBe(0);
    // The customer was told of the refused second request.
    await expect.poll(() => page.locator('[data-testid=chat-log] li[data-from=system]').allTextContents()).toContainEqual(
      'Mallory Tech also asked for "Shared control" while you are being asked about "View only"; that second request was refused automatically. Your answer is about "View only".',
    );
    await expect.poll(() => page.locator('[data-testid=mode]').getAttribute('data-mode')).toBe('view');

    tech.endInput();
    expect(await tech.exitCode()).toBe(0);
    expect(await agent.exitCode()).toBe(0);
    await page.close();
  });

  it('on the terminal (--no-browser): "y" typed for view grants view, never the control swapped in', async () => {
    const tech = relay.tech('mallory', techPw);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/))[1]!;
    const agent = relay.join(code, [], { DISPLAY: xvfb.display });
    agent.send('y');
    await tech.waitFor(/^event: accepted chat$/);

    tech.send('/request view');
    await agent.waitFor(/The technician asks to see your screen \(mode view\)\. Allow\? \[y\/n\]/, 20_000, 'err');
    // The customer types "y" for view as the swapped request arrives.
    tech.send('/request control');
    await swapArrived(agent, tech);
    agent.send('y');

    expect(await grantedMode(tech)).toBe('view');
    await agent.waitFor(/^event: mode view$/);
    expect(tech.count(/^event: mode control$/)).toBe(0);
    expect(agent.count(/^event: mode control$/)).toBe(0);
    expect(agent.stderrLines.join('\n')).toMatch(/also asked to see and control your screen .*refused automatically/);

    tech.endInput();
    expect(await tech.exitCode()).toBe(0);
    expect(await agent.exitCode()).toBe(0);
  });
});
