import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, ERROR_CODES } from './errors.js';

// docs/errors.md is what support staff and scripts read: it must list exactly
// the codes in the catalogue, each with its close code and HTTP status.
describe('docs/errors.md', () => {
  const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  const rows = [...doc.matchAll(/^\| `(TANDEM_ERR_[A-Z_]+)` \| (\d+) \| (\d+) \|/gm)].map((m) => ({
    code: m[1],
    close: Number(m[2]),
    http: Number(m[3]),
  }));

  it('lists every code of the catalogue, and nothing else, in order', () => {
    expect(rows.map((r) => r.code)).toEqual(ERROR_CODES);
  });

  it('gives each code the close code and HTTP status of the catalogue', () => {
    for (const row of rows) {
      const entry = ERROR_CATALOGUE[row.code as keyof typeof ERROR_CATALOGUE];
      expect({ code: row.code, close: row.close, http: row.http }).toEqual({ code: row.code, close: entry.close, http: entry.http });
    }
  });
});
