// Lint configuration: typescript-eslint's type-checked recommended rules (so a
// promise is never dropped unhandled: no-floating-promises counts `void` too),
// zero warnings allowed (`npm run lint` runs with --max-warnings 0), and the
// repository's import boundaries (eslint-rules/boundaries.js, docs/architecture.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from './eslint-rules/boundaries.js';

/**
 * The packages and what each one's source may import (tests may import any
 * package by name). The customer's agent never imports the technician's client.
 * The support page (browser code bundled by Vite, like the console) takes
 * only protocol's constants, types and checks; the console's stylesheet it
 * takes in CSS (`@import '@tandem/console/styles.css'`), not in code.
 * The test kit is test code (`test: true`): tests import it by name, no
 * package's source does.
 */
const PACKAGES = {
  protocol: { name: '@tandem/protocol', deps: [] },
  rfb: { name: '@tandem/rfb', deps: ['protocol'] },
  'node-client': { name: '@tandem/node-client', deps: ['protocol'] },
  relay: { name: '@tandem/relay', deps: ['protocol'] },
  agent: { name: '@tandem/agent', deps: ['protocol', 'rfb', 'node-client'] },
  tech: { name: '@tandem/tech', deps: ['protocol', 'rfb', 'node-client'] },
  cli: { name: '@tandem/cli', deps: ['node-client', 'agent', 'tech'] },
  console: { name: '@tandem/console', deps: ['protocol'] },
  'support-page': { name: '@tandem/support-page', deps: ['protocol'] },
  'test-kit': { name: '@tandem/test-kit', deps: [], test: true },
};

/** Folders of the agent's src, lowest first: a folder imports only folders of lower rows. */
const AGENT_LAYERS = [
  ['platform'],
  ['command-line', 'desktop', 'gatekeeper', 'invitations', 'policy', 'system'],
  ['rfb-server', 'session', 'executable'],
  ['screen'],
  ['pages', 'terminal'],
  ['commands'],
];

/**
 * Browser code: the agent's local page (packages/agent/page), ES modules the
 * agent serves without a bundler. It imports its own files only, and types
 * (`import type`) from these packages; i18next's code comes as vendor/i18next.js.
 */
const BROWSER = { 'agent/page': ['i18next'] };

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', 'packages/*/bin/**', 'docs/**', '.tandem-test/**', '.fuzz-build/**', 'reports/**', '.stryker-tmp/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: ['**/*.ts', '**/*.tsx'] })),
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: {
        // The packages' own projects, the page's, and the one that holds every test and script.
        project: ['./packages/*/tsconfig.json', './packages/agent/page/tsconfig.json', './tsconfig.tests.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { tandem: { rules: { boundaries } } },
    rules: {
      'no-empty': ['error', { allowEmptyCatch: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // A discarded promise must say what happens when it rejects: `void p` is not an answer.
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }],
      // An `async` method without `await` is how an implementation of a Promise-returning interface
      // (AeadProvider, RectDecoder, RectEncoder) turns a throw into a rejection its callers handle.
      '@typescript-eslint/require-await': 'off',
      'no-console': 'off',
      'tandem/boundaries': [
        'error',
        { root: import.meta.dirname, packages: PACKAGES, layers: { agent: AGENT_LAYERS }, isomorphic: ['protocol'], browser: BROWSER },
      ],
    },
  },
  {
    // vitest's asymmetric matchers (expect.stringMatching, expect.objectContaining, ...) are typed `any`
    // by design; assigning them into an expected object is how a test says "a string like this".
    files: ['**/*.test.ts', '**/*.test.tsx'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
  },
);
