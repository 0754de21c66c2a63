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
    },
    layers: { agent: [['desktop'], ['rfb-server'], ['commands']] },
    isomorphic: ['protocol'],
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
    at('packages/tech/test/screen.test.ts', "import { Proc } from '../../agent/test/harness.js';"),
    at('packages/protocol/src/cpace.ts', "import { sha512 } from '@noble/hashes/sha2.js';"),
    at('packages/protocol/src/cpace.test.ts', "import { readFileSync } from 'node:fs';"),
  ],
  invalid: [
    { ...at('packages/agent/src/commands/join.ts', "import { RfbClient } from '@tandem/tech';"), errors: [{ message: /@tandem\/agent may not import @tandem\/tech/ }] },
    { ...at('packages/agent/src/commands/join.ts', "export { RfbClient } from '@tandem/tech';"), errors: [{ message: /may not import @tandem\/tech/ }] },
    { ...at('packages/agent/src/commands/join.ts', "const m = import('@tandem/tech');"), errors: [{ message: /may not import @tandem\/tech/ }] },
    { ...at('packages/agent/src/commands/join.ts', "import { x } from '@tandem/rfb/src/byte-queue.js';"), errors: [{ message: /one public entry/ }] },
    { ...at('packages/agent/src/commands/join.ts', "import { x } from '../../../tech/src/rfb-client/client.js';"), errors: [{ message: /Relative import into packages\/tech/ }] },
    { ...at('packages/agent/test/session.test.ts', "import { x } from '../../tech/src/rfb-client/client.js';"), errors: [{ message: /Relative import into packages\/tech/ }] },
    { ...at('packages/agent/src/desktop/x11.ts', "import { x } from '../commands/join.js';"), errors: [{ message: /only lower layers/ }] },
    { ...at('packages/agent/src/rfb-server/server.ts', "import { x } from '../commands/join.js';"), errors: [{ message: /only lower layers/ }] },
    { ...at('packages/agent/src/gadgets/thing.ts', "import { x } from '../desktop/x11.js';"), errors: [{ message: /has no layer/ }] },
    { ...at('packages/agent/src/commands/join.ts', "import { x } from '@tandem/agent';"), errors: [{ message: /its own files by relative path/ }] },
    { ...at('packages/protocol/src/aead.ts', "import { createCipheriv } from 'node:crypto';"), errors: [{ message: /runs in the browser too/ }] },
    { ...at('packages/protocol/src/aead.ts', "import { Buffer } from 'buffer';"), errors: [{ message: /runs in the browser too/ }] },
    { ...at('packages/protocol/src/aead.ts', "import { x } from '@tandem/rfb';"), errors: [{ message: /@tandem\/protocol may not import @tandem\/rfb \(allowed: none\)/ }] },
  ],
});
