/**
 * The Windows policy templates of docs/policy/ say what the agent reads:
 * the .reg example sets exactly the policy of docs/policy.md's JSON example,
 * and the ADMX writes one value per policy field under
 * Software\Policies\Tandem, with every text it names in both ADML files.
 * The XML is read by xmllint (libxml2), not by this test's own parser.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { POLICY_FORBID_FIELDS, POLICY_LIMITS, parsePolicyFile, parseRegistryPolicy, REGISTRY_POLICY_KEYS, type RegistryValue } from '../src/policy/index.js';
import { ROOT } from '@tandem/test-kit';

const DIR = join(ROOT, 'docs/policy');
const ADMX = join(DIR, 'Tandem.admx');
const ADMLS = ['en-US', 'ja-JP'].map((lang) => join(DIR, lang, 'Tandem.adml'));
const FIELDS = [...POLICY_FORBID_FIELDS, 'maxInvitationLifetimeSeconds', 'maxFileTransferMegabytes', 'allowedRelays', 'proxy', 'proxyPac'];

/** The values of one key in a .reg file (the forms it uses: dword and hex(7)), as a reader gives them. */
function regValues(text: string, key: string): RegistryValue[] {
  const lines = text.replace(/\\\r?\n\s*/g, '').split(/\r?\n/);
  const start = lines.indexOf(`[${key}]`);
  expect(start).toBeGreaterThan(0);
  const values: RegistryValue[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('[')) break;
    const m = /^"([^"]+)"=(dword|hex\(7\)):(.*)$/.exec(line);
    if (m === null) {
      expect(line === '' || line.startsWith(';'), `a line the test does not know: ${line}`).toBe(true);
      continue;
    }
    const [, name = '', kind, data = ''] = m;
    if (kind === 'dword') values.push({ name, type: 'REG_DWORD', data: parseInt(data, 16) });
    else {
      const utf16 = Buffer.from(data.split(',').map((h) => parseInt(h, 16))).toString('utf16le');
      expect(utf16.endsWith('\0\0')).toBe(true);
      values.push({ name, type: 'REG_MULTI_SZ', data: utf16.slice(0, -2).split('\0') });
    }
  }
  return values;
}

function xpath(file: string, expression: string): string[] {
  const out = execFileSync('xmllint', ['--xpath', expression, file], { encoding: 'utf8' });
  return [...out.matchAll(/"([^"]*)"/g)].map((m) => m[1] ?? '');
}

describe('docs/policy: the .reg example and the ADMX template', () => {
  it('the .reg example sets the policy of the JSON example, under the machine key', () => {
    const doc = readFileSync(join(ROOT, 'docs/policy.md'), 'utf8');
    const json = /## Example\s+```json\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const fromFile = parsePolicyFile(json, 'example');
    // UTF-16LE with a byte-order mark, as regedit writes it (an ANSI file's hex(7) would be taken as ANSI text).
    const bytes = readFileSync(join(DIR, 'tandem.reg'));
    expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    const reg = bytes.subarray(2).toString('utf16le');
    expect(reg.startsWith('Windows Registry Editor Version 5.00\r\n')).toBe(true);
    const fromRegistry = parseRegistryPolicy(regValues(reg, 'HKEY_LOCAL_MACHINE\\Software\\Policies\\Tandem'), REGISTRY_POLICY_KEYS.machine);
    expect({ ...fromRegistry, path: 'example' }).toEqual(fromFile);
  });

  it('the ADMX is well-formed and writes each field once, under Software\\Policies\\Tandem, for machine and user', () => {
    for (const file of [ADMX, ...ADMLS]) execFileSync('xmllint', ['--noout', file]);
    const policy = "//*[local-name()='policy']";
    expect(new Set(xpath(ADMX, `${policy}/@key`))).toEqual(new Set(['Software\\Policies\\Tandem']));
    expect(new Set(xpath(ADMX, `${policy}/@class`))).toEqual(new Set(['Both']));
    const valueNames = [...xpath(ADMX, `${policy}/@valueName`), ...xpath(ADMX, `${policy}/*[local-name()='elements']/*/@valueName`)];
    expect(valueNames.sort()).toEqual([...FIELDS].sort());
    // The bounds the agent checks are the ones the editor offers.
    expect(xpath(ADMX, "//*[local-name()='decimal'][@valueName='maxInvitationLifetimeSeconds']/@*[name()='minValue' or name()='maxValue']")).toEqual(['1', '2592000']);
    expect(xpath(ADMX, "//*[local-name()='decimal'][@valueName='maxFileTransferMegabytes']/@*[name()='minValue' or name()='maxValue']")).toEqual([String(POLICY_LIMITS.minFileMegabytes), String(POLICY_LIMITS.maxFileMegabytes)]);
    expect(xpath(ADMX, "//*[local-name()='multiText']/@maxStrings")).toEqual(['64']);
  });

  it('every text and presentation the ADMX names is in both ADML files, which have the same ids', () => {
    const admx = readFileSync(ADMX, 'utf8');
    const strings = new Set([...admx.matchAll(/\$\(string\.([A-Za-z0-9_]+)\)/g)].map((m) => m[1]));
    const presentations = new Set([...admx.matchAll(/\$\(presentation\.([A-Za-z0-9_]+)\)/g)].map((m) => m[1]));
    const elementIds = xpath(ADMX, "//*[local-name()='elements']/*/@id");
    for (const adml of ADMLS) {
      expect(new Set(xpath(adml, "//*[local-name()='string']/@id"))).toEqual(strings);
      expect(new Set(xpath(adml, "//*[local-name()='presentation']/@id"))).toEqual(presentations);
      expect(xpath(adml, "//*[local-name()='presentation']/*/@refId").sort()).toEqual([...elementIds].sort());
    }
  });
});
