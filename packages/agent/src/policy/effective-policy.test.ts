import { describe, it, expect } from 'vitest';
import { EffectivePolicy, formatDuration, mergePolicies } from './effective-policy.js';
import type { PolicyFile } from './policy-file.js';
import { thrownTandemError } from '@tandem/test-kit';

const SYS = '/etc/tandem/policy.json';
const USR = '/home/kim/.config/tandem/policy.json';
const sys = (f: Omit<PolicyFile, 'path'>): PolicyFile => ({ path: SYS, ...f });
const usr = (f: Omit<PolicyFile, 'path'>): PolicyFile => ({ path: USR, ...f });


describe('EffectivePolicy without any file', () => {
  const p = mergePolicies([]);
  it('allows everything', () => {
    for (const what of ['invitations', 'control', 'file-transfer', 'system-info'] as const) expect(p.allows(what)).toBe(true);
    expect(p.maxMode('control')).toBe('control');
    expect(p.checkRelay('https://Any.example:443/')).toBe('https://any.example');
    expect(p.capLifetime(30 * 86400)).toBe(30 * 86400);
    expect(p.describe()).toEqual([]);
    expect(p.restrictions()).toEqual([]);
    expect(p.sources).toEqual([]);
  });
});

describe('EffectivePolicy fields', () => {
  it.each([
    ['forbidInvitations', 'invitations', 'policy.forbid.invitations', /Invitations are turned off/],
    ['forbidControl', 'control', 'policy.forbid.control', /Shared control is turned off/],
    ['forbidFileTransfer', 'file-transfer', 'policy.forbid.fileTransfer', /File transfer is turned off/],
    ['forbidSystemInfo', 'system-info', 'policy.forbid.systemInfo', /cannot request system information/],
  ] as const)('%s forbids %s and says so', (field, what, key, text) => {
    const p = new EffectivePolicy([sys({ [field]: true })]);
    expect(p.allows(what)).toBe(false);
    for (const other of ['invitations', 'control', 'file-transfer', 'system-info'] as const) if (other !== what) expect(p.allows(other)).toBe(true);
    expect(p.describe()).toHaveLength(1);
    expect(p.describe()[0]).toMatch(text);
    expect(p.restrictions()[0]).toMatchObject({ key, sources: [SYS] });
    const err = thrownTandemError(() => p.assertAllows(what));
    expect(err.code).toBe('TANDEM_ERR_POLICY_FORBIDS');
    expect(err.message).toContain(SYS);
    expect(new EffectivePolicy([sys({ [field]: false })]).allows(what)).toBe(true);
  });

  it('caps the mode at view when control is forbidden, whatever is asked', () => {
    const p = new EffectivePolicy([sys({ forbidControl: true })]);
    expect(p.maxMode('control')).toBe('view');
    expect(p.maxMode('view')).toBe('view');
    expect(p.maxMode('chat')).toBe('chat');
    expect(thrownTandemError(() => p.maxMode('admin' as 'view')).code).toBe('TANDEM_ERR_BAD_INPUT');
  });

  it('caps an invitation lifetime', () => {
    const p = new EffectivePolicy([sys({ maxInvitationLifetimeSeconds: 3600 })]);
    expect(p.capLifetime(86400)).toBe(3600);
    expect(p.capLifetime(600)).toBe(600);
    expect(p.maxInvitationLifetimeSeconds).toBe(3600);
    expect(p.restrictions()).toEqual([{ key: 'policy.maxInvitationLifetime', params: { seconds: 3600, duration: '1 hour' }, text: 'Invitations last at most 1 hour.', sources: [SYS] }]);
    expect(thrownTandemError(() => p.capLifetime(0)).code).toBe('TANDEM_ERR_BAD_INPUT');
  });

  it('lets only the allowed relays be used, after normalisation, and names relay and file otherwise', () => {
    const p = new EffectivePolicy([sys({ allowedRelays: ['https://support.example.com', 'http://10.0.0.5:8080'] })]);
    expect(p.checkRelay('https://SUPPORT.example.com:443/')).toBe('https://support.example.com');
    expect(p.checkRelay('http://10.0.0.5:8080')).toBe('http://10.0.0.5:8080');
    const err = thrownTandemError(() => p.checkRelay('https://support.example.com:8443'));
    expect(err.code).toBe('TANDEM_ERR_POLICY_FORBIDS');
    expect(err.message).toBe(`the relay https://support.example.com:8443 is not allowed by the local policy ${SYS}, which allows only https://support.example.com, http://10.0.0.5:8080`);
    expect(thrownTandemError(() => p.checkRelay('https://evil.example')).message).toContain('https://evil.example');
    expect(thrownTandemError(() => p.checkRelay('not a url')).code).toBe('TANDEM_ERR_BAD_INPUT');
    expect(p.describe()).toEqual(['Only these relays may be used: https://support.example.com, http://10.0.0.5:8080.']);
  });

  it('with an empty allow-list, no relay may be used', () => {
    const p = new EffectivePolicy([sys({ allowedRelays: [] })]);
    expect(thrownTandemError(() => p.checkRelay('https://a.example')).message).toMatch(/which allows no relay at all/);
    expect(p.restrictions()[0]?.key).toBe('policy.noRelays');
  });
});

