/**
 * Fuzz target: the local policy file parser (policy/policy-file.ts
 * `parsePolicyFile`), which reads a file the computer's administrator or the
 * user wrote.
 *
 * Invariants: it returns a policy or throws TandemError
 * TANDEM_ERR_POLICY_INVALID (nothing else); what it accepts is a JSON object
 * with version 1, no key twice at the top level (checked here by a scanner of
 * its own), only known fields, each of its type, and the policy holds exactly
 * those values (relays as their normalised origins).
 */
import { isDeepStrictEqual } from 'node:util';
import { TandemError, normaliseRelayOrigin, type TandemErrorCode } from '@tandem/protocol';
import { POLICY_FORBID_FIELDS, parsePolicyFile } from '../src/policy/policy-file.js';

/** How scripts/fuzz.mjs runs this target. */
export const fuzzOptions = { sync: true, maxLen: 8192 };

function expectTandemError(err: unknown, allowed: readonly TandemErrorCode[]): void {
  if (!(err instanceof TandemError)) throw new Error(`threw ${String(err)}, not a TandemError`, { cause: err });
  if (!allowed.includes(err.code)) throw new Error(`threw ${err.code}, expected one of ${allowed.join(', ')}: ${err.message}`, { cause: err });
}

/**
 * The keys of the top-level object of valid JSON `text`, duplicates kept: a
 * small recursive-descent reader (RFC 8259 §2-§7), independent of the parser's.
 */
function topLevelKeys(text: string): string[] {
  let i = 0;
  const ws = (): void => { while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++; };
  const str = (): string => {
    const begin = i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(begin, i)) as string;
  };
  const value = (keys: string[] | null): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++; ws();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        ws();
        const k = str();
        keys?.push(k);
        ws(); i++; // ':'
        value(null);
        ws();
        if (text[i++] === '}') return;
      }
    }
    if (c === '[') {
      i++; ws();
      if (text[i] === ']') { i++; return; }
      for (;;) {
        value(null);
        ws();
        if (text[i++] === ']') return;
      }
    }
    if (c === '"') { str(); return; }
    while (i < text.length && !',]} \t\n\r'.includes(text[i] as string)) i++;
  };
  const keys: string[] = [];
  value(keys);
  return keys;
}

const decoder = new TextDecoder();

/**
 * Long runs of whitespace are hard to reach by mutation: in the input, a
 * vertical tab (which JSON does not allow anyway) stands for 64 spaces and a
 * form feed for 64 line ends.
 */
function widen(text: string): string {
  return text.replace(/\v/g, ' '.repeat(64)).replace(/\f/g, '\n'.repeat(64));
}

/** One input: the bytes of a policy file, as text. */
export function fuzz(data: Buffer): void {
  const text = widen(decoder.decode(data));
  let policy;
  try {
    policy = parsePolicyFile(text, '/etc/tandem/policy.json');
  } catch (err) {
    expectTandemError(err, ['TANDEM_ERR_POLICY_INVALID']);
    return;
  }
  const body = text.replace(/^\uFEFF/, '');
  const obj = JSON.parse(body) as Record<string, unknown>;
  const keys = topLevelKeys(body);
  if (new Set(keys).size !== keys.length) throw new Error(`accepted a key given twice: ${JSON.stringify(keys)}`);
  if (obj['version'] !== 1) throw new Error(`accepted version ${JSON.stringify(obj['version'])}`);
  const expected: Record<string, unknown> = { path: '/etc/tandem/policy.json' };
  for (const f of POLICY_FORBID_FIELDS) if (obj[f] !== undefined) expected[f] = obj[f];
  if (obj['maxInvitationLifetimeSeconds'] !== undefined) expected['maxInvitationLifetimeSeconds'] = obj['maxInvitationLifetimeSeconds'];
  const relays = obj['allowedRelays'];
  if (relays !== undefined) expected['allowedRelays'] = [...new Set((relays as unknown[]).map((u) => normaliseRelayOrigin(u)))];
  const known = new Set(['version', 'maxInvitationLifetimeSeconds', 'allowedRelays', ...POLICY_FORBID_FIELDS]);
  const unknown = Object.keys(obj).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new Error(`accepted unknown fields ${unknown.join(', ')}`);
  if (!isDeepStrictEqual({ ...policy }, expected)) throw new Error(`policy ${JSON.stringify(policy)} is not what the file says, ${JSON.stringify(expected)}`);
}

/** Policy files as docs/policy.md shows them, and as administrators write them. */
export function seeds(): Uint8Array[] {
  const files = [
    '{"version": 1}\n',
    '{\n  "version": 1,\n  "forbidControl": true,\n  "forbidFileTransfer": true\n}\n',
    '\uFEFF{"version":1,"forbidInvitations":true,"forbidSystemInfo":false,"maxInvitationLifetimeSeconds":3600}',
    '{"version": 1, "allowedRelays": ["https://support.example.com", "https://relay2.example.net:8443/", "http://127.0.0.1:8080"]}',
    '{"version": 1, "allowedRelays": [], "forbidControl": false}',
    '{"version": 1, "forbidControl": true, "forbidControl": false}',
  ];
  return files.map((f) => new TextEncoder().encode(f));
}
