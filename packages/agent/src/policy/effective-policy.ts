/**
 * The policy the agent enforces: the system file and the user file merged
 * field by field, the stricter value winning (docs/policy.md). A user file
 * can add restrictions but never lift one the system file sets. The agent
 * consults this whatever the relay or console asks, for session codes and
 * invitations alike.
 */
import { MODES, TandemError, modeRank, normaliseRelayOrigin, type Mode } from '@tandem/protocol';
import { POLICY_MEGABYTE, type PolicyFile, type PolicyForbidField } from './policy-file.js';

/** A policy's proxy settings and where they were read. */
export interface PolicyProxySetting {
  proxy: string | undefined;
  pacUrl: string | undefined;
  where: string;
}

/** Something the policy can forbid. */
export type PolicyCapability = 'invitations' | 'control' | 'file-transfer' | 'system-info';

/** All capabilities, in documented order. */
export const POLICY_CAPABILITIES: readonly PolicyCapability[] = ['invitations', 'control', 'file-transfer', 'system-info'];

const FIELD_OF: Record<PolicyCapability, PolicyForbidField> = {
  invitations: 'forbidInvitations',
  control: 'forbidControl',
  'file-transfer': 'forbidFileTransfer',
  'system-info': 'forbidSystemInfo',
};

/** A stable translation key for each thing the policy can say on the consent screen. */
export type PolicyRestrictionKey =
  | 'policy.forbid.invitations'
  | 'policy.forbid.control'
  | 'policy.forbid.fileTransfer'
  | 'policy.forbid.systemInfo'
  | 'policy.maxInvitationLifetime'
  | 'policy.maxFileTransfer'
  | 'policy.allowedRelays'
  | 'policy.noRelays';

/** One restriction, for the consent screen: a key and parameters to translate, and the English text. */
export interface PolicyRestriction {
  key: PolicyRestrictionKey;
  params: Record<string, string | number>;
  /** Plain English, as {@link EffectivePolicy.describe} returns it. */
  text: string;
  /** The policy files that set it. */
  sources: string[];
}

const FORBID_TEXT: Record<PolicyCapability, { key: PolicyRestrictionKey; text: string }> = {
  invitations: { key: 'policy.forbid.invitations', text: 'Invitations are turned off on this computer.' },
  control: { key: 'policy.forbid.control', text: 'Shared control is turned off on this computer: a technician can at most see the screen.' },
  'file-transfer': { key: 'policy.forbid.fileTransfer', text: 'File transfer is turned off on this computer.' },
  'system-info': { key: 'policy.forbid.systemInfo', text: 'Technicians cannot request system information from this computer.' },
};

/** "1 hour", "2 days 3 hours", "90 seconds": a lifetime in words. */
export function formatDuration(seconds: number): string {
  const units: [number, string][] = [[86400, 'day'], [3600, 'hour'], [60, 'minute'], [1, 'second']];
  const parts: string[] = [];
  let rest = seconds;
  for (const [size, name] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
    rest -= n * size;
  }
  return parts.length === 0 ? '0 seconds' : parts.join(' ');
}

/** The merged policy. Build it with {@link loadPolicy} or {@link mergePolicies}. */
export class EffectivePolicy {
  /** The files it was made from, system first; empty when there is no policy. */
  readonly sources: readonly string[];
  /** Longest invitation lifetime, seconds, or undefined when not capped. */
  readonly maxInvitationLifetimeSeconds: number | undefined;
  /** Relay origins that may be used, or undefined when any may. */
  readonly allowedRelays: readonly string[] | undefined;
  /** Largest file that may be transferred either way, bytes, or undefined when not capped. */
  readonly maxFileBytes: number | undefined;
  readonly #fileCapSources: string[];
  readonly #forbidden: Map<PolicyCapability, string[]>;
  readonly #lifetimeSources: string[];
  readonly #relaySources: string[];
  readonly #proxy: PolicyProxySetting | undefined;

  /** Merges `files` (system first, then user): for each field the stricter value wins. */
  constructor(files: readonly PolicyFile[]) {
    // Not a restriction to merge: the first file that sets a proxy (the system's before the user's) says where to go.
    const withProxy = files.find((f) => f.proxy !== undefined || f.proxyPac !== undefined);
    this.#proxy = withProxy === undefined ? undefined : { proxy: withProxy.proxy, pacUrl: withProxy.proxyPac, where: withProxy.path };
    this.sources = files.map((f) => f.path);
    this.#forbidden = new Map();
    for (const cap of POLICY_CAPABILITIES) {
      const by = files.filter((f) => f[FIELD_OF[cap]] === true).map((f) => f.path);
      if (by.length > 0) this.#forbidden.set(cap, by);
    }
    const caps = files.flatMap((f) => (f.maxInvitationLifetimeSeconds === undefined ? [] : [{ path: f.path, seconds: f.maxInvitationLifetimeSeconds }]));
    this.maxInvitationLifetimeSeconds = caps.length === 0 ? undefined : Math.min(...caps.map((c) => c.seconds));
    this.#lifetimeSources = caps.filter((c) => c.seconds === this.maxInvitationLifetimeSeconds).map((c) => c.path);
    const sizeCaps = files.flatMap((f) => (f.maxFileTransferMegabytes === undefined ? [] : [{ path: f.path, megabytes: f.maxFileTransferMegabytes }]));
    const megabytes = sizeCaps.length === 0 ? undefined : Math.min(...sizeCaps.map((c) => c.megabytes));
    this.maxFileBytes = megabytes === undefined ? undefined : megabytes * POLICY_MEGABYTE;
    this.#fileCapSources = sizeCaps.filter((c) => c.megabytes === megabytes).map((c) => c.path);
    // Two allow-lists: only a relay both allow may be used (their intersection).
    const lists = files.flatMap((f) => (f.allowedRelays === undefined ? [] : [{ path: f.path, relays: f.allowedRelays }]));
    this.allowedRelays = lists.length === 0 ? undefined : lists.map((l) => l.relays).reduce((acc, list) => acc.filter((r) => list.includes(r)));
    this.#relaySources = lists.map((l) => l.path);
  }

