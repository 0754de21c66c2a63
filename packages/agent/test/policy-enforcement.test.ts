/**
 * The local policy enforced by real agent processes (docs/policy.md):
 * control forbidden cannot be granted even when the customer answers y, a
 * relay outside the allowed list is never contacted, and invitations can be
 * turned off. Policy files are pointed to with TANDEM_POLICY_SYSTEM/USER.
 * The cap is proven at each of its layers: the terminal prompt, the consent
 * page in Chromium, and the join controller behind both (an answer posted
 * for more than the page offered).
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentHome, BlackHole, invite, launchChromium, RelayFixture } from '@tandem/test-kit';

describe('local policy', () => {
  const relay = new RelayFixture();
  const home = new AgentHome();
  const hole = new BlackHole();
  let holeUrl = '';
  let techPw = '';
  let browser: Browser;

  beforeAll(async () => {
    await relay.start();
    techPw = await relay.addUser('tanaka', 'technician');
    holeUrl = await hole.start();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await relay.stop();
    await hole.close();
    home.remove();
  });

  it('control forbidden: a y to a control request grants view only, and a step-up to control is refused without asking', async () => {
    home.userPolicy({ forbidControl: true });
    const tech = relay.tech('tanaka', techPw, ['--mode', 'control']);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/))[1]!;
    const agent = relay.join(code, [], home.env());
    await agent.waitFor(/^Policy: +Shared control is turned off on this computer/, 20_000, 'err');
    await agent.waitFor(/\[y\/n\]/, 20_000, 'err');
    agent.send('y');
    await tech.waitFor(/^event: accepted view$/);
    tech.send('/request control');
    await tech.waitFor(/^event: decision control refused$/);
    await agent.waitFor(/local policy forbids it/, 20_000, 'err');
    expect(tech.count(/^event: (mode|accepted) control$/)).toBe(0);
    tech.endInput();
    expect(await tech.exitCode()).toBe(0);
    expect(await agent.exitCode()).toBe(0);
  });

  it('join controller layer, through the consent page: under a policy that forbids control the page offers at most view, and an answer posted for control anyway grants view', async () => {
    home.userPolicy({ forbidControl: true });
    const tech = relay.tech('tanaka', techPw, ['--mode', 'control']);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/))[1]!;
    // BROWSER=true: the agent "opens" its page with a command that does nothing; the test opens it in Chromium.
    const agent = relay.agent(['join', code, '--relay', relay.url], { ...home.env(), BROWSER: 'true' });
    const pageUrl = (await agent.waitFor(/^page: (http:\/\/127\.0\.0\.1:\d+\/\S+)$/))[1]!;
    const page = await browser.newPage();
    try {
      await page.goto(pageUrl);
      // The page's own layer: it never offers control.
      await expect.poll(() => page.locator('#grant-mode input').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)), { timeout: 15_000 }).toEqual(['chat', 'view']);
      // The controller's layer: the answer a page that did offer control would post, from the page itself (its cookie, its origin).
      const status = await page.evaluate(async () => {
        const body = { name: 'Policy Customer', customerNumber: '', caseNumber: '', mode: 'control', eventLog: false };
        return (await fetch('api/accept', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status;
      });
      expect(status).toBe(200);
      expect((await tech.waitFor(/^event: accepted (\w+)$/))[1], 'the mode the customer\'s agent granted').toBe('view');
      expect(tech.count(/^event: (mode|accepted) control$/)).toBe(0);
    } finally {
      await page.close();
    }
    tech.endInput();
    expect(await tech.exitCode()).toBe(0);
    expect(await agent.exitCode()).toBe(0);
  });

  it('a relay outside the allowed list is never contacted, by tandem join or tandem invite', async () => {
    home.userPolicy({ allowedRelays: [relay.url] });
    const before = hole.connections;
    const join1 = relay.agent(['join', '12345678', '--relay', holeUrl, '--no-browser'], home.env());
    expect(await join1.exitCode()).toBe(1);
    expect(join1.stderrLines.join('\n')).toMatch(new RegExp(`TANDEM_ERR_POLICY_FORBIDS the relay ${holeUrl.replace(/[.:/]/g, '\\$&')} is not allowed by the local policy .*user-policy\\.json`));
    const inv = invite(relay, home, ['--relay', relay.url, '--relay', holeUrl, '--expires', '1h', '--out', join(home.dir, 'p.tandem')]);
    expect(await inv.exitCode()).toBe(1);
    expect(inv.stderrLines.join('\n')).toMatch(/TANDEM_ERR_POLICY_FORBIDS .*not allowed by the local policy/);
    expect(inv.count(/^invitation: /)).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(hole.connections).toBe(before);
  });

  it('invitations forbidden: tandem invite refuses, naming the policy file', async () => {
    home.userPolicy({ forbidInvitations: true });
    const inv = invite(relay, home, ['--relay', relay.url, '--expires', '1h', '--out', join(home.dir, 'q.tandem')]);
    expect(await inv.exitCode()).toBe(1);
    expect(inv.stderrLines.join('\n')).toMatch(/TANDEM_ERR_POLICY_FORBIDS Invitations are turned off on this computer \(local policy .*user-policy\.json\)/);
  });

  it('the lifetime is capped by the policy', async () => {
    home.userPolicy({ maxInvitationLifetimeSeconds: 600 });
    const inv = invite(relay, home, ['--relay', relay.url, '--expires', '2d', '--out', join(home.dir, 'r.tandem')]);
    await inv.waitFor(/limits invitations to 10 minutes/, 20_000, 'err');
    await inv.waitFor(/^event: holding /);
    inv.kill('SIGINT');
    expect(await inv.exitCode()).toBe(0);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(join(home.dir, 'r.tandem'), 'utf8')).toMatch(/^Lifetime: 600$/m);
  });
});
