import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_LOGO_BYTES, parseHelpDesk } from './help-desk.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-help-desk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseHelpDesk', () => {
  it('takes a name, a phone number and a logo', () => {
    const logo = join(dir, 'logo.svg');
    writeFileSync(logo, '<svg xmlns="http://www.w3.org/2000/svg"/>');
    expect(parseHelpDesk({})).toBeUndefined();
    expect(parseHelpDesk({ name: 'Example Help Desk', phone: '+81 3 1234 5678', logoFile: logo })).toEqual({ name: 'Example Help Desk', phone: '+81 3 1234 5678', logoFile: logo });
  });

  it('refuses what it cannot show, naming the option', () => {
    const big = join(dir, 'big.png');
    writeFileSync(big, Buffer.alloc(MAX_LOGO_BYTES + 1));
    expect(() => parseHelpDesk({ phone: '1' })).toThrow(/need --help-desk-name/);
    expect(() => parseHelpDesk({ name: 'Desk \u202Eexe' })).toThrow(/--help-desk-name: must not contain/);
    expect(() => parseHelpDesk({ name: 'Desk', logoFile: join(dir, 'logo.gif') })).toThrow(/must be a \.png or \.svg/);
    expect(() => parseHelpDesk({ name: 'Desk', logoFile: join(dir, 'missing.png') })).toThrow(/cannot read/);
    expect(() => parseHelpDesk({ name: 'Desk', logoFile: big })).toThrow(/larger than/);
  });
});
