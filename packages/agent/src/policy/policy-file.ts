/**
 * One local policy file (docs/policy.md): JSON with a version and optional
 * restrictions. Parsing is strict and fails closed: a policy this agent does
 * not fully understand (unknown version or field, a duplicated key, a wrong
 * type) is an error naming the file and the field, never silently ignored,
 * since ignoring a restriction would relax it.
 */
import { TandemError, normaliseRelayOrigin } from '@tandem/protocol';
import { parsePacUrl, parseProxyServer } from '@tandem/node-client';

/** The policy format version this agent understands. */
export const POLICY_VERSION = 1;

/** Bounds of a policy file. */
export const POLICY_LIMITS = {
  /** Largest policy file, characters. */
  maxFileChars: 64 * 1024,
  /** Most entries in `allowedRelays`. */
  maxAllowedRelays: 64,
  /** Bounds of `maxInvitationLifetimeSeconds` (1 second to 30 days, the invitation format's own bounds). */
  minLifetimeSeconds: 1,
  maxLifetimeSeconds: 30 * 24 * 3600,
  /** Bounds of `maxFileTransferMegabytes` (1 MB to 10 TB; a megabyte is 1,000,000 bytes, as file managers count). */
  minFileMegabytes: 1,
  maxFileMegabytes: 10_000_000,
} as const;

/** Bytes in the megabyte of `maxFileTransferMegabytes` (SI, 10^6). */
export const POLICY_MEGABYTE = 1_000_000;

/** The restrictions one policy file sets; an absent field restricts nothing. */
export interface PolicyFile {
  /** Where it was read from, for messages. */
  path: string;
  forbidInvitations?: boolean;
  forbidControl?: boolean;
  forbidFileTransfer?: boolean;
  forbidSystemInfo?: boolean;
  /** Longest lifetime an invitation may have, seconds. */
  maxInvitationLifetimeSeconds?: number;
  /** Largest file that may be transferred either way, megabytes of {@link POLICY_MEGABYTE} bytes. */
  maxFileTransferMegabytes?: number;
  /** Relay origins that may be used; any other relay is never contacted. Empty: none may. */
  allowedRelays?: string[];
  /** The proxy to reach relays through: `host:port` entries separated by `;`, or `DIRECT` (docs/proxy.md). */
  proxy?: string;
  /** A PAC script's address (http, https or file). */
  proxyPac?: string;
}

/** The boolean fields, in the order they are documented. */
export const POLICY_FORBID_FIELDS = ['forbidInvitations', 'forbidControl', 'forbidFileTransfer', 'forbidSystemInfo'] as const;
/** A boolean field of a policy file. */
export type PolicyForbidField = (typeof POLICY_FORBID_FIELDS)[number];

/** Every field a policy may have, in the order they are documented (the registry's value names too). */
export const POLICY_FIELDS = ['version', ...POLICY_FORBID_FIELDS, 'maxInvitationLifetimeSeconds', 'maxFileTransferMegabytes', 'allowedRelays', 'proxy', 'proxyPac'] as const;

const KNOWN_FIELDS: ReadonlySet<string> = new Set(POLICY_FIELDS);

/**
 * The keys of the top-level object of a JSON text, in order, duplicates kept.
 * JSON.parse keeps the last of duplicated keys silently (RFC 8259 §4 leaves
 * it open), which would let `"forbidControl": true, "forbidControl": false`
 * relax a policy unnoticed; this scan lets the parser refuse it.
 * Assumes `text` is already known to be valid JSON.
 */
function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  const stack: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{' || c === '[') stack.push(c);
    else if (c === '}' || c === ']') stack.pop();
    else if (c === '"') {
      const begin = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
      // A string is a key when a colon follows it after any amount of whitespace (RFC 8259 §2, §4).
      let after = i + 1;
      while (after < text.length && ' \t\n\r'.includes(text.charAt(after))) after++;
      if (stack.length === 1 && stack[0] === '{' && text[after] === ':') {
        const key: unknown = JSON.parse(text.slice(begin, i + 1));
        if (typeof key === 'string') keys.push(key);
      }
    }
  }
  return keys;
}

