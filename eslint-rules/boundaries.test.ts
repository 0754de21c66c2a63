import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, it } from 'vitest';
import boundaries from './boundaries.js';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const ROOT = '/repo';
const OPTIONS = [
  {
    root: ROOT,
    packages: {
      protocol: { name: '@tandem/protocol', deps: [] },
      rfb: { name: '@tandem/rfb', deps: ['protocol'] },
      agent: { name: '@tandem/agent', deps: ['protocol', 'rfb'] },
      tech: { name: '@tandem/tech', deps: ['protocol', 'rfb'] },
      'test-kit': { name: '@tandem/test-kit', deps: [], test: true },
    },
    layers: { agent: [['desktop'], ['rfb-server'], ['commands']] },
    isomorphic: ['protocol'],
    browser: { 'agent/page': ['i18next'] },
  },
];
const at = (path: string, code: string): { filename: string; code: string; options: typeof OPTIONS } => ({ filename: `${ROOT}/${path}`, code, options: OPTIONS });

new RuleTester({ languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' } }).run('tandem/boundaries', boundaries, {
  valid: [
    at('packages/agent/src/commands/join.ts', "import { x } from '@tandem/rfb';"),
    at('packages/agent/src/commands/join.ts', "import { x } from '../rfb-server/server.js';"),
    at('packages/agent/src/rfb-server/server.ts', "import { x } from '../desktop/source.js';"),
    at('packages/agent/src/index.ts', "export * from './commands/join.js';"),
    at('packages/agent/src/commands/join.ts', "import { x } from './other.js';"),
    at('packages/agent/test/session.test.ts', "import { RfbClient } from '@tandem/tech';"),
    at('packages/agent/src/rfb-server/zrle.test.ts', "import { draw } from '@tandem/tech';"),
    // The test kit: tests (integration and unit) import it by name; it imports any package by name, and its own files by path.
    at('packages/tech/test/screen.test.ts', "import { Proc } from '@tandem/test-kit';"),
    at('packages/protocol/src/peer-session.test.ts', "import { MemoryRelay } from '@tandem/test-kit';"),
    at('packages/test-kit/src/hostile-tech.ts', "import { TechnicianSession } from '@tandem/protocol';"),
    at('packages/test-kit/src/agent-rig.ts', "import { JoinController } from '@tandem/agent';"),
    at('packages/test-kit/src/process.ts', "import { spawn } from 'node:child_process';"),
    at('packages/test-kit/src/relay-process.ts', "import { Proc } from './process.js';"),
    at('packages/protocol/src/cpace.ts', "import { sha512 } from '@noble/hashes/sha2.js';"),
    at('packages/protocol/src/cpace.test.ts', "import { readFileSync } from 'node:fs';"),
    // Browser code: its own files, i18next's types, its code by relative path.
    at('packages/agent/page/src/app.ts', "import { render } from './render.js';"),
    at('packages/agent/page/src/i18n/i18n.ts', "import { en } from './en.js';"),
    at('packages/agent/page/src/i18n/i18n.ts', "import i18next from '../vendor/i18next.js';"),
    at('packages/agent/page/src/i18n/i18n.ts', "import type { i18n } from 'i18next';"),
    at('packages/agent/page/src/i18n/i18n.ts', "import { type i18n, type TOptions } from 'i18next';"),
    at('packages/agent/page/src/vendor/i18next.d.ts', "export type { i18n } from 'i18next';"),
    // The page's tests are tests: any package by name, the agent's own source.
    at('packages/agent/page/src/i18n/catalogue.test.ts', "import { ERROR_CODES } from '@tandem/protocol';"),
    at('packages/agent/page/src/i18n/catalogue.test.ts', "import { readFileSync } from 'node:fs';"),
    at('packages/agent/page/src/wire.test.ts', "import type { JoinView } from '../../src/session/join-controller.js';"),
    // Agent tests may drive the page's files.
    at('packages/agent/src/pages/consent-server.test.ts', "import { en } from '../../page/src/i18n/en.js';"),
  ],
  invalid: [
    { ...at('packages/agent/src/commands/join.ts', "import { RfbClient } from '@tandem/tech';"), errors: [{ message: /@tandem\/agent may not import @tandem\/tech/ }] },
    { ...at('packages/agent/src/commands/join.ts', "export { RfbClient } from '@tandem/tech';"), errors: [{ message: /may not import @tandem\/tech/ }] },
    { ...at('packages/agent/src/commands/join.ts', "const m = import('@tandem/tech');"), errors: [{ message: /may not import @tandem\/tech/ }] },
    { ...at('packages/agent/src/commands/join.ts', "import { x } from '@tandem/rfb/src/byte-queue.js';"), errors: [{ message: /one public entry/ }] },
    { ...at('packages/agent/src/commands/join.ts', "import { x } from '../../../tech/src/rfb-client/client.js';"), errors: [{ message: /Relative import into packages\/tech/ }] },
    { ...at('packages/agent/test/session.test.ts', "import { x } from '../../tech/src/rfb-client/client.js';"), errors: [{ message: /Relative import into packages\/tech/ }] },
    // Tests share helpers through the test kit only, not through each other's test/ folders.
    { ...at('packages/tech/test/screen.test.ts', "import { Proc } from '../../agent/test/harness.js';"), errors: [{ message: /Relative import into packages\/agent: tests share helpers through @tandem\/test-kit only/ }] },
    { ...at('packages/agent/src/session/join.test.ts', "import { MemoryRelay } from '../../../protocol/test/memory-relay.js';"), errors: [{ message: /Relative import into packages\/protocol: tests share helpers through @tandem\/test-kit only/ }] },
    { ...at('packages/relay/test/cli.test.ts', "import { Proc } from '../../test-kit/src/process.js';"), errors: [{ message: /Relative import into packages\/test-kit: import @tandem\/test-kit instead/ }] },
    { ...at('packages/relay/test/cli.test.ts', "import { Proc } from '@tandem/test-kit/src/process.js';"), errors: [{ message: /one public entry/ }] },
    // No package's source imports the test kit, whatever its dependencies say.
    { ...at('packages/agent/src/commands/join.ts', "import { sleep } from '@tandem/test-kit';"), errors: [{ message: /@tandem\/test-kit is test code: only tests import it/ }] },
    { ...at('packages/protocol/src/aead.ts', "import type { Proc } from '@tandem/test-kit';"), errors: [{ message: /@tandem\/test-kit is test code/ }] },
    { ...at('packages/agent/page/src/app.ts', "import type { Proc } from '@tandem/test-kit';"), errors: [{ message: /may not import @tandem\/test-kit/ }] },
    { ...at('packages/test-kit/src/index.ts', "export * from '@tandem/test-kit';"), errors: [{ message: /its own files by relative path/ }] },
    { ...at('packages/agent/src/desktop/x11.ts', "import { x } from '../commands/join.js';"), errors: [{ message: /only lower layers/ }] },
    { ...at('packages/agent/src/rfb-server/server.ts', "import { x } from '../commands/join.js';"), errors: [{ message: /only lower layers/ }] },
    { ...at('packages/agent/src/gadgets/thing.ts', "import { x } from '../desktop/x11.js';"), errors: [{ message: /has no layer/ }] },
    { ...at('packages/agent/src/commands/join.ts', "import { x } from '@tandem/agent';"), errors: [{ message: /its own files by relative path/ }] },
    { ...at('packages/protocol/src/aead.ts', "import { createCipheriv } from 'node:crypto';"), errors: [{ message: /runs in the browser too/ }] },
    { ...at('packages/protocol/src/aead.ts', "import { Buffer } from 'buffer';"), errors: [{ message: /runs in the browser too/ }] },
    { ...at('packages/protocol/src/aead.ts', "import { x } from '@tandem/rfb';"), errors: [{ message: /@tandem\/protocol may not import @tandem\/rfb \(allowed: none\)/ }] },
    // Browser code: no Node built-in, no package of the repository, nothing outside its folder.
    { ...at('packages/agent/page/src/app.ts', "import { readFileSync } from 'node:fs';"), errors: [{ message: /runs in the browser: no Node built-in node:fs/ }] },
    { ...at('packages/agent/page/src/app.ts', "import { EventEmitter } from 'events';"), errors: [{ message: /runs in the browser: no Node built-in events/ }] },
    { ...at('packages/agent/page/src/app.ts', "import { MODES } from '@tandem/protocol';"), errors: [{ message: /may not import @tandem\/protocol/ }] },
    { ...at('packages/agent/page/src/app.ts', "import type { JoinView } from '@tandem/agent';"), errors: [{ message: /may not import @tandem\/agent/ }] },
    { ...at('packages/agent/page/src/app.ts', "import { x } from '../../src/pages/page-actions.js';"), errors: [{ message: /imports only its own files/ }] },
    { ...at('packages/agent/page/src/app.ts', "import type { JoinView } from '../../src/session/join-controller.js';"), errors: [{ message: /imports only its own files/ }] },
    { ...at('packages/agent/page/src/app.ts', "import { x } from '../../../console/src/i18n/i18n.js';"), errors: [{ message: /imports only its own files/ }] },
    { ...at('packages/agent/page/src/app.ts', "import React from 'react';"), errors: [{ message: /may not import react \(it may take types from: i18next\)/ }] },
    // i18next: its types only; its code by relative path (a browser cannot resolve a bare name).
    { ...at('packages/agent/page/src/i18n/i18n.ts', "import i18next from 'i18next';"), errors: [{ message: /takes only types from i18next/ }] },
    { ...at('packages/agent/page/src/i18n/i18n.ts', "import { createInstance, type i18n } from 'i18next';"), errors: [{ message: /takes only types from i18next/ }] },
    { ...at('packages/agent/page/src/i18n/i18n.ts', "export * from 'i18next';"), errors: [{ message: /takes only types from i18next/ }] },
    { ...at('packages/agent/page/src/i18n/i18n.ts', "const m = import('i18next');"), errors: [{ message: /takes only types from i18next/ }] },
    // The agent's Node code serves the page and never imports it.
    { ...at('packages/agent/src/pages/consent-server.ts', "import { en } from '../../page/src/i18n/en.js';"), errors: [{ message: /packages\/agent\/page is browser code/ }] },
  ],
});
