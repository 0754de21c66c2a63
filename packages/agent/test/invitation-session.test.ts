/**
 * Invitations end to end with real processes on loopback: the customer's
 * `tandem invite` holding the ticket on a relay, the technician's
 * `tandem tech invitation` answering it; passwords right and wrong, the
 * audit on the relay, the wrong-attempt limit, and `tandem expire`.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '@tandem/protocol';
import { AgentHome, agentRun, auditEvents, invite, login, RelayFixture, techInvitation, type Proc } from '@tandem/test-kit';

describe('invitations between tandem invite and tandem tech invitation', () => {
  const relay = new RelayFixture();
  const home = new AgentHome();
  let techPw = '';
  let adminToken = '';
  let invPw = '';
  let wrongPw = '';
  let n = 0;

  beforeAll(async () => {
    await relay.start();
    techPw = await relay.addUser('tanaka', 'technician', undefined, ['--display-name', 'Tanaka Ichiro']);
    await relay.addUser('chief', 'admin', 'admin-pass-123456');
    adminToken = await login(relay, 'chief', 'admin-pass-123456');
    invPw = home.file('inv.pw', 'open-sesame-42\n');
    wrongPw = home.file('wrong.pw', 'not-the-password\n');
  });
  afterAll(async () => {
    await relay.stop();
    home.remove();
  });

  /** Starts an invitation and waits until it is held; returns the process and its file. */
  async function newInvitation(extra: string[]): Promise<{ agent: Proc; file: string; link: string; id: string }> {
    const out = join(home.dir, `inv-${++n}.tandem`);
    const agent = invite(relay, home, ['--relay', relay.url, '--expires', '1h', '--name', 'Yamada Hanako', '--out', out, ...extra]);
    const file = (await agent.waitFor(/^invitation: (.+)$/))[1]!;
    const link = (await agent.waitFor(/^link: (.+)$/))[1]!;
    const id = (await agent.waitFor(/^id: ([0-9a-f]{12})$/))[1]!;
    await agent.waitFor(/^event: holding /);
    return { agent, file, link, id };
  }

  /** The technician connects; the customer accepts; chat both ways; the technician ends. */
  async function acceptAndChat(agent: Proc, tech: Proc): Promise<void> {
    await agent.waitFor(/Allow Tanaka Ichiro to chat with you\? \[y\/n\]/, 20_000, 'err');
    agent.send('y');
    await tech.waitFor(/^event: accepted chat$/);
    const techSas = (await tech.waitFor(/^event: sas (\d{3} \d{3})$/))[1];
    expect((await agent.waitFor(/^event: sas (\d{3} \d{3})$/))[1]).toBe(techSas);
    tech.send('hello from the technician');
    await agent.waitFor(/^chat: hello from the technician$/);
    agent.send('こんにちは from the customer');
    await tech.waitFor(/^chat: こんにちは from the customer$/);
    tech.endInput();
    expect(await tech.exitCode()).toBe(0);
    await agent.waitFor(/^event: ended technician-ended$/);
    // One session per invitation: the agent is done.
    expect(await agent.exitCode()).toBe(0);
  }

  it('a password-protected invitation: a wrong password is refused on both sides and audited, the right one then works', async () => {
    const { agent, file, id } = await newInvitation(['--password-file', invPw]);
    const wrong = techInvitation(relay, file, 'tanaka', techPw, ['--invitation-password-file', wrongPw]);
    await wrong.waitFor(/^invitation: [0-9a-f]{12} from Yamada Hanako, expires \S+ \(informative; the customer's computer decides\)$/);
    await wrong.waitFor(/^error: TANDEM_ERR_WRONG_CODE /, 20_000, 'err');
    expect(await wrong.exitCode()).toBe(1);
    await agent.waitFor(/^event: wrong-password 1$/);

    // The relay audits the failed attempt, never any secret.
    let events: AuditEvent[] = [];
    for (let i = 0; i < 50 && !events.some((e) => e.kind === 'invitation-failed'); i++) {
      events = await auditEvents(relay, adminToken);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Who tried and from where; the password itself never reaches the relay in any form (relay-tap.test.ts searches every frame for it).
    expect(events.find((e) => e.kind === 'invitation-failed')).toMatchObject({ username: 'tanaka', address: '127.0.0.1' });

    const { stdout } = { stdout: (await agentRun(home, ['invitations'])).lines.join('\n') };
    expect(stdout).toMatch(new RegExp(`^${id}  Yamada Hanako  expires \\S+  relays ${relay.url.replace(/[.:/]/g, '\\$&')}  open \\(held`, 'm'));

    const tech = techInvitation(relay, file, 'tanaka', techPw, ['--invitation-password-file', invPw]);
    await acceptAndChat(agent, tech);
    expect((await agentRun(home, ['invitations'])).lines.join('\n')).toMatch(new RegExp(`^${id} .* used$`, 'm'));
  });

  it('a password-less invitation through its link: the technician needs no password', async () => {
    const { agent, link } = await newInvitation([]);
    const tech = techInvitation(relay, link, 'tanaka', techPw);
    await acceptAndChat(agent, tech);
  });

  it('a password-protected invitation without --invitation-password-file is a usage error', async () => {
    const { agent, file } = await newInvitation(['--password-file', invPw]);
    const tech = techInvitation(relay, file, 'tanaka', techPw);
    expect(await tech.exitCode()).toBe(2);
    expect(tech.stderrLines.join('\n')).toMatch(/password protected.*--invitation-password-file/);
    agent.kill('SIGINT');
    expect(await agent.exitCode()).toBe(0);
  });

  it('the fifth wrong password expires the invitation: then even the right one gets INVITATION_EXPIRED', async () => {
    const { agent, file } = await newInvitation(['--password-file', invPw]);
    for (let i = 1; i <= 5; i++) {
      const wrong = techInvitation(relay, file, 'tanaka', techPw, ['--invitation-password-file', wrongPw]);
      await wrong.waitFor(/^error: TANDEM_ERR_WRONG_CODE /, 20_000, 'err');
      await wrong.exitCode();
      await agent.waitFor(new RegExp(`^event: wrong-password ${i}$`));
    }
    await agent.waitFor(/^event: invitation-expired$/);
    expect(await agent.exitCode()).toBe(1);
    const right = techInvitation(relay, file, 'tanaka', techPw, ['--invitation-password-file', invPw]);
    await right.waitFor(/^error: TANDEM_ERR_INVITATION_EXPIRED /, 20_000, 'err');
    expect(await right.exitCode()).toBe(1);
  });

  it('tandem expire makes one invitation fail at once while another stays usable', async () => {
    const a = await newInvitation([]);
    const b = await newInvitation([]);
    const expired = await agentRun(home, ['expire', a.id]);
    expect(expired.lines).toContain(`expired: ${a.id}`);
    await a.agent.waitFor(/^event: invitation-expired$/, 3000);
    expect(await a.agent.exitCode(3000)).toBe(0);
    const onA = techInvitation(relay, a.file, 'tanaka', techPw);
    await onA.waitFor(/^error: TANDEM_ERR_INVITATION_EXPIRED /, 20_000, 'err');
    expect(await onA.exitCode()).toBe(1);
    const onB = techInvitation(relay, b.file, 'tanaka', techPw);
    await acceptAndChat(b.agent, onB);
  });
});