  /** True unless the policy forbids `what`. */
  /** The proxy settings of the first policy that has any (docs/policy.md, "proxy", "proxyPac"). */
  proxy(): PolicyProxySetting | undefined {
    return this.#proxy === undefined ? undefined : { ...this.#proxy };
  }

  allows(what: PolicyCapability): boolean {
    if (!POLICY_CAPABILITIES.includes(what)) throw new TandemError('TANDEM_ERR_BAD_INPUT', `policy: unknown capability ${JSON.stringify(what)}`);
    return !this.#forbidden.has(what);
  }

  /** Throws TANDEM_ERR_FORBIDDEN, naming the policy file, when the policy forbids `what`. */
  assertAllows(what: PolicyCapability): void {
    if (this.allows(what)) return;
    const text = FORBID_TEXT[what].text.replace(/\.$/, '');
    throw new TandemError('TANDEM_ERR_POLICY_FORBIDS', `${text} (local policy ${this.#forbidden.get(what)?.join(' and ')})`);
  }

  /** The most a session may grant when `requested` is asked: control forbidden means at most view. */
  maxMode(requested: Mode): Mode {
    if (!MODES.includes(requested)) throw new TandemError('TANDEM_ERR_BAD_INPUT', `policy: unknown mode ${JSON.stringify(requested)}`);
    if (!this.allows('control') && modeRank(requested) > modeRank('view')) return 'view';
    return requested;
  }

  /**
   * Returns the relay's normalised origin when the policy lets the agent use
   * it; otherwise throws TANDEM_ERR_FORBIDDEN naming the relay and the policy
   * files. Call it before contacting a relay, so a refused one never is.
   */
  checkRelay(url: string): string {
    const origin = normaliseRelayOrigin(url, 'relay');
    if (this.allowedRelays === undefined || this.allowedRelays.includes(origin)) return origin;
    const allowed = this.allowedRelays.length === 0 ? 'no relay at all' : `only ${this.allowedRelays.join(', ')}`;
    throw new TandemError('TANDEM_ERR_POLICY_FORBIDS', `the relay ${origin} is not allowed by the local policy ${this.#relaySources.join(' and ')}, which allows ${allowed}`);
  }

  /** The lifetime an invitation may have: `seconds`, or the policy's cap when that is shorter. */
  capLifetime(seconds: number): number {
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1) {
      throw new TandemError('TANDEM_ERR_BAD_INPUT', `policy: lifetime must be a whole number of seconds, got ${JSON.stringify(seconds)}`);
    }
    return this.maxInvitationLifetimeSeconds === undefined ? seconds : Math.min(seconds, this.maxInvitationLifetimeSeconds);
  }

  /** What the policy restricts, with translation keys; empty when nothing. */
  restrictions(): PolicyRestriction[] {
    const out: PolicyRestriction[] = [];
    for (const cap of POLICY_CAPABILITIES) {
      const by = this.#forbidden.get(cap);
      if (by !== undefined) out.push({ ...FORBID_TEXT[cap], params: {}, sources: [...by] });
    }
    const cap = this.maxInvitationLifetimeSeconds;
    if (cap !== undefined) {
      const duration = formatDuration(cap);
      out.push({ key: 'policy.maxInvitationLifetime', params: { seconds: cap, duration }, text: `Invitations last at most ${duration}.`, sources: [...this.#lifetimeSources] });
    }
    const fileCap = this.maxFileBytes;
    if (fileCap !== undefined && this.allows('file-transfer')) {
      const megabytes = fileCap / POLICY_MEGABYTE;
      out.push({ key: 'policy.maxFileTransfer', params: { megabytes }, text: `Files larger than ${megabytes} MB cannot be transferred.`, sources: [...this.#fileCapSources] });
    }
    const relays = this.allowedRelays;
    if (relays !== undefined && relays.length === 0) {
      out.push({ key: 'policy.noRelays', params: {}, text: 'No relay may be used from this computer.', sources: [...this.#relaySources] });
    } else if (relays !== undefined) {
      out.push({ key: 'policy.allowedRelays', params: { relays: relays.join(', ') }, text: `Only these relays may be used: ${relays.join(', ')}.`, sources: [...this.#relaySources] });
    }
    return out;
  }

  /** What the policy forbids, in plain English, for the consent screen. */
  describe(): string[] {
    return this.restrictions().map((r) => r.text);
  }
}

/** Merges parsed policy files, system first; no files gives a policy that allows everything. */
export function mergePolicies(files: readonly PolicyFile[]): EffectivePolicy {
  return new EffectivePolicy(files);
}
