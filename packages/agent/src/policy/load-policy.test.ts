import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TandemError } from '@tandem/protocol';
import { SYSTEM_POLICY_PATH, loadPolicy, userPolicyPath } from './load-policy.js';

let dir: string;
let systemPath: string;
let userPath: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tandem-policy-'));
  systemPath = join(dir, 'etc', 'policy.json');
  userPath = join(dir, 'home', 'policy.json');
  await mkdir(join(dir, 'etc'));
  await mkdir(join(dir, 'home'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejection(p: Promise<unknown>): Promise<TandemError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(TandemError);
    return err as TandemError;
  }
  throw new Error('expected loadPolicy to reject');
}

describe('loadPolicy with real files', () => {
  it('with no files, everything is allowed', async () => {
    const p = await loadPolicy({ systemPath, userPath });
    expect(p.sources).toEqual([]);
    expect(p.allows('control')).toBe(true);
    expect(p.describe()).toEqual([]);
  });

  it('a missing folder on the way is no policy either', async () => {
    await writeFile(join(dir, 'file'), 'x');
    const p = await loadPolicy({ systemPath: join(dir, 'nope', 'policy.json'), userPath: join(dir, 'file', 'policy.json') });
    expect(p.sources).toEqual([]);
  });

  it('reads the system file alone', async () => {
    await writeFile(systemPath, JSON.stringify({ version: 1, forbidControl: true, allowedRelays: ['https://support.example.com'] }));
    const p = await loadPolicy({ systemPath, userPath });
    expect(p.sources).toEqual([systemPath]);
    expect(p.maxMode('control')).toBe('view');
    expect(() => p.checkRelay('https://elsewhere.example')).toThrow(systemPath);
  });

  it('reads the user file alone', async () => {
    await writeFile(userPath, JSON.stringify({ version: 1, forbidFileTransfer: true }));
    const p = await loadPolicy({ systemPath, userPath });
    expect(p.sources).toEqual([userPath]);
    expect(p.allows('file-transfer')).toBe(false);
  });

  it('merges both, the stricter winning each field in either direction', async () => {
    await writeFile(systemPath, JSON.stringify({ version: 1, forbidControl: true, maxInvitationLifetimeSeconds: 7200 }));
    await writeFile(userPath, JSON.stringify({ version: 1, forbidControl: false, forbidSystemInfo: true, maxInvitationLifetimeSeconds: 600 }));
    const p = await loadPolicy({ systemPath, userPath });
    expect(p.allows('control')).toBe(false);
    expect(p.allows('system-info')).toBe(false);
    expect(p.capLifetime(3600)).toBe(600);
    expect(p.sources).toEqual([systemPath, userPath]);
  });

  it('reads one file once when both paths are the same', async () => {
    await writeFile(systemPath, '{"version": 1}');
    expect((await loadPolicy({ systemPath, userPath: systemPath })).sources).toEqual([systemPath]);
  });

  it.each([
    ['malformed JSON', '{"version": 1', /is not valid JSON/],
    ['an empty file', '', /is not valid JSON/],
    ['an unknown version', '{"version": 3}', /newer Tandem \(policy version 3\)/],
    ['an unknown field', '{"version": 1, "forbidClipboard": true}', /unknown field "forbidClipboard"/],
  ])('fails closed on %s in either file, naming it', async (_label, text, pattern) => {
    for (const which of ['system', 'user'] as const) {
      const bad = which === 'system' ? systemPath : userPath;
      const good = which === 'system' ? userPath : systemPath;
      await writeFile(good, '{"version": 1}');
      await writeFile(bad, text);
      const err = await rejection(loadPolicy({ systemPath, userPath }));
      expect(err.code).toBe('TANDEM_ERR_POLICY_INVALID');
      expect(err.message).toContain(`policy ${bad}: `);
      expect(err.message).toMatch(pattern);
      await rm(bad);
    }
  });

  it('fails closed on a file that is not UTF-8', async () => {
    await writeFile(systemPath, Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d));
    const err = await rejection(loadPolicy({ systemPath, userPath }));
    expect(err.message).toContain(`policy ${systemPath}: is not UTF-8 text`);
  });

  it('fails closed on a path that exists but cannot be read (a folder)', async () => {
    await mkdir(systemPath);
    const err = await rejection(loadPolicy({ systemPath, userPath }));
    expect(err.message).toMatch(new RegExp(`policy ${systemPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot be read \\(.*EISDIR`));
  });

  it('fails closed when the reader reports no permission', async () => {
    const readFile = async (path: string): Promise<string> => {
      throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' });
    };
    const err = await rejection(loadPolicy({ systemPath, userPath, readFile }));
    expect(err.message).toContain(`policy ${systemPath}: cannot be read (EACCES: permission denied`);
    expect(err.message).toContain('readable by every user');
  });

  it('skips a path given as null', async () => {
    await writeFile(userPath, '{"version": 1, "forbidControl": true}');
    const p = await loadPolicy({ systemPath: null, userPath });
    expect(p.sources).toEqual([userPath]);
  });
});

describe('default policy paths', () => {
  it('puts the system file in /etc/tandem', () => {
    expect(SYSTEM_POLICY_PATH).toBe('/etc/tandem/policy.json');
  });

  it('puts the user file under XDG_CONFIG_HOME, else ~/.config', () => {
    expect(userPolicyPath({ XDG_CONFIG_HOME: '/cfg' }, '/home/kim')).toBe('/cfg/tandem/policy.json');
    expect(userPolicyPath({}, '/home/kim')).toBe('/home/kim/.config/tandem/policy.json');
    expect(userPolicyPath({ XDG_CONFIG_HOME: '' }, '/home/kim')).toBe('/home/kim/.config/tandem/policy.json');
    expect(userPolicyPath({ XDG_CONFIG_HOME: 'relative/cfg' }, '/home/kim')).toBe('/home/kim/.config/tandem/policy.json');
    expect(userPolicyPath({}, '')).toBeUndefined();
  });

  it('loads the user file from the injected environment', async () => {
    await mkdir(join(dir, 'xdg', 'tandem'), { recursive: true });
    await writeFile(join(dir, 'xdg', 'tandem', 'policy.json'), '{"version": 1, "forbidInvitations": true}');
    const p = await loadPolicy({ systemPath, env: { XDG_CONFIG_HOME: join(dir, 'xdg') }, homedir: '/nonexistent' });
    expect(p.allows('invitations')).toBe(false);
    expect(p.sources).toEqual([join(dir, 'xdg', 'tandem', 'policy.json')]);
  });
});
