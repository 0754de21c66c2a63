import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { TandemError } from '@tandem/protocol';
import { EffectivePolicy } from './effective-policy.js';
import { parsePolicyFile } from './policy-file.js';

const PATH = '/etc/tandem/policy.json';

function expectBad(text: string, pattern: RegExp): void {
  let caught: unknown;
  try {
    parsePolicyFile(text, PATH);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(TandemError);
  expect((caught as TandemError).code).toBe('TANDEM_ERR_POLICY_INVALID');
  expect((caught as TandemError).message).toContain(`policy ${PATH}: `);
  expect((caught as TandemError).message).toMatch(pattern);
}

describe('parsePolicyFile', () => {
  it('reads every field', () => {
    const text = JSON.stringify({
      version: 1,
      forbidInvitations: true,
      forbidControl: true,
      forbidFileTransfer: false,
      forbidSystemInfo: true,
      maxInvitationLifetimeSeconds: 3600,
      maxFileTransferMegabytes: 250,
      allowedRelays: ['https://Support.Example.com:443/', 'http://10.0.0.5:8080'],
    });
    expect(parsePolicyFile(text, PATH)).toEqual({
      path: PATH,
      forbidInvitations: true,
      forbidControl: true,
      forbidFileTransfer: false,
      forbidSystemInfo: true,
      maxInvitationLifetimeSeconds: 3600,
      maxFileTransferMegabytes: 250,
      allowedRelays: ['https://support.example.com', 'http://10.0.0.5:8080'],
    });
  });

  it('accepts a version alone (no restriction) and a byte order mark', () => {
    expect(parsePolicyFile('{"version": 1}', PATH)).toEqual({ path: PATH });
    expect(parsePolicyFile('\uFEFF{"version": 1, "forbidControl": true}\n', PATH)).toEqual({ path: PATH, forbidControl: true });
  });

  it('merges duplicate relay entries that normalise alike', () => {
    expect(parsePolicyFile('{"version":1,"allowedRelays":["https://a.example","https://A.example:443"]}', PATH).allowedRelays).toEqual(['https://a.example']);
  });

  it.each([
    ['empty file', '', /is not valid JSON/],
    ['malformed JSON', '{"version": 1,', /is not valid JSON/],
    ['a comment', '{"version": 1} // x', /is not valid JSON/],
    ['an array', '[1]', /must be a JSON object/],
    ['null', 'null', /must be a JSON object/],
    ['no version', '{"forbidControl": true}', /field "version" is missing/],
    ['a string version', '{"version": "1"}', /field "version" must be a whole number, got "1"/],
    ['version 0', '{"version": 0}', /field "version" must be a whole number/],
    ['a newer version', '{"version": 2, "forbidScreen": true}', /newer Tandem \(policy version 2\)/],
    ['an unknown field', '{"version": 1, "forbidScreen": true}', /unknown field "forbidScreen"/],
    ['a misspelt field', '{"version": 1, "forbidcontrol": true}', /unknown field "forbidcontrol"/],
    ['a duplicated field', '{"version": 1, "forbidControl": true, "forbidControl": false}', /field "forbidControl" appears more than once/],
    // Found by fuzzing (packages/agent/fuzz/policy-file.fuzz.ts): 63 or more whitespace characters before the colon hid the key from the duplicate check.
    ['a duplicated field with a long run of line ends before its colon', `{"version": 1, "forbidControl"${'\n'.repeat(64)}: true, "forbidControl": false}`, /field "forbidControl" appears more than once/],
    ['a duplicated field with a long run of spaces before its colon', `{"version": 1, "forbidControl": true, "forbidControl"${' '.repeat(70)}: false}`, /field "forbidControl" appears more than once/],
    ['a duplicated field spelt with an escape', '{"version": 1, "forbidControl": true, "forbid\\u0043ontrol": false}', /field "forbidControl" appears more than once/],
    ['a string boolean', '{"version": 1, "forbidControl": "yes"}', /field "forbidControl" must be true or false, got "yes"/],
    ['a number boolean', '{"version": 1, "forbidFileTransfer": 1}', /field "forbidFileTransfer" must be true or false/],
    ['a null boolean', '{"version": 1, "forbidSystemInfo": null}', /field "forbidSystemInfo" must be true or false, got null/],
    ['invitations as a string', '{"version": 1, "forbidInvitations": "true"}', /field "forbidInvitations" must be true or false/],
    ['a zero lifetime cap', '{"version": 1, "maxInvitationLifetimeSeconds": 0}', /field "maxInvitationLifetimeSeconds" must be a whole number of seconds from 1 to 2592000, got 0/],
    ['a fractional lifetime cap', '{"version": 1, "maxInvitationLifetimeSeconds": 1.5}', /maxInvitationLifetimeSeconds/],
    ['a zero file size cap', '{"version": 1, "maxFileTransferMegabytes": 0}', /field "maxFileTransferMegabytes" must be a whole number of megabytes from 1 to 10000000, got 0/],
    ['a fractional file size cap', '{"version": 1, "maxFileTransferMegabytes": 2.5}', /maxFileTransferMegabytes.*got 2\.5/],
    ['a file size cap in words', '{"version": 1, "maxFileTransferMegabytes": "1GB"}', /maxFileTransferMegabytes.*got "1GB"/],
    ['a textual lifetime cap', '{"version": 1, "maxInvitationLifetimeSeconds": "1h"}', /maxInvitationLifetimeSeconds.*got "1h"/],
    ['a relay string instead of a list', '{"version": 1, "allowedRelays": "https://a.example"}', /field "allowedRelays" must be a list/],
    ['a relay that is not a URL', '{"version": 1, "allowedRelays": ["relay.example.com"]}', /field allowedRelays\[0\]: not a URL/],
    ['a relay with a path', '{"version": 1, "allowedRelays": ["https://a.example", "https://b.example/x"]}', /field allowedRelays\[1\]: give only the relay's address/],
    ['a wss relay', '{"version": 1, "allowedRelays": ["wss://a.example"]}', /allowedRelays\[0\]: must start with https/],
    ['a relay number', '{"version": 1, "allowedRelays": [42]}', /allowedRelays\[0\]: must be a string/],
    ['too many relays', JSON.stringify({ version: 1, allowedRelays: Array.from({ length: 65 }, (_, i) => `https://r${i}.example`) }), /more than 64 entries/],
    ['an oversized file', `{"version": 1, "allowedRelays": [], "x": "${'a'.repeat(70000)}"}`, /larger than 65536/],
  ])('fails closed on %s', (_label, text, pattern) => {
    expectBad(text, pattern);
  });

  it('says it will not run, in every error', () => {
    expectBad('{"version": 1, "nope": 1}', /Tandem will not run/);
    expectBad('{', /Tandem will not run/);
  });

  it('does not mistake a relay address or a nested key for a top-level key', () => {
    expect(parsePolicyFile('{"version": 1, "allowedRelays": ["https://a.example:8443"]}', PATH).allowedRelays).toEqual(['https://a.example:8443']);
    expectBad('{"version": 1, "allowedRelays": [{"version": 1}]}', /allowedRelays\[0\]: must be a string/);
  });
});

describe('docs/policy.md', () => {
  it('holds an example that parses to what the text says', () => {
    const doc = readFileSync(new URL('../../../../docs/policy.md', import.meta.url), 'utf8');
    const example = /```json\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    expect(parsePolicyFile(example as string, PATH)).toMatchObject({
      forbidControl: true,
      forbidFileTransfer: true,
      maxInvitationLifetimeSeconds: 3600,
      allowedRelays: ['https://support.example.com', 'https://support-backup.example.com:8443'],
    });
  });
});

describe('the proxy fields', () => {
  it('reads proxy and proxyPac, and the first policy that sets them gives both', () => {
    const system = parsePolicyFile('{"version": 1, "proxy": " proxy.corp:8080; DIRECT "}', '/etc/tandem/policy.json');
    const user = parsePolicyFile('{"version": 1, "proxyPac": "http://wpad.corp/wpad.dat"}', '~/.config/tandem/policy.json');
    expect(system.proxy).toBe('proxy.corp:8080; DIRECT');
    expect(new EffectivePolicy([system, user]).proxy()).toEqual({ proxy: 'proxy.corp:8080; DIRECT', pacUrl: undefined, where: '/etc/tandem/policy.json' });
    expect(new EffectivePolicy([user]).proxy()?.pacUrl).toBe('http://wpad.corp/wpad.dat');
    expect(new EffectivePolicy([]).proxy()).toBeUndefined();
  });

  it('refuses a proxy or PAC address it cannot use, naming the field', () => {
    expect(() => parsePolicyFile('{"version": 1, "proxy": "socks5://s:1080"}', 'p')).toThrow(/field "proxy": socks5 proxies are not supported/);
    expect(() => parsePolicyFile('{"version": 1, "proxy": ";"}', 'p')).toThrow(/field "proxy": names no proxy/);
    expect(() => parsePolicyFile('{"version": 1, "proxyPac": "ftp://x/p.pac"}', 'p')).toThrow(/field "proxyPac": must be an http/);
    expect(() => parsePolicyFile('{"version": 1, "proxy": 8080}', 'p')).toThrow(/field "proxy" must be a string/);
  });
});
