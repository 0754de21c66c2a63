/**
 * The local policy as group policy sets it on Windows (docs/policy.md,
 * "Windows: the registry"): the values of `HKLM\Software\Policies\Tandem`
 * and `HKCU\Software\Policies\Tandem`, named as the policy file's fields.
 * Parsing is as strict as the file's and fails closed: an unknown value, a
 * value of the wrong registry type or out of range is an error naming the
 * key and the value, never ignored. Registry names are not case sensitive
 * (MSDN, "Structure of the Registry"), so `ForbidControl` is `forbidControl`.
 */
import { TandemError } from '@tandem/protocol';
import type { RegistryReadKey, RegistryValue } from '../platform/windows/registry-value.js';
import { POLICY_FIELDS, POLICY_FORBID_FIELDS, POLICY_LIMITS, POLICY_VERSION, allowedRelayOrigins, checkProxySetting, type PolicyFile } from './policy-file.js';

export type { RegistryReadKey, RegistryValue };

/** The two policy keys, machine first (the order of {@link loadPolicy}'s sources). */
export const REGISTRY_POLICY_KEYS = {
  machine: 'HKLM\\Software\\Policies\\Tandem',
  user: 'HKCU\\Software\\Policies\\Tandem',
} as const;

const FIELD_BY_LOWER: ReadonlyMap<string, string> = new Map(
  POLICY_FIELDS.map((f) => [f.toLowerCase(), f]),
);

/** The data of a REG_DWORD or REG_QWORD as a number, or undefined for any other type. */
function whole(value: RegistryValue): number | undefined {
  if (value.type !== 'REG_DWORD' && value.type !== 'REG_QWORD') return undefined;
  const n = Number(value.data);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * The policy that the values of one key set, read from `key` (named in
 * messages). Undefined when the key holds no value at all: an empty key is
 * no policy, as a missing file is.
 */
export function parseRegistryPolicy(values: readonly RegistryValue[], key: string): PolicyFile | undefined {
  const bad = (message: string): TandemError =>
    new TandemError('TANDEM_ERR_POLICY_INVALID', `policy ${key}: ${message}; Tandem will not run with a policy it cannot fully understand`);
  if (values.length === 0) return undefined;
  const byField = new Map<string, RegistryValue>();
  for (const value of values) {
    const field = FIELD_BY_LOWER.get(value.name.toLowerCase());
    if (field === undefined) throw bad(value.name === '' ? 'has a default (unnamed) value' : `unknown value "${value.name}"`);
    // A reader never gives one name twice (names are unique in a key), but a caller's list might.
    if (byField.has(field)) throw bad(`value "${field}" appears more than once`);
    byField.set(field, value);
  }
  const version = byField.get('version');
  if (version !== undefined) {
    const v = whole(version);
    if (v === undefined || v < 1) throw bad(`value "version" must be a REG_DWORD of 1, got ${describeValue(version)}`);
    if (v > POLICY_VERSION) throw bad(`is written for a newer Tandem (policy version ${v}); this agent understands version ${POLICY_VERSION}, so update Tandem`);
  }
  const policy: PolicyFile = { path: key };
  for (const field of POLICY_FORBID_FIELDS) {
    const value = byField.get(field);
    if (value === undefined) continue;
    const v = whole(value);
    if (v !== 0 && v !== 1) throw bad(`value "${field}" must be a REG_DWORD of 0 or 1, got ${describeValue(value)}`);
    policy[field] = v === 1;
  }
  const cap = byField.get('maxInvitationLifetimeSeconds');
  if (cap !== undefined) {
    const { minLifetimeSeconds: min, maxLifetimeSeconds: max } = POLICY_LIMITS;
    const v = whole(cap);
    if (v === undefined || v < min || v > max) {
      throw bad(`value "maxInvitationLifetimeSeconds" must be a REG_DWORD of ${min} to ${max} seconds, got ${describeValue(cap)}`);
    }
    policy.maxInvitationLifetimeSeconds = v;
  }
  const sizeCap = byField.get('maxFileTransferMegabytes');
  if (sizeCap !== undefined) {
    const { minFileMegabytes: min, maxFileMegabytes: max } = POLICY_LIMITS;
    const v = whole(sizeCap);
    if (v === undefined || v < min || v > max) {
      throw bad(`value "maxFileTransferMegabytes" must be a REG_DWORD of ${min} to ${max} megabytes, got ${describeValue(sizeCap)}`);
    }
    policy.maxFileTransferMegabytes = v;
  }
  const relays = byField.get('allowedRelays');
  if (relays !== undefined) {
    if (relays.type !== 'REG_MULTI_SZ') throw bad(`value "allowedRelays" must be a REG_MULTI_SZ, one relay address a line, got ${describeValue(relays)}`);
    // Blank lines (an editor's last newline) allow nothing, so leaving them out relaxes nothing.
    const lines = relays.data.map((line) => line.trim()).filter((line) => line !== '');
    policy.allowedRelays = allowedRelayOrigins(lines, 'value', bad);
  }
  for (const field of ['proxy', 'proxyPac'] as const) {
    const value = byField.get(field);
    if (value === undefined) continue;
    if (value.type !== 'REG_SZ') throw bad(`value "${field}" must be a REG_SZ, got ${describeValue(value)}`);
    policy[field] = checkProxySetting(field, value.data, bad);
  }
  return policy;
}

/** `REG_SZ "yes"`, `REG_DWORD 2`: a value as a message shows it. */
function describeValue(value: RegistryValue): string {
  switch (value.type) {
    case 'REG_DWORD':
    case 'REG_QWORD':
      return `${value.type} ${String(value.data)}`;
    case 'REG_SZ':
    case 'REG_EXPAND_SZ':
      return `${value.type} ${JSON.stringify(value.data)}`;
    case 'REG_MULTI_SZ':
      return `REG_MULTI_SZ ${JSON.stringify(value.data)}`;
    default:
      return `${value.type} of ${value.data.length} bytes`;
  }
}

/**
 * Reads and parses both keys, machine first, with `readKey`. A key that
 * cannot be read (other than absent) rejects with TANDEM_ERR_POLICY_INVALID
 * naming it: as with a file, the agent does not run without its policy.
 */
export async function readRegistryPolicies(readKey: RegistryReadKey): Promise<PolicyFile[]> {
  const out: PolicyFile[] = [];
  for (const key of [REGISTRY_POLICY_KEYS.machine, REGISTRY_POLICY_KEYS.user]) {
    let values: RegistryValue[] | undefined;
    try {
      values = await readKey(key);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new TandemError('TANDEM_ERR_POLICY_INVALID', `policy ${key}: cannot be read (${reason}); Tandem will not run without knowing its policy`, { cause: err });
    }
    const policy = values === undefined ? undefined : parseRegistryPolicy(values, key);
    if (policy !== undefined) out.push(policy);
  }
  return out;
}
