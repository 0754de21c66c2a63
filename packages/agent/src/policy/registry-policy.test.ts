import { describe, it, expect } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TandemError } from '@tandem/protocol';
import { REGISTRY_POLICY_KEYS, parseRegistryPolicy, readRegistryPolicies, type RegistryValue } from './registry-policy.js';
import { loadPolicy, windowsPolicyPaths } from './load-policy.js';
import { thrownTandemError } from '@tandem/test-kit';

const HKLM = REGISTRY_POLICY_KEYS.machine;
const HKCU = REGISTRY_POLICY_KEYS.user;
const dword = (name: string, data: number): RegistryValue => ({ name, type: 'REG_DWORD', data });


describe('parseRegistryPolicy', () => {
  it('reads the policy file\'s fields from values of the same names, as group policy writes them', () => {
    const policy = parseRegistryPolicy([
      dword('forbidControl', 1),
      dword('forbidInvitations', 0),
      dword('ForbidFileTransfer', 1),
      { name: 'maxInvitationLifetimeSeconds', type: 'REG_DWORD', data: 3600 },
      { name: 'allowedRelays', type: 'REG_MULTI_SZ', data: ['https://Support.Example.com:443/', 'https://backup.example.com:8443', ''] },
    ], HKLM);
    expect(policy).toEqual({
      path: HKLM,
      forbidControl: true,
      forbidInvitations: false,
      forbidFileTransfer: true,
      maxInvitationLifetimeSeconds: 3600,
      allowedRelays: ['https://support.example.com', 'https://backup.example.com:8443'],
    });
  });

  it('an empty key is no policy, an empty relay list allows no relay, a REG_QWORD counts as a number', () => {
    expect(parseRegistryPolicy([], HKCU)).toBeUndefined();
    expect(parseRegistryPolicy([{ name: 'allowedRelays', type: 'REG_MULTI_SZ', data: [] }], HKCU)).toEqual({ path: HKCU, allowedRelays: [] });
    expect(parseRegistryPolicy([{ name: 'forbidSystemInfo', type: 'REG_QWORD', data: 1n }, dword('version', 1)], HKCU)).toEqual({ path: HKCU, forbidSystemInfo: true });
  });

  it('fails closed on every value it cannot fully understand, naming the key and the value', () => {
    const cases: [RegistryValue[], RegExp][] = [
      [[dword('forbidcontroll', 1)], /^policy HKLM\\Software\\Policies\\Tandem: unknown value "forbidcontroll"; Tandem will not run with a policy it cannot fully understand$/],
      [[{ name: '', type: 'REG_SZ', data: '' }], /has a default \(unnamed\) value/],
      [[{ name: 'forbidControl', type: 'REG_SZ', data: '1' }], /value "forbidControl" must be a REG_DWORD of 0 or 1, got REG_SZ "1"/],
      [[dword('forbidControl', 2)], /value "forbidControl" must be a REG_DWORD of 0 or 1, got REG_DWORD 2/],
      [[{ name: 'forbidControl', type: 'REG_BINARY', data: new Uint8Array([1, 0, 0, 0]) }], /got REG_BINARY of 4 bytes/],
      [[dword('forbidControl', 1), dword('FORBIDCONTROL', 0)], /value "forbidControl" appears more than once/],
      [[dword('version', 2)], /is written for a newer Tandem \(policy version 2\); this agent understands version 1, so update Tandem/],
      [[dword('version', 0)], /value "version" must be a REG_DWORD of 1, got REG_DWORD 0/],
      [[dword('maxInvitationLifetimeSeconds', 0)], /value "maxInvitationLifetimeSeconds" must be a REG_DWORD of 1 to 2592000 seconds, got REG_DWORD 0/],
      [[{ name: 'maxInvitationLifetimeSeconds', type: 'REG_SZ', data: '3600' }], /got REG_SZ "3600"/],
      [[{ name: 'allowedRelays', type: 'REG_SZ', data: 'https://support.example.com' }], /value "allowedRelays" must be a REG_MULTI_SZ, one relay address a line, got REG_SZ/],
      [[{ name: 'allowedRelays', type: 'REG_MULTI_SZ', data: ['https://support.example.com/path'] }], /^policy HKLM\\Software\\Policies\\Tandem: value allowedRelays\[0\]/],
      [[{ name: 'allowedRelays', type: 'REG_MULTI_SZ', data: Array.from({ length: 65 }, (_, i) => `https://r${i}.example.com`) }], /has more than 64 entries/],
    ];
    for (const [values, message] of cases) {
      const err = thrownTandemError(() => parseRegistryPolicy(values, HKLM));
      expect(err.code).toBe('TANDEM_ERR_POLICY_INVALID');
      expect(err.message).toMatch(message);
    }
  });
});

