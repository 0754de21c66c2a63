/** Local policy on the customer's computer (docs/policy.md). */
export { loadPolicy, userPolicyPath, windowsPolicyPaths, SYSTEM_POLICY_PATH, type LoadPolicyOptions, type PolicyReadFile } from './load-policy.js';
export { parseRegistryPolicy, readRegistryPolicies, REGISTRY_POLICY_KEYS, type RegistryValue, type RegistryReadKey } from './registry-policy.js';
export {
  EffectivePolicy,
  mergePolicies,
  formatDuration,
  POLICY_CAPABILITIES,
  type PolicyCapability,
  type PolicyRestriction,
  type PolicyRestrictionKey,
} from './effective-policy.js';
export { parsePolicyFile, POLICY_VERSION, POLICY_LIMITS, POLICY_MEGABYTE, POLICY_FIELDS, POLICY_FORBID_FIELDS, type PolicyFile, type PolicyForbidField } from './policy-file.js';
export { loadPolicyFromEnv, POLICY_SYSTEM_ENV, POLICY_USER_ENV } from './policy-env.js';
