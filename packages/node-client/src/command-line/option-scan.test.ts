import { describe, expect, it } from 'vitest';
import { parseRelayUrl } from './option-scan.js';

describe('parseRelayUrl', () => {
  it('keeps the origin and rejects anything else', () => {
    expect(parseRelayUrl('https://Relay.Example:443/')).toBe('https://relay.example');
    expect(() => parseRelayUrl('ws://r')).toThrow(/https:\/\//);
    expect(() => parseRelayUrl('https://u:p@r')).toThrow(/user name/);
    expect(() => parseRelayUrl('https://r/path')).toThrow(/only the relay's address/);
    expect(() => parseRelayUrl('not a url')).toThrow(/not a URL/);
  });
});
