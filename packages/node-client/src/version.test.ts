import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TANDEM_CLIENT_VERSION } from './version.js';

describe('TANDEM_CLIENT_VERSION', () => {
  it('is the version of @tandem/node-client and @tandem/agent', () => {
    for (const pkg of ['../package.json', '../../agent/package.json']) {
      const { version } = JSON.parse(readFileSync(new URL(pkg, import.meta.url), 'utf8')) as { version: string };
      expect(version).toBe(TANDEM_CLIENT_VERSION);
    }
  });
});