describe('EffectivePolicy merge: the stricter value of each field wins', () => {
  it('a user file cannot lift a system restriction', () => {
    const p = new EffectivePolicy([
      sys({ forbidControl: true, forbidInvitations: true, maxInvitationLifetimeSeconds: 600, allowedRelays: ['https://a.example'] }),
      usr({ forbidControl: false, forbidInvitations: false, maxInvitationLifetimeSeconds: 86400, allowedRelays: ['https://a.example', 'https://b.example'] }),
    ]);
    expect(p.allows('control')).toBe(false);
    expect(p.allows('invitations')).toBe(false);
    expect(p.capLifetime(3600)).toBe(600);
    expect(p.checkRelay('https://a.example')).toBe('https://a.example');
    expect(thrownTandemError(() => p.checkRelay('https://b.example')).message).toContain(`${SYS} and ${USR}`);
    expect(p.sources).toEqual([SYS, USR]);
  });

  it('a user file can add restrictions the system file does not set', () => {
    const p = new EffectivePolicy([
      sys({ forbidControl: false, maxInvitationLifetimeSeconds: 86400 }),
      usr({ forbidControl: true, forbidFileTransfer: true, forbidSystemInfo: true, maxInvitationLifetimeSeconds: 900, allowedRelays: ['https://mine.example'] }),
    ]);
    expect(p.allows('control')).toBe(false);
    expect(p.allows('file-transfer')).toBe(false);
    expect(p.allows('system-info')).toBe(false);
    expect(p.maxMode('control')).toBe('view');
    expect(p.capLifetime(3600)).toBe(900);
    expect(thrownTandemError(() => p.checkRelay('https://other.example')).message).toContain(USR);
    expect(p.restrictions().find((r) => r.key === 'policy.forbid.control')?.sources).toEqual([USR]);
    expect(p.restrictions().find((r) => r.key === 'policy.maxInvitationLifetime')?.sources).toEqual([USR]);
  });

  it('caps file sizes with the smaller of two caps, says so on the consent screen, and not when transfers are off anyway', () => {
    const p = new EffectivePolicy([sys({ maxFileTransferMegabytes: 100 }), usr({ maxFileTransferMegabytes: 20 })]);
    expect(p.maxFileBytes).toBe(20_000_000);
    expect(p.restrictions()).toEqual([{ key: 'policy.maxFileTransfer', params: { megabytes: 20 }, text: 'Files larger than 20 MB cannot be transferred.', sources: [USR] }]);
    expect(new EffectivePolicy([usr({ maxFileTransferMegabytes: 20 })]).maxFileBytes).toBe(20_000_000);
    expect(new EffectivePolicy([]).maxFileBytes).toBeUndefined();
    const off = new EffectivePolicy([sys({ forbidFileTransfer: true, maxFileTransferMegabytes: 5 })]);
    expect(off.restrictions().map((r) => r.key)).toEqual(['policy.forbid.fileTransfer']);
  });

  it('two allow-lists intersect, possibly to nothing', () => {
    const both = new EffectivePolicy([sys({ allowedRelays: ['https://a.example', 'https://b.example'] }), usr({ allowedRelays: ['https://b.example', 'https://c.example'] })]);
    expect(both.allowedRelays).toEqual(['https://b.example']);
    const none = new EffectivePolicy([sys({ allowedRelays: ['https://a.example'] }), usr({ allowedRelays: ['https://c.example'] })]);
    expect(none.allowedRelays).toEqual([]);
    expect(thrownTandemError(() => none.checkRelay('https://a.example')).message).toMatch(/allows no relay at all/);
  });

  it('describes every restriction once, in a stable order', () => {
    const p = new EffectivePolicy([
      sys({ forbidSystemInfo: true, forbidInvitations: true, maxInvitationLifetimeSeconds: 93784 }),
      usr({ forbidInvitations: true, forbidControl: true, forbidFileTransfer: true, allowedRelays: ['https://a.example'] }),
    ]);
    expect(p.restrictions().map((r) => r.key)).toEqual([
      'policy.forbid.invitations', 'policy.forbid.control', 'policy.forbid.fileTransfer', 'policy.forbid.systemInfo', 'policy.maxInvitationLifetime', 'policy.allowedRelays',
    ]);
    expect(p.restrictions()[0]?.sources).toEqual([SYS, USR]);
    expect(p.describe()[4]).toBe('Invitations last at most 1 day 2 hours 3 minutes 4 seconds.');
  });
});

describe('formatDuration', () => {
  it('spells out lifetimes', () => {
    expect(formatDuration(1)).toBe('1 second');
    expect(formatDuration(90)).toBe('1 minute 30 seconds');
    expect(formatDuration(7200)).toBe('2 hours');
    expect(formatDuration(30 * 86400)).toBe('30 days');
  });
});
