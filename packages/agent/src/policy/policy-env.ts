/**
 * Where the agent's commands find the local policy: the documented paths
 * (docs/policy.md), each overridable by environment for tests and for
 * administrators who keep the policy elsewhere: `TANDEM_POLICY_SYSTEM` and
 * `TANDEM_POLICY_USER` (an empty value means "no such file").
 */
import type { EffectivePolicy } from './effective-policy.js';
import { loadPolicy } from './load-policy.js';
import { windowsRegistry } from '../platform/windows/registry.js';
import type { RegistryReadKey } from './registry-policy.js';

/** Environment variable naming the system policy file instead of /etc/tandem/policy.json. */
export const POLICY_SYSTEM_ENV = 'TANDEM_POLICY_SYSTEM';
/** Environment variable naming the user policy file instead of the XDG location. */
export const POLICY_USER_ENV = 'TANDEM_POLICY_USER';

/**
 * Loads the policy as a command does: documented paths, or the ones the
 * environment names, and on Windows the group-policy keys (through
 * `registry`, by default the real registry there; none elsewhere).
 */
export function loadPolicyFromEnv(env: NodeJS.ProcessEnv, registry: RegistryReadKey | undefined = windowsRegistry()): Promise<EffectivePolicy> {
  const pick = (name: string): string | null | undefined => {
    const v = env[name];
    if (v === undefined) return undefined;
    return v === '' ? null : v;
  };
  const systemPath = pick(POLICY_SYSTEM_ENV);
  const userPath = pick(POLICY_USER_ENV);
  return loadPolicy({
    env,
    ...(systemPath !== undefined ? { systemPath } : {}),
    ...(userPath !== undefined ? { userPath } : {}),
    ...(registry !== undefined ? { registry } : {}),
  });
}
