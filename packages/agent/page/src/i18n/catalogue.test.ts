/**
 * The page's catalogues (en.ts, ja.ts) against everything that shows text:
 * the same keys and placeholders in both languages, no empty text, a text
 * for every key the page's code, index.html and the agent use, and a
 * customer-readable text in both languages for every error code of the
 * protocol's catalogue (the page shows the code's text, the code after it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flattenCatalogue, placeholders } from '@tandem/test-kit';
import { END_REASONS, ERROR_CODES, MODES as PROTOCOL_MODES } from '@tandem/protocol';
import type { PolicyRestrictionKey } from '../../../src/policy/effective-policy.js';
import { LAUNCH_REUSED_WARNING } from '../../../src/pages/consent-server.js';
import { INVITATION_PHASES, MODES, ROW_REASONS, ROW_STATES, STATUSES } from '../wire.js';
import { en } from './en.js';
import { ja } from './ja.js';

const PAGE_SRC = join(import.meta.dirname, '..');
const AGENT_SRC = join(import.meta.dirname, '../../../src');

const catalogues = { en: flattenCatalogue(en), ja: flattenCatalogue(ja) };
const TOP = new Set(Object.keys(en));

/** True when `prefix` names a group of texts (an object) in the English catalogue. */
const isGroup = (prefix: string): boolean => [...catalogues.en.keys()].some((k) => k.startsWith(`${prefix}.`));

/** Every `.ts` file under `dir`, tests and declarations left out. */
function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f));
}

/** Quoted literals in `code` that look like catalogue keys of this page (`group.key`). */
function literalKeys(code: string): string[] {
  return [...code.matchAll(/'([a-z][A-Za-z]*(?:\.[A-Za-z0-9-]+)+)'/g)].map((m) => m[1] ?? '').filter((k) => TOP.has(k.split('.')[0] ?? ''));
}

