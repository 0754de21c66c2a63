/**
 * The agent's Windows conventions, run by the official Windows node.exe
 * under Wine on an Xvfb (its code from packages/agent/dist, koffi's Windows
 * part from node_modules; test/windows-probe.mjs prints each result): the
 * group-policy keys read from the registry, as the .reg example and `reg
 * add` write them, stricter wins and fail closed; WinINet's proxy settings;
 * the event log written through ReportEventW (Wine keeps no log to read
 * back, but its debug channels show each call's source, type, ID and text,
 * docs/event-log.md); the account's name;
 * the clipboard's text both ways with the X server's own clipboard (xclip),
 * which Wine's clipboard is.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startXvfb, WinePrefix, type Xvfb } from '@tandem/test-kit';

const PROBE = join(ROOT, 'packages/agent/test/windows-probe.mjs');
const MACHINE = 'HKLM\\Software\\Policies\\Tandem';
const USER = 'HKCU\\Software\\Policies\\Tandem';
const INTERNET = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings';

describe('the Windows conventions under Wine', () => {
  let xvfb: Xvfb;
  let wine: WinePrefix;

  beforeAll(async () => {
    xvfb = await startXvfb('800x600x24');
    wine = await WinePrefix.create(xvfb.display);
  }, 180_000);

  afterAll(async () => {
    await wine?.close();
    xvfb?.stop();
  });

  type Result = { ok?: unknown; error?: { code: string | null; message: string } };

  /** Runs the probe's `command` under Wine and gives its one result, and its stderr (Wine's debug channels in `env`'s WINEDEBUG). */
  async function probeWith(env: NodeJS.ProcessEnv, command: string, ...args: string[]): Promise<{ result: Result; stderr: string[] }> {
    const p = wine.node(command, PROBE, [command, ...args], { env });
    const code = await p.exitCode(90_000);
    const line = p.lines.find((l) => l.startsWith('{'));
    if (line === undefined) throw new Error(`probe ${command} printed nothing (exit ${code}):\n${p.stderrLines.join('\n')}`);
    return { result: JSON.parse(line) as Result, stderr: p.stderrLines };
  }

  async function probe(command: string, ...args: string[]): Promise<Result> {
    return (await probeWith({}, command, ...args)).result;
  }

  /** Runs a Wine tool (reg, regedit) to its end. */
  async function tool(program: string, ...args: string[]): Promise<void> {
    const p = wine.run(program, program, args);
    const code = await p.exitCode(60_000);
    expect(code, `${program} ${args.join(' ')}: ${p.stderrLines.join('\n')}`).toBe(0);
  }

  it('the .reg example, imported by regedit, is the machine\'s policy: control forbidden, lifetime and relays capped', async () => {
    expect(await probe('policy')).toEqual({ ok: { sources: [], control: true, maxMode: 'control', lifetime: null, relays: null } });
    await tool('regedit', '/s', wine.windowsPath(join(ROOT, 'docs/policy/tandem.reg')));
    expect(await probe('policy')).toEqual({
      ok: { sources: [MACHINE], control: false, maxMode: 'view', lifetime: 3600, relays: ['https://support.example.com', 'https://support-backup.example.com:8443'] },
    });
    // The user's key adds its own restriction; its 0 lifts nothing the machine's sets.
    await tool('reg', 'add', USER, '/v', 'forbidControl', '/t', 'REG_DWORD', '/d', '0', '/f');
    await tool('reg', 'add', USER, '/v', 'maxInvitationLifetimeSeconds', '/t', 'REG_DWORD', '/d', '600', '/f');
    await tool('reg', 'add', USER, '/v', 'allowedRelays', '/t', 'REG_MULTI_SZ', '/d', 'https://support.example.com\\0https://other.example.com', '/f');
    expect(await probe('policy')).toEqual({ ok: { sources: [MACHINE, USER], control: false, maxMode: 'view', lifetime: 600, relays: ['https://support.example.com'] } });
  }, 240_000);

  it('a value the agent cannot fully understand stops it, naming the key and the value', async () => {
    await tool('reg', 'add', USER, '/v', 'forbidFileTransfer', '/t', 'REG_SZ', '/d', 'yes', '/f');
    expect(await probe('policy')).toEqual({
      error: { code: 'TANDEM_ERR_POLICY_INVALID', message: `policy ${USER}: value "forbidFileTransfer" must be a REG_DWORD of 0 or 1, got REG_SZ "yes"; Tandem will not run with a policy it cannot fully understand` },
    });
    await tool('reg', 'delete', USER, '/v', 'forbidFileTransfer', '/f');
    await tool('reg', 'add', USER, '/v', 'ForbidControll', '/t', 'REG_DWORD', '/d', '1', '/f');
    expect((await probe('policy')).error).toEqual({ code: 'TANDEM_ERR_POLICY_INVALID', message: `policy ${USER}: unknown value "ForbidControll"; Tandem will not run with a policy it cannot fully understand` });
    await tool('reg', 'delete', USER, '/f');
    expect((await probe('policy')).ok).toMatchObject({ sources: [MACHINE] });
  }, 240_000);

  it('WinINet\'s proxy settings, per protocol, with <local> and a pattern', async () => {
    await tool('reg', 'add', INTERNET, '/v', 'ProxyEnable', '/t', 'REG_DWORD', '/d', '1', '/f');
    await tool('reg', 'add', INTERNET, '/v', 'ProxyServer', '/t', 'REG_SZ', '/d', 'http=web:3128;https=secure.corp.example:8443', '/f');
    await tool('reg', 'add', INTERNET, '/v', 'ProxyOverride', '/t', 'REG_SZ', '/d', '*.corp.example;<local>', '/f');
    expect(await probe('wininet', 'wss://support.example.com/ws', 'https://helpdesk')).toEqual({
      ok: {
        settings: { proxies: { http: { host: 'web', port: 3128 }, https: { host: 'secure.corp.example', port: 8443 } }, bypass: ['*.corp.example'], bypassLocal: true, bypassLoopback: true },
        relay: { kind: 'proxy', protocol: 'https', proxy: { host: 'secure.corp.example', port: 8443 } },
        intranet: { kind: 'direct' },
      },
    });
    await tool('reg', 'add', INTERNET, '/v', 'AutoConfigURL', '/t', 'REG_SZ', '/d', 'http://wpad.corp.example/proxy.pac', '/f');
    expect((await probe('wininet', 'wss://support.example.com/ws', 'https://helpdesk')).ok).toMatchObject({ relay: { kind: 'pac', url: 'http://wpad.corp.example/proxy.pac' } });
    await tool('reg', 'add', INTERNET, '/v', 'ProxyEnable', '/t', 'REG_SZ', '/d', '1', '/f');
    expect((await probe('wininet', 'wss://support.example.com', 'https://helpdesk')).error).toEqual({ code: 'TANDEM_ERR_BAD_INPUT', message: `WinINet ${INTERNET}\\ProxyEnable: must be a REG_DWORD, not a REG_SZ` });
  }, 240_000);

  it('the event log: RegisterEventSourceW "Tandem" and ReportEventW with each event\'s type, ID and text, in order', async () => {
    // Wine's ReportEventW is a stub that reports its arguments (fixme:advapi) and its string (eventlog, by type) on stderr.
    const { result, stderr } = await probeWith({ WINEDEBUG: 'fixme+advapi,+eventlog' }, 'event-log');
    expect(result).toEqual({ ok: { warnings: [] } });
    expect(stderr.filter((l) => /RegisterEventSourceW/.test(l)).map((l) => /RegisterEventSourceW \(\(null\),L"(\w+)"\)/.exec(l)?.[1])).toEqual(['Tandem', 'Tandem', 'Tandem', 'Tandem']);
    const calls = stderr.flatMap((l) => {
      const m = /ReportEventW \(\w+,0x(\w{4}),0x\w{4},0x(\w{8}),\w+,0x0001,/.exec(l);
      return m === null ? [] : [{ type: parseInt(m[1] ?? '', 16), id: parseInt(m[2] ?? '', 16) }];
    });
    const texts = stderr.flatMap((l) => {
      const m = /^\w+:(trace|warn|err):eventlog:ReportEventW L"(.*)"$/.exec(l);
      return m === null ? [] : [{ channel: m[1], text: m[2] }];
    });
    expect(calls).toEqual([{ type: 4, id: 1 }, { type: 4, id: 2 }, { type: 2, id: 10 }, { type: 1, id: 4 }]);
    expect(texts).toEqual([
      { channel: 'trace', text: 'Agent tanaka (Tanaka Ichiro, Helpdesk) started Shared Control through https://support.example.com (session S1)' },
      { channel: 'trace', text: 'Session changed to Shared View (session S1)' },
      { channel: 'warn', text: 'Invitation I1: wrong password from agent tanaka (1 of 5)' },
      { channel: 'err', text: "Agent tanaka's session failed: TANDEM_ERR_TRUNCATED (session S1)" },
    ]);
  }, 120_000);

  it('the customer\'s name: GetUserNameExW\'s display name, else the user name (Wine has no display name)', async () => {
    const result = (await probe('name')).ok as { username: string; display: string | null; full: string };
    expect(result.username).not.toBe('');
    expect(result.full).toBe(result.display ?? result.username);
  }, 120_000);

  it('the clipboard\'s text both ways with the X server\'s clipboard, line ends converted', async () => {
    const env = { ...process.env, DISPLAY: xvfb.display };
    const text = 'Tandem の クリップボード\nline 2 ✓';
    expect(await probe('clipboard-write', JSON.stringify(text))).toEqual({ ok: text });
    const fromX = spawnSync('/usr/bin/xclip', ['-o', '-selection', 'clipboard'], { env, encoding: 'utf8', timeout: 20_000 });
    expect(fromX.status).toBe(0);
    expect(fromX.stdout).toBe(text);
    // xclip stays behind to serve the selection: its output is not waited for.
    const toX = spawnSync('/usr/bin/xclip', ['-i', '-selection', 'clipboard'], { env, input: 'from X: 日本語\nsecond line', stdio: ['pipe', 'ignore', 'ignore'], timeout: 20_000 });
    expect(toX.status).toBe(0);
    expect(await probe('clipboard-read')).toEqual({ ok: 'from X: 日本語\nsecond line' });
  }, 120_000);

  it('the clipboard refuses a text too long or not text, and keeps what it had', async () => {
    const tooLong = { code: 'TANDEM_ERR_MESSAGE_TOO_LARGE', message: 'clipboard: text longer than 1048576 characters' };
    expect(await probe('clipboard-bad')).toEqual({ ok: { tooLong, tooLongOnWindows: tooLong, notText: { code: 'TANDEM_ERR_BAD_INPUT', message: 'clipboard: text must be a string' }, still: 'kept' } });
  }, 120_000);
});
