/**
 * A burnt code on the technician's command line (issue 7, item 8), with real
 * relay and agent processes: a customer's agent with a wrong code burns it.
 * By default `tandem tech session` says `event: burnt`, then the documented
 * `error: TANDEM_ERR_WRONG_CODE …` and exits non-zero; with
 * `--renew-burnt-code` it prints a fresh `code:` on the same sign-in at once
 * and goes on waiting, and that code works (lines typed meanwhile included).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelayFixture } from '@tandem/test-kit';

/** The same nameplate with another secret: a wrong code for the same waiting session. */
function wrongCodeFor(code: string): string {
  return code.slice(0, 3) + String((Number(code.slice(3)) + 1) % 100000).padStart(5, '0');
}

describe('tandem tech session when its code is burnt', () => {
  const relay = new RelayFixture();
  let techPw = '';

  beforeAll(async () => {
    await relay.start();
    techPw = await relay.addUser('tanaka', 'technician');
  });
  afterAll(() => relay.stop());

  it('says "event: burnt", then the documented error, and exits non-zero', async () => {
    const tech = relay.tech('tanaka', techPw);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/))[1]!;
    const guesser = relay.join(wrongCodeFor(code));
    expect(await guesser.exitCode()).not.toBe(0);
    await tech.waitFor(/^event: burnt$/);
    expect(await tech.exitCode()).toBe(1);
    expect(tech.stderrLines.join('\n')).toMatch(/^error: TANDEM_ERR_WRONG_CODE /m);
    expect(tech.count(/^code: /)).toBe(1);
  });

  it('with --renew-burnt-code: "event: burnt", a fresh code at once on the same sign-in, and the fresh code works', async () => {
    const tech = relay.tech('tanaka', techPw, ['--renew-burnt-code']);
    const first = (await tech.waitFor(/^code: ([0-9]{8})$/))[1]!;
    // Typed while waiting: carried out once a customer accepts, whichever code they used.
    tech.send('hello after a burnt code');
    const guesser = relay.join(wrongCodeFor(first));
    expect(await guesser.exitCode()).not.toBe(0);
    expect(guesser.stderrLines.join('\n')).toMatch(/TANDEM_ERR_WRONG_CODE/);
    await tech.waitFor(/^event: burnt$/);
    await expect.poll(() => tech.count(/^code: [0-9]{8}$/), { timeout: 20_000 }).toBe(2);
    const fresh = tech.lines.filter((l) => /^code: [0-9]{8}$/.test(l))[1]!.slice('code: '.length);
    expect(fresh).not.toBe(first);
    expect(tech.lines.indexOf('event: burnt')).toBeLessThan(tech.lines.indexOf(`code: ${fresh}`));
    expect(tech.stderrLines.join('\n')).not.toMatch(/^error: /m);

    // The burnt one is gone for good; the fresh one opens the session.
    const late = relay.join(first);
    expect(await late.exitCode()).not.toBe(0);
    expect(late.stderrLines.join('\n')).toMatch(/TANDEM_ERR_CODE_UNKNOWN/);
    const agent = relay.join(fresh, ['--name', 'Yamada Hanako']);
    await agent.waitFor(/\[y\/n\]/, 20_000, 'err');
    agent.send('y');
    await tech.waitFor(/^event: accepted chat$/);
    await agent.waitFor(/^chat: hello after a burnt code$/);
    tech.endInput();
    expect(await tech.exitCode()).toBe(0);
    await agent.waitFor(/^event: ended technician-ended$/);
    expect(await agent.exitCode()).toBe(0);
  });
});