describe('the page catalogues', () => {
  it('have exactly the same keys', () => {
    const enKeys = [...catalogues.en.keys()].sort();
    expect([...catalogues.ja.keys()].sort()).toEqual(enKeys);
    expect(enKeys.length).toBeGreaterThan(120);
  });

  it('have no empty or non-string texts', () => {
    for (const [lang, entries] of Object.entries(catalogues)) {
      for (const [key, value] of entries) {
        expect(typeof value, `${lang}:${key}`).toBe('string');
        expect(String(value).trim(), `${lang}:${key}`).not.toBe('');
      }
    }
  });

  it('use the same {{placeholders}} per key in both languages', () => {
    for (const [key, value] of catalogues.en) expect(placeholders(catalogues.ja.get(key)), key).toEqual(placeholders(value));
  });

  it('have a customer-readable text for every error code, translated', () => {
    expect(ERROR_CODES.length).toBeGreaterThan(20);
    for (const code of ERROR_CODES) {
      const english = catalogues.en.get(`errors.${code}`);
      const japanese = catalogues.ja.get(`errors.${code}`);
      expect(english, code).toBeTypeOf('string');
      expect(japanese, code).toBeTypeOf('string');
      expect(japanese, code).not.toBe(english);
      // The code itself is shown after the text: the text is words, not the code again.
      expect(String(english), code).not.toMatch(/TANDEM_ERR|\{\{/);
      expect(String(japanese), code).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    }
    // And nothing for codes that do not exist.
    const known = new Set<string>(ERROR_CODES);
    for (const key of catalogues.en.keys()) if (key.startsWith('errors.')) expect(known.has(key.slice('errors.'.length)), key).toBe(true);
    // The code box's own wording of the codes an attempt can fail with (error-text.ts, context `entry`): real codes, translated.
    const entryCodes = [...catalogues.en.keys()].filter((k) => k.startsWith('entry.errors.')).map((k) => k.slice('entry.errors.'.length));
    expect(entryCodes).toEqual(expect.arrayContaining(['TANDEM_ERR_BAD_INPUT', 'TANDEM_ERR_CODE_UNKNOWN', 'TANDEM_ERR_CODE_EXPIRED', 'TANDEM_ERR_WRONG_CODE', 'TANDEM_ERR_RELAY_UNREACHABLE']));
    for (const code of entryCodes) {
      expect(known.has(code), code).toBe(true);
      expect(catalogues.ja.get(`entry.errors.${code}`), code).not.toBe(catalogues.en.get(`entry.errors.${code}`));
    }
  });

  it('name every mode, status, end reason, invitation phase and row state the agent sends', () => {
    expect([...MODES]).toEqual([...PROTOCOL_MODES]);
    const required = [
      ...MODES.flatMap((m) => [`modes.${m}`, `modeVerbs.${m}`]),
      ...STATUSES.map((s) => `status.${s}`),
      ...END_REASONS.map((r) => `reasons.${r}`),
      ...INVITATION_PHASES.map((p) => `invitations.status.${p}`),
      ...ROW_STATES.map((s) => `invitations.states.${s}`),
      ...ROW_REASONS.map((r) => `invitations.reasons.${r}`),
    ];
    for (const key of required) expect(catalogues.en.has(key), key).toBe(true);
  });

  it('have every key index.html uses', () => {
    const html = readFileSync(join(PAGE_SRC, '../index.html'), 'utf8');
    const keys = [...html.matchAll(/data-i18n(?:-label)?="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(keys.length).toBeGreaterThan(20);
    for (const key of keys) expect(catalogues.en.has(key), key).toBe(true);
  });

  it("have every key the page's code uses, and a group for every key it builds", () => {
    // wire.ts names the fields of events in its errors (`invitations.now`), not texts.
    const files = sources(PAGE_SRC).filter((f) => !relative(PAGE_SRC, f).startsWith('i18n') && !f.endsWith('wire.ts'));
    let literals = 0;
    let groups = 0;
    for (const file of files) {
      const code = readFileSync(file, 'utf8');
      for (const key of literalKeys(code)) {
        literals++;
        expect(catalogues.en.has(key), `${relative(PAGE_SRC, file)}: ${key}`).toBe(true);
      }
      // `prefix.${value}`: the prefix must be a group; the values are checked above or by `known`'s fallback.
      for (const m of code.matchAll(/`([a-z][A-Za-z]*(?:\.[A-Za-z]+)*)\.\$\{/g)) {
        groups++;
        expect(isGroup(m[1] ?? ''), `${relative(PAGE_SRC, file)}: ${m[1]}.*`).toBe(true);
      }
    }
    expect(literals).toBeGreaterThan(20);
    expect(groups).toBeGreaterThan(5);
  });

  it('have every key the agent sends to the page (chat notices, policy lines, warnings)', () => {
    const keys = new Set<string>();
    for (const file of sources(AGENT_SRC)) {
      // `policy.json` and the like are file names, not keys.
      for (const key of literalKeys(readFileSync(file, 'utf8'))) if (/^(system|policy|warnings)\./.test(key) && !key.endsWith('.json')) keys.add(key);
    }
    const policy: Record<PolicyRestrictionKey, true> = {
      'policy.forbid.invitations': true,
      'policy.forbid.control': true,
      'policy.forbid.fileTransfer': true,
      'policy.forbid.systemInfo': true,
      'policy.maxInvitationLifetime': true,
      'policy.maxFileTransfer': true,
      'policy.allowedRelays': true,
      'policy.noRelays': true,
    };
    for (const key of Object.keys(policy)) keys.add(key);
    const warning = LAUNCH_REUSED_WARNING.data;
    if (typeof warning === 'object' && warning !== null && 'key' in warning) keys.add(`warnings.${String(warning.key)}`);
    expect(keys.has('system.started')).toBe(true);
    expect(keys.has('system.screenError')).toBe(true);
    expect(keys.has('warnings.launchReused')).toBe(true);
    for (const key of keys) expect(catalogues.en.has(key), key).toBe(true);
  });
});
