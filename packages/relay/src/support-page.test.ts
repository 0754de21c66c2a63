import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TandemError } from '@tandem/protocol';
import { MAX_LOGO_BYTES } from './help-desk.js';
import { HELP_DESK_LOGO_PATH, helpDeskInfo, loadHelpDesk } from './support-page.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-support-page-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function failure(f: () => unknown): TandemError {
  try {
    f();
  } catch (err) {
    if (err instanceof TandemError) return err;
    throw err;
  }
  throw new Error('it did not fail');
}

describe('loadHelpDesk', () => {
  it('reads the logo once, with its media type, and describes the desk for /api/info', () => {
    const svg = join(dir, 'logo.SVG');
    writeFileSync(svg, '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    const served = loadHelpDesk({ name: 'Acme サポート', phone: '+81 3-1234-5678', logoFile: svg });
    expect(served?.logo?.type).toBe('image/svg+xml');
    expect(served?.logo?.bytes.toString()).toContain('<svg');
    expect(served && helpDeskInfo(served)).toEqual({ name: 'Acme サポート', phone: '+81 3-1234-5678', logo: HELP_DESK_LOGO_PATH });
    expect(helpDeskInfo({ desk: { name: 'Acme' } })).toEqual({ name: 'Acme' });
    expect(loadHelpDesk(undefined)).toBeUndefined();
  });

  it('refuses, as the start options do, a help desk given to startRelay directly that it cannot show', () => {
    const big = join(dir, 'big.png');
    writeFileSync(big, Buffer.alloc(MAX_LOGO_BYTES + 1));
    const cases: [string, () => unknown, RegExp][] = [
      ['an empty name', () => loadHelpDesk({ name: '' }), /--help-desk-name/],
      ['a bidirectional override in the name', () => loadHelpDesk({ name: 'Desk\u202Eexe' }), /--help-desk-name: must not contain/],
      ['a control character in the phone number', () => loadHelpDesk({ name: 'Desk', phone: '1\n2' }), /--help-desk-phone/],
      ['a GIF', () => loadHelpDesk({ name: 'Desk', logoFile: join(dir, 'logo.gif') }), /must be a \.png or \.svg/],
      ['a missing logo', () => loadHelpDesk({ name: 'Desk', logoFile: join(dir, 'missing.png') }), /cannot read/],
      ['a logo too large', () => loadHelpDesk({ name: 'Desk', logoFile: big }), /larger than/],
    ];
    for (const [what, load, message] of cases) {
      const err = failure(load);
      expect(err.code, what).toBe('TANDEM_ERR_BAD_INPUT');
      expect(err.message, what).toMatch(message);
    }
  });
});
