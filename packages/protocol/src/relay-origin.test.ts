import { describe, expect, it } from 'vitest';
import { normaliseRelayOrigin } from './relay-origin.js';

describe('normaliseRelayOrigin', () => {
  it('keeps the origin and rejects anything else, naming the option', () => {
    expect(normaliseRelayOrigin('https://Relay.Example:443/', '--relay')).toBe('https://relay.example');
    expect(() => normaliseRelayOrigin('ws://r', '--relay')).toThrow(/^--relay: must start with https:\/\//);
    expect(() => normaliseRelayOrigin('https://u:p@r', '--relay')).toThrow(/user name/);
    expect(() => normaliseRelayOrigin('https://r/path', '--relay')).toThrow(/only the relay's address/);
    expect(() => normaliseRelayOrigin('not a url', '--relay')).toThrow(/not a URL/);
    expect(() => normaliseRelayOrigin('https://r?x=1', '--relay')).toThrow(/only the relay's address/);
    expect(() => normaliseRelayOrigin(`https://${'r'.repeat(300)}`, '--relay')).toThrow(/longer than/);
  });
});
