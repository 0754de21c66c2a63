import { describe, expect, it } from 'vitest';
import { telLink } from './view.js';

describe('telLink', () => {
  it('makes a tel: link of a phone number, spaces as visual separators (RFC 3966)', () => {
    expect(telLink('+81 3-1234-5678')).toBe('tel:+81-3-1234-5678');
    expect(telLink('0120-123-456')).toBe('tel:0120-123-456');
    expect(telLink('(03) 1234.5678')).toBe('tel:(03)-1234.5678');
  });

  it('makes none of a phone text that is not only a number', () => {
    expect(telLink('0120-123-456 (weekdays 9-17)')).toBeUndefined();
    expect(telLink('call us')).toBeUndefined();
    expect(telLink('12')).toBeUndefined();
    expect(telLink('+-- ()')).toBeUndefined();
  });
});