/** Parses and validates the text of one policy file read from `path`. */
export function parsePolicyFile(text: string, path: string): PolicyFile {
  const bad = (message: string): TandemError =>
    new TandemError('TANDEM_ERR_POLICY_INVALID', `policy ${path}: ${message}; Tandem will not run with a policy it cannot fully understand`);
  if (typeof text !== 'string') throw bad('is not text');
  if (text.length > POLICY_LIMITS.maxFileChars) throw bad(`is larger than ${POLICY_LIMITS.maxFileChars} characters`);
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    throw new TandemError('TANDEM_ERR_POLICY_INVALID', `policy ${path}: is not valid JSON (${(err as Error).message}); Tandem will not run with a policy it cannot read`, { cause: err });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('must be a JSON object, like {"version": 1}');
  const seen = new Set<string>();
  for (const key of topLevelKeys(body)) {
    if (seen.has(key)) throw bad(`field "${key}" appears more than once`);
    seen.add(key);
  }
  const obj = value as Record<string, unknown>;
  if (!('version' in obj)) throw bad('field "version" is missing (write "version": 1)');
  const version = obj['version'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw bad(`field "version" must be a whole number, got ${JSON.stringify(version)}`);
  if (version > POLICY_VERSION) throw bad(`is written for a newer Tandem (policy version ${version}); this agent understands version ${POLICY_VERSION}, so update Tandem`);
  for (const key of Object.keys(obj)) {
    if (!KNOWN_FIELDS.has(key)) throw bad(`unknown field "${key}"`);
  }
  const policy: PolicyFile = { path };
  for (const field of POLICY_FORBID_FIELDS) {
    const v = obj[field];
    if (v === undefined) continue;
    if (typeof v !== 'boolean') throw bad(`field "${field}" must be true or false, got ${JSON.stringify(v)}`);
    policy[field] = v;
  }
  const cap = obj['maxInvitationLifetimeSeconds'];
  if (cap !== undefined) {
    const { minLifetimeSeconds: min, maxLifetimeSeconds: max } = POLICY_LIMITS;
    if (typeof cap !== 'number' || !Number.isInteger(cap) || cap < min || cap > max) {
      throw bad(`field "maxInvitationLifetimeSeconds" must be a whole number of seconds from ${min} to ${max}, got ${JSON.stringify(cap)}`);
    }
    policy.maxInvitationLifetimeSeconds = cap;
  }
  const sizeCap = obj['maxFileTransferMegabytes'];
  if (sizeCap !== undefined) {
    const { minFileMegabytes: min, maxFileMegabytes: max } = POLICY_LIMITS;
    if (typeof sizeCap !== 'number' || !Number.isInteger(sizeCap) || sizeCap < min || sizeCap > max) {
      throw bad(`field "maxFileTransferMegabytes" must be a whole number of megabytes from ${min} to ${max}, got ${JSON.stringify(sizeCap)}`);
    }
    policy.maxFileTransferMegabytes = sizeCap;
  }
  const relays = obj['allowedRelays'];
  if (relays !== undefined) {
    if (!Array.isArray(relays)) throw bad('field "allowedRelays" must be a list of relay addresses, like ["https://support.example.com"]');
    policy.allowedRelays = allowedRelayOrigins(relays, 'field', bad);
  }
  for (const field of ['proxy', 'proxyPac'] as const) {
    const v = obj[field];
    if (v === undefined) continue;
    if (typeof v !== 'string') throw bad(`field "${field}" must be a string, got ${JSON.stringify(v)}`);
    policy[field] = checkProxySetting(field, v, bad);
  }
  return policy;
}

/**
 * The relay addresses of `allowedRelays` as origins, each once: at most
 * `POLICY_LIMITS.maxAllowedRelays`, each one an address (normaliseRelayOrigin),
 * or `bad` with the message of the first that is not. `what` names the
 * source's kind in the message: a file's "field", a registry "value".
 */
export function allowedRelayOrigins(entries: readonly unknown[], what: 'field' | 'value', bad: (message: string) => TandemError): string[] {
  if (entries.length > POLICY_LIMITS.maxAllowedRelays) throw bad(`${what} "allowedRelays" has more than ${POLICY_LIMITS.maxAllowedRelays} entries`);
  const origins = entries.map((r, i) => {
    try {
      return normaliseRelayOrigin(r, `allowedRelays[${i}]`);
    } catch (err) {
      throw bad(`${what} ${(err as Error).message}`);
    }
  });
  return [...new Set(origins)];
}

/**
 * Checks a policy's `proxy` (`host:port` entries separated by `;`, or
 * `DIRECT`) or `proxyPac` (an http, https or file address) and returns it
 * trimmed, or `bad` naming what is wrong: a proxy the agent cannot read
 * would send it elsewhere than the administrator meant.
 */
export function checkProxySetting(field: 'proxy' | 'proxyPac', value: string, bad: (message: string) => TandemError): string {
  const v = value.trim();
  try {
    if (field === 'proxyPac') parsePacUrl(v, `field "${field}"`);
    else {
      const entries = v.split(';').map((e) => e.trim()).filter((e) => e !== '');
      if (entries.length === 0) throw new Error(`field "${field}": names no proxy`);
      for (const e of entries) if (e.toUpperCase() !== 'DIRECT') parseProxyServer(e, `field "${field}"`);
    }
  } catch (err) {
    throw bad((err as Error).message);
  }
  return v;
}
