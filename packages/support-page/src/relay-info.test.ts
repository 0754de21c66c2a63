import { describe, expect, it } from 'vitest';
import { TandemError } from '@tandem/protocol';
import { readHelpDesk } from './relay-info.js';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (err) {
    return err instanceof TandemError ? err.code : 'not a TandemError';
  }
  return undefined;
}

describe('readHelpDesk', () => {
  it('reads the help desk of an /api/info answer, and none when the relay has none', () => {
    expect(readHelpDesk({ version: '1', tls: true, helpDesk: { name: 'Acme サポート', phone: '+81 3-1234-5678', logo: '/help-desk/logo' } })).toEqual({
      name: 'Acme サポート',
      phone: '+81 3-1234-5678',
      logo: '/help-desk/logo',
    });
    expect(readHelpDesk({ version: '1', helpDesk: { name: 'Acme' } })).toEqual({ name: 'Acme' });
    expect(readHelpDesk({ version: '1', tls: false })).toBeUndefined();
  });

  it.each<[string, unknown]>([
    ['an answer that is no object', 'nope'],
    ['a help desk that is no object', { helpDesk: 'Acme' }],
    ['a help desk without a name', { helpDesk: {} }],
    ['an empty name', { helpDesk: { name: '' } }],
    ['a name with a bidirectional override', { helpDesk: { name: 'Acme\u202Eksed' } }],
    ['a phone number with a control character', { helpDesk: { name: 'Acme', phone: '123\n456' } }],
    ['a phone number that is no text', { helpDesk: { name: 'Acme', phone: 123 } }],
    ['a logo on another origin', { helpDesk: { name: 'Acme', logo: '//evil.example/logo.png' } }],
    ['a logo at an absolute URL', { helpDesk: { name: 'Acme', logo: 'https://evil.example/logo.png' } }],
    ['a script as logo', { helpDesk: { name: 'Acme', logo: 'javascript:alert(1)' } }],
  ])('refuses %s with TANDEM_ERR_BAD_INPUT', (_what, answer) => {
    expect(codeOf(() => readHelpDesk(answer))).toBe('TANDEM_ERR_BAD_INPUT');
  });
});
