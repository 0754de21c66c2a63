/**
 * System information through a real relay (issue 11; README, "System
 * information"): sent only after the customer's yes, refused on a no and by
 * the local policy without asking, and the customer's event log gets its
 * line. The system log is a stand-in `logger` first on the agent's PATH that
 * writes its arguments to a file.
 */
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TANDEM_VERSION } from '@tandem/protocol';
import { AgentHome, RelayFixture, tempDir, waitFor, type Proc } from '@tandem/test-kit';

describe('system information', () => {
  const relay = new RelayFixture();
  const home = new AgentHome();
  const bin = tempDir('tandem-logger-');
  const logged = join(bin, 'logged.txt');
  let techPw = '';

  beforeAll(async () => {
    await relay.start();
    techPw = await relay.addUser('tanaka', 'technician', undefined, ['--display-name', 'Tanaka Ichiro', '--team', 'Helpdesk']);
    writeFileSync(join(bin, 'logger'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${logged}'\n`);
    chmodSync(join(bin, 'logger'), 0o755);
    writeFileSync(logged, '');
  });
  afterAll(async () => {
    await relay.stop();
    home.remove();
    rmSync(bin, { recursive: true, force: true });
  });

  async function session(env: NodeJS.ProcessEnv = {}): Promise<{ tech: Proc; agent: Proc }> {
    const tech = relay.tech('tanaka', techPw);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/))[1]!;
    const agent = relay.join(code, ['--event-log'], { ...home.env(), PATH: `${bin}:${process.env.PATH ?? ''}`, ...env });
    await agent.waitFor(/\[y\/n\]$/, 20_000, 'err');
    agent.send('y');
    await tech.waitFor(/^event: accepted chat$/);
    return { tech, agent };
  }

  async function finish(tech: Proc, agent: Proc): Promise<void> {
    tech.endInput();
    expect(await tech.exitCode()).toBe(0);
    expect(await agent.exitCode()).toBe(0);
  }

  it('is sent after the customer accepts, one line per item, and logged on the customer\'s computer', async () => {
    const { tech, agent } = await session();
    tech.send('/sysinfo');
    await agent.waitFor(/^event: sysinfo-request$/);
    await agent.waitFor(/tanaka asks for this computer's system information .*Send it\? \[y\/n\]$/, 20_000, 'err');
    expect(tech.count(/^sysinfo: /)).toBe(0);
    agent.send('y');
    await tech.waitFor(/^event: sysinfo-done$/);
    const items = new Map(tech.lines.flatMap((l) => {
      const m = /^sysinfo: ([^:]+): (.*)$/.exec(l);
      return m ? [[m[1]!, m[2]!] as const] : [];
    }));
    expect(items.get('Computer name')).toBe(hostname());
    expect(items.get('User')).toBe(userInfo().username);
    expect(items.get('Tandem version')).toBe(TANDEM_VERSION);
    expect(items.get('OS')).toMatch(/Linux/);
    expect(items.get('CPU')).toMatch(/logical processors/);
    expect(items.get('Memory')).toMatch(/iB, .*iB free$/);
    expect(items.get('Uptime')).toMatch(/minute/);
    expect([...items.keys()].some((k) => k.startsWith('Disk '))).toBe(true);
    expect([...items.entries()].some(([k, v]) => k.startsWith('Network ') && /MAC [0-9a-f:]{17}$/.test(v))).toBe(true);
    await finish(tech, agent);
    await waitFor(() => /System information sent to Tanaka Ichiro, Helpdesk \(requested by user tanaka\) \(session [^)]+\)/.test(readFileSync(logged, 'utf8')), 10_000, 'the event-log line');
    // The relay sees none of it.
    expect(relay.proc.lines.concat(relay.proc.stderrLines).join('\n')).not.toContain(hostname());
  });

  it('is refused when the customer says no, and nothing is sent', async () => {
    const { tech, agent } = await session();
    tech.send('/sysinfo');
    await agent.waitFor(/^event: sysinfo-request$/);
    agent.send('n');
    await tech.waitFor(/^event: sysinfo-refused$/);
    expect(tech.count(/^sysinfo: /)).toBe(0);
    await finish(tech, agent);
    await waitFor(() => /System information not sent to user tanaka: the customer refused it/.test(readFileSync(logged, 'utf8')), 10_000, 'the refusal line');
  });

  it('is refused by a policy forbidding it, without asking', async () => {
    home.userPolicy({ forbidSystemInfo: true });
    try {
      const { tech, agent } = await session();
      tech.send('/sysinfo');
      await tech.waitFor(/^event: sysinfo-refused$/);
      await agent.waitFor(/local policy forbids it, so it was refused automatically/, 20_000, 'err');
      expect(agent.count(/^event: sysinfo-request$/)).toBe(0);
      expect(agent.stderrLines.filter((l) => /\[y\/n\]$/.test(l))).toHaveLength(1);
      await finish(tech, agent);
    } finally {
      home.userPolicy({});
    }
  });
});