describe('readRegistryPolicies and loadPolicy with the registry', () => {
  it('reads the machine key, then the user key; an absent key is no policy', async () => {
    const asked: string[] = [];
    const files = await readRegistryPolicies(async (key) => {
      asked.push(key);
      return key === HKCU ? [dword('forbidControl', 1)] : undefined;
    });
    expect(asked).toEqual([HKLM, HKCU]);
    expect(files).toEqual([{ path: HKCU, forbidControl: true }]);
  });

  it('a key that cannot be read stops the agent, naming the key', async () => {
    const denied = Object.assign(new Error('RegOpenKeyExW: access denied (5)'), { code: 5 });
    const err = await readRegistryPolicies(async () => Promise.reject(denied)).then(() => undefined, (e: unknown) => e as TandemError);
    expect(err?.code).toBe('TANDEM_ERR_POLICY_INVALID');
    expect(err?.message).toBe('policy HKLM\\Software\\Policies\\Tandem: cannot be read (RegOpenKeyExW: access denied (5)); Tandem will not run without knowing its policy');
  });

  it('the registry and the files merge, the stricter wins: the user file cannot lift the machine key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tandem-regpolicy-'));
    try {
      const userPath = join(dir, 'policy.json');
      await writeFile(userPath, JSON.stringify({ version: 1, forbidControl: false, maxInvitationLifetimeSeconds: 600, allowedRelays: ['https://a.example', 'https://b.example'] }));
      const registry = async (key: string): Promise<RegistryValue[] | undefined> => (key === HKLM ? [
        dword('forbidControl', 1),
        dword('maxInvitationLifetimeSeconds', 3600),
        { name: 'allowedRelays', type: 'REG_MULTI_SZ', data: ['https://b.example', 'https://c.example'] },
      ] : undefined);
      const policy = await loadPolicy({ systemPath: null, userPath, registry });
      expect(policy.sources).toEqual([HKLM, userPath]);
      expect(policy.allows('control')).toBe(false);
      expect(policy.maxMode('control')).toBe('view');
      expect(policy.maxInvitationLifetimeSeconds).toBe(600);
      expect(policy.allowedRelays).toEqual(['https://b.example']);
      expect(() => policy.assertAllows('control')).toThrow(/local policy HKLM\\Software\\Policies\\Tandem\)$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('windowsPolicyPaths', () => {
  it('the files under %ProgramData% and %APPDATA%, whatever the variables\' case', () => {
    expect(windowsPolicyPaths({ PROGRAMDATA: 'C:\\ProgramData', APPDATA: 'C:\\Users\\kim\\AppData\\Roaming' })).toEqual({
      system: 'C:\\ProgramData\\Tandem\\policy.json',
      user: 'C:\\Users\\kim\\AppData\\Roaming\\Tandem\\policy.json',
    });
    expect(windowsPolicyPaths({ ProgramData: 'relative' })).toEqual({ system: undefined, user: undefined });
  });

  it('loadPolicy on Windows looks there, not in /etc', async () => {
    const asked: string[] = [];
    const readFile = async (path: string): Promise<string> => {
      asked.push(path);
      return Promise.reject(Object.assign(new Error('absent'), { code: 'ENOENT' }));
    };
    await loadPolicy({ platform: 'win32', env: { ProgramData: 'C:\\ProgramData', APPDATA: 'C:\\Users\\kim\\AppData\\Roaming' }, readFile });
    expect(asked).toEqual(['C:\\ProgramData\\Tandem\\policy.json', 'C:\\Users\\kim\\AppData\\Roaming\\Tandem\\policy.json']);
  });
});
