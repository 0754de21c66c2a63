/**
 * Relay, agent and technician client as separate processes on loopback:
 * consent, chat both ways, step-up requests accepted and refused, stepping
 * down, each side ending, and the audit rows the relay writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditSession } from '@tandem/protocol';
import { auditEvents, auditSessions, login, RelayFixture } from '@tandem/test-kit';

describe('a session between the technician client and the agent', () => {
  const relay = new RelayFixture();
  let techPw = '';
  let adminToken = '';

  beforeAll(async () => {
    await relay.start();
    techPw = await relay.addUser('tanaka', 'technician', undefined, ['--display-name', 'Tanaka Ichiro', '--team', 'Helpdesk']);
    await relay.addUser('chief', 'admin', 'admin-pass-123456');
    adminToken = await login(relay, 'chief', 'admin-pass-123456');
  });
  afterAll(() => relay.stop());

  async function auditOf(sessionId: string): Promise<AuditSession> {
    for (let i = 0; i < 50; i++) {
      const sessions = await auditSessions(relay, adminToken);
      const row = sessions.find((s) => s.sessionId === sessionId);
      if (row?.endReason) return row;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no finished audit row for ${sessionId}`);
  }

  it('runs consent, chat both ways, mode changes, and the technician ends it', async () => {
    const tech = relay.tech('tanaka', techPw, ['--case', 'CASE-77']);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/))[1]!;
    const agent = relay.join(code, ['--name', 'Yamada Hanako', '--customer-number', 'C-42']);
    // The customer sees who the technician is, as the relay vouches, before answering.
    await agent.waitFor(/Tanaka Ichiro/, 20_000, 'any');
    agent.send('y');
    await tech.waitFor(/^event: joined$/);
    const techSas = (await tech.waitFor(/^event: sas ([0-9]{3} [0-9]{3})$/))[1];
    const agentSas = (await agent.waitFor(/^event: sas ([0-9]{3} [0-9]{3})$/))[1];
    expect(techSas).toBe(agentSas);
    await tech.waitFor(/^event: accepted chat$/);

    tech.send('hello from the technician');
    await agent.waitFor(/^chat: hello from the technician$/);
    agent.send('こんにちは from the customer');
    await tech.waitFor(/^chat: こんにちは from the customer$/);

    tech.send('/request view');
    await agent.waitFor(/view.*\[y\/n\]/i, 20_000, 'any');
    agent.send('y');
    await tech.waitFor(/^event: decision view accepted$/);
    await tech.waitFor(/^event: mode view$/);

    tech.send('/request control');
    await agent.waitFor(/control.*\[y\/n\]/i, 20_000, 'any');
    agent.send('n');
    await tech.waitFor(/^event: decision control refused$/);
    expect(tech.count(/^event: mode control$/)).toBe(0);

    agent.send('/mode chat');
    await tech.waitFor(/^event: mode chat$/);

    tech.endInput();
    await agent.waitFor(/^event: ended technician-ended$/);
    expect(await tech.exitCode()).toBe(0);
    expect(await agent.exitCode()).toBe(0);
    // Chat text is content: that no frame the relay forwards carries it is searched, with its positive control, in relay-tap.test.ts.

    const sessionId = (await auditSessions(relay, adminToken))[0]!.sessionId;
    const row = await auditOf(sessionId);
    expect(row).toMatchObject({
      technicianUsername: 'tanaka',
      customerName: 'Yamada Hanako',
      customerNumber: 'C-42',
      caseNumber: 'CASE-77',
      endReason: 'technician-ended',
      technicianAddress: '127.0.0.1',
      customerAddress: '127.0.0.1',
      modeRequested: 'chat',
      modeAtStart: 'chat',
      lastMode: 'chat',
    });
    expect(row.startedAt).toBeTruthy();
    expect(row.endedAt).toBeTruthy();
  });

  it('lets the customer end the session', async () => {
    const tech = relay.tech('tanaka', techPw);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/))[1]!;
    const agent = relay.join(code, ['--name', 'Sato']);
    agent.send('y');
    await tech.waitFor(/^event: accepted chat$/);
    agent.send('/end');
    await tech.waitFor(/^event: ended customer-ended$/);
    expect(await tech.exitCode()).toBe(0);
    expect(await agent.exitCode()).toBe(0);
  });

  it('reports a refusal on both sides and exits non-zero on the technician side', async () => {
    const tech = relay.tech('tanaka', techPw, ['--mode', 'control']);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/))[1]!;
    const agent = relay.join(code);
    await agent.waitFor(/control/i, 20_000, 'any');
    agent.send('n');
    await tech.waitFor(/^event: refused$/);
    expect(await tech.exitCode()).not.toBe(0);
    expect(tech.stderrLines.join('\n')).toMatch(/TANDEM_ERR_REFUSED/);
    expect(await agent.exitCode()).toBe(0);
  });

  it('fails both sides on a wrong secret, and the right secret afterwards finds the code burnt', async () => {
    const tech = relay.tech('tanaka', techPw);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/))[1]!;
    const wrong = code.slice(0, 3) + String((Number(code.slice(3)) + 1) % 100000).padStart(5, '0');
    const guesser = relay.join(wrong);
    expect(await guesser.exitCode()).not.toBe(0);
    expect(guesser.stderrLines.join('\n')).toMatch(/TANDEM_ERR_WRONG_CODE/);
    expect(await tech.exitCode()).not.toBe(0);
    expect(tech.stderrLines.join('\n')).toMatch(/TANDEM_ERR_WRONG_CODE/);

    const late = relay.join(code);
    expect(await late.exitCode()).not.toBe(0);
    expect(late.stderrLines.join('\n')).toMatch(/TANDEM_ERR_CODE_UNKNOWN/);

    const events = await auditEvents(relay, adminToken);
    expect(events.some((e) => e.kind === 'code-failed')).toBe(true);
  });

  it('refuses a finished code', async () => {
    const tech = relay.tech('tanaka', techPw);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/))[1]!;
    const agent = relay.join(code);
    agent.send('y');
    await tech.waitFor(/^event: accepted chat$/);
    tech.endInput();
    expect(await agent.exitCode()).toBe(0);
    const again = relay.join(code);
    expect(await again.exitCode()).not.toBe(0);
    expect(again.stderrLines.join('\n')).toMatch(/TANDEM_ERR_CODE_UNKNOWN/);
  });

  it('reports a lost network on the other side as a cut-off session', async () => {
    const tech = relay.tech('tanaka', techPw);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/))[1]!;
    const agent = relay.join(code);
    agent.send('y');
    await tech.waitFor(/^event: accepted chat$/);
    agent.kill('SIGKILL');
    expect(await tech.exitCode()).not.toBe(0);
    // After the keys are confirmed any end without the peer's authenticated close is truncation; the relay's reason is quoted.
    expect(tech.stderrLines.join('\n')).toMatch(/^error: TANDEM_ERR_TRUNCATED .*network-lost/m);
  });
});

describe('code lifetime', () => {
  const relay = new RelayFixture();
  let techPw = '';

  beforeAll(async () => {
    await relay.start(['--code-lifetime', '2s']);
    techPw = await relay.addUser('suzuki', 'technician');
  });
  afterAll(() => relay.stop());

  it('refuses an expired code on both sides with a clear message', async () => {
    const tech = relay.tech('suzuki', techPw);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/))[1]!;
    await new Promise((r) => setTimeout(r, 2600));
    const agent = relay.join(code);
    expect(await agent.exitCode()).not.toBe(0);
    expect(agent.stderrLines.join('\n')).toMatch(/TANDEM_ERR_CODE_EXPIRED/);
    tech.endInput();
    await tech.exitCode();
  });

  it('accepts an extended code after its original lifetime', async () => {
    const tech = relay.tech('suzuki', techPw);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/))[1]!;
    tech.send('/extend');
    await tech.waitFor(/^event: extended/);
    await new Promise((r) => setTimeout(r, 2600));
    const agent = relay.join(code);
    agent.send('y');
    await tech.waitFor(/^event: accepted chat$/);
    agent.send('/end');
    expect(await tech.exitCode()).toBe(0);
    expect(await agent.exitCode()).toBe(0);
  });
});
