// The modules `npm run mutate` (scripts/mutate.mjs) mutates, in the order it
// runs them: for each, the source files mutated, the unit tests that cover
// them (only these run against its mutants) and the TypeScript project the
// checker compiles each mutant in (a mutant that does not compile is not counted).
// The relay's accounts (accounts.ts) are not here yet: they have no unit test of
// their own (the relay's integration tests run the build, not the mutated source,
// and rendezvous.test.ts only signs in with them); see docs/security.md, "Mutation testing".

/** @typedef {{ mutate: string[], tests: string[], tsconfig: string }} MutationModule */

const protocol = (file) => `packages/protocol/src/${file}`;
const agent = (file) => `packages/agent/src/${file}`;
const relay = (file) => `packages/relay/src/${file}`;

/** @type {Record<string, MutationModule>} */
export const MUTATION_MODULES = {
  'record-layer': {
    mutate: [protocol('record-layer.ts')],
    tests: [protocol('record-layer.test.ts'), protocol('record-layer-checks.test.ts')],
    tsconfig: 'packages/protocol/tsconfig.json',
  },
  'secure-session': {
    mutate: [protocol('secure-session.ts')],
    tests: [protocol('secure-session.test.ts'), protocol('secure-session-order.test.ts'), protocol('handshake.test.ts'), protocol('handshake-mitm.test.ts'), protocol('secure-session-checks.test.ts')],
    tsconfig: 'packages/protocol/tsconfig.json',
  },
  cpace: {
    mutate: [protocol('cpace.ts')],
    tests: [protocol('cpace.test.ts'), protocol('cpace-checks.test.ts')],
    tsconfig: 'packages/protocol/tsconfig.json',
  },
  'key-schedule': {
    mutate: [protocol('key-schedule.ts')],
    tests: [protocol('key-schedule.test.ts'), protocol('handshake.test.ts')],
    tsconfig: 'packages/protocol/tsconfig.json',
  },
  gatekeeper: {
    mutate: [agent('gatekeeper/gatekeeper.ts'), agent('gatekeeper/server-gate.ts'), agent('gatekeeper/safe-encodings.ts')],
    tests: [agent('gatekeeper/gatekeeper.test.ts'), agent('gatekeeper/server-gate.test.ts'), agent('gatekeeper/gatekeeper-checks.test.ts')],
    tsconfig: 'packages/agent/tsconfig.json',
  },
  policy: {
    mutate: [agent('policy/effective-policy.ts'), agent('policy/load-policy.ts'), agent('policy/policy-file.ts'), agent('policy/registry-policy.ts'), agent('policy/policy-env.ts')],
    tests: [agent('policy/effective-policy.test.ts'), agent('policy/load-policy.test.ts'), agent('policy/policy-file.test.ts'), agent('policy/registry-policy.test.ts')],
    tsconfig: 'packages/agent/tsconfig.json',
  },
  'consent-server': {
    mutate: [agent('pages/consent-server.ts')],
    tests: [agent('pages/consent-server.test.ts')],
    tsconfig: 'packages/agent/tsconfig.json',
  },
  rendezvous: {
    mutate: [relay('rendezvous.ts')],
    tests: [relay('rendezvous.test.ts')],
    tsconfig: 'packages/relay/tsconfig.json',
  },
};
