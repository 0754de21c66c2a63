/**
 * Invitations: expiry decided by the customer's clock only (clocks injected
 * with TANDEM_TEST_CLOCK_OFFSET_MS, the machine's untouched), and the relay
 * list tried in order with a timeout each on both sides.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInvitation } from '@tandem/protocol';
import { AgentHome, BlackHole, closedPortUrl, invite, RelayFixture, techInvitation, type Proc } from '@tandem/test-kit';

const DAY_MS = 24 * 3600 * 1000;

describe('invitation expiry and relay lists', () => {
  const relay = new RelayFixture();
  const home = new AgentHome();
  const hole = new BlackHole();
  let holeUrl = '';
  let closedUrl = '';
  let techPw = '';
  let n = 0;

  beforeAll(async () => {
    await relay.start();
    techPw = await relay.addUser('tanaka', 'technician');
    holeUrl = await hole.start();
    closedUrl = await closedPortUrl();
  });
  afterAll(async () => {
    await relay.stop();
    await hole.close();
    home.remove();
  });

  async function held(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ agent: Proc; file: string }> {
    const agent = invite(relay, home, ['--name', 'Kim', '--out', join(home.dir, `reach-${++n}.tandem`), ...args], env);
    const file = (await agent.waitFor(/^invitation: (.+)$/))[1]!;
    await agent.waitFor(/^event: holding /, 20_000);
    return { agent, file };
  }

  async function accepted(agent: Proc, tech: Proc): Promise<void> {
    await agent.waitFor(/\[y\/n\]/, 20_000, 'err');
    agent.send('y');
    await tech.waitFor(/^event: accepted chat$/);
    tech.endInput();
    expect(await tech.exitCode()).toBe(0);
    expect(await agent.exitCode()).toBe(0);
  }

  for (const [label, offset] of [['three days back', -3 * DAY_MS], ['three days ahead', 3 * DAY_MS]] as const) {
    it(`a technician whose clock is ${label} changes nothing: a live invitation is accepted`, async () => {
      const { agent, file } = await held(['--relay', relay.url, '--expires', '1h']);
      const tech = techInvitation(relay, file, 'tanaka', techPw, [], { TANDEM_TEST_CLOCK_OFFSET_MS: String(offset) });
      await tech.waitFor(/^invitation: .* \(informative; the customer's computer decides\)$/);
      // The offset reached the technician's clock: three days ahead, an invitation of one hour looks expired there (and is accepted all the same).
      if (offset > 0) await tech.waitFor(/looks expired by this computer's clock/, 20_000, 'err');
      await accepted(agent, tech);
      // Three days back the technician sees nothing; the lapsed invitation below shows the same offset applied.
      if (offset < 0) expect(tech.stderrLines.join('\n')).not.toMatch(/looks expired/);
    });
  }

  it('a lapsed invitation on the customer\'s clock is declined, even for a technician whose clock is days back', async () => {
    const { agent, file } = await held(['--relay', relay.url, '--expires', '1s']);
    await agent.waitFor(/^event: invitation-lapsed$/, 5000);
    const tech = techInvitation(relay, file, 'tanaka', techPw, [], { TANDEM_TEST_CLOCK_OFFSET_MS: String(-3 * DAY_MS) });
    await tech.waitFor(/^error: TANDEM_ERR_INVITATION_EXPIRED .*expired on the customer's computer/, 20_000, 'err');
    expect(await tech.exitCode()).toBe(1);
    await agent.waitFor(/^event: declined lapsed$/);
    // The offset was applied: by the technician's clock, three days back, the invitation looked live ...
    expect(tech.stderrLines.join('\n')).not.toMatch(/looks expired/);
    // ... while a technician on the true clock is told it looks expired: the customer declined what the technician's clock let through.
    const onTime = techInvitation(relay, file, 'tanaka', techPw);
    await onTime.waitFor(/looks expired by this computer's clock/, 20_000, 'err');
    await onTime.waitFor(/^error: TANDEM_ERR_INVITATION_EXPIRED /, 20_000, 'err');
    expect(await onTime.exitCode()).toBe(1);
    agent.kill('SIGINT');
    await agent.exitCode();
  });

  it('the customer\'s clock days ahead makes a fresh invitation start later, not expire: accepted', async () => {
    const { agent, file } = await held(['--relay', relay.url, '--expires', '1h'], { TANDEM_TEST_CLOCK_OFFSET_MS: String(2 * DAY_MS) });
    // The offset was applied: the invitation starts two days from now by the true clock.
    expect(parseInvitation(readFileSync(file, 'utf8')).start).toBeGreaterThan(Date.now() + DAY_MS);
    const tech = techInvitation(relay, file, 'tanaka', techPw);
    await accepted(agent, tech);
  });

  it('the first addresses refused and black-holed, the third works: both sides get through within the timeouts', async () => {
    const started = Date.now();
    const { agent, file } = await held(['--relay', closedUrl, '--relay', holeUrl, '--relay', relay.url, '--expires', '1h', '--relay-timeout', '2s']);
    expect(hole.connections).toBeGreaterThan(0);
    // The technician's own relay list, in the same order: the first two fail on that side too.
    const tech = techInvitation(relay, file, 'tanaka', techPw, ['--relay', closedUrl, '--relay', holeUrl, '--relay', relay.url, '--relay-timeout', '2s']);
    await tech.waitFor(/^event: joined$/, 20_000);
    // Two relay timeouts at most on each side, plus a generous margin for process start-up.
    expect(Date.now() - started).toBeLessThan(2 * 2000 + 15_000);
    expect(tech.stderrLines.join('\n')).toMatch(/relay http:\/\/127\.0\.0\.1:\d+: TANDEM_ERR_TIMEOUT .*did not answer within 2 s/);
    await accepted(agent, tech);
  });

  it('all relays unreachable: one clear message naming each, and a report file', async () => {
    const agent = invite(relay, home, ['--relay', closedUrl, '--relay', holeUrl, '--expires', '1h', '--relay-timeout', '2s', '--out', join(home.dir, 'none.tandem')]);
    const file = (await agent.waitFor(/^invitation: (.+)$/))[1]!;
    const message = (await agent.waitFor(/^error: TANDEM_ERR_RELAY_UNREACHABLE (.*)$/, 20_000, 'err'))[1]!;
    expect(message).toContain(closedUrl);
    expect(message).toContain(holeUrl);
    expect(message).toMatch(/refused|ECONNREFUSED/i);
    expect(message).toContain('did not answer within 2 s');
    const report = (await agent.waitFor(/^report: (.+)$/))[1]!;
    expect(existsSync(report)).toBe(true);
    const text = readFileSync(report, 'utf8');
    expect(text).toContain(closedUrl);
    expect(text).toContain(holeUrl);
    agent.kill('SIGINT');
    await agent.exitCode();

    const tech = techInvitation(relay, file, 'tanaka', techPw, ['--relay', closedUrl, '--relay', holeUrl, '--relay-timeout', '2s']);
    const techMessage = (await tech.waitFor(/^error: TANDEM_ERR_\w+ (.*)$/, 20_000, 'err'))[1]!;
    expect(techMessage).toMatch(/no relay worked/);
    expect(techMessage).toContain(closedUrl);
    expect(techMessage).toContain(holeUrl);
    expect(await tech.exitCode()).toBe(1);
  });
});
