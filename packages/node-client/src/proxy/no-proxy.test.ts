import { describe, expect, it } from 'vitest';
import { bypassesProxy } from './no-proxy.js';

describe('bypassesProxy (NO_PROXY)', () => {
  it.each([
    ['relay.example', 'relay.example', 443, true],
    ['.example', 'relay.example', 443, true],
    ['example', 'relay.example', 443, true],
    ['*.example', 'relay.example', 443, true],
    ['example', 'notexample', 443, false],
    ['relay.example:8443', 'relay.example', 443, false],
    ['relay.example:8443', 'relay.example', 8443, true],
    ['10.0.0.0/8', '10.1.2.3', 443, true],
    ['10.0.0.0/8', '11.1.2.3', 443, false],
    ['::1', '[::1]', 443, true],
    ['localhost, 127.0.0.1', '127.0.0.1', 8443, true],
    ['*', 'anything', 1, true],
    ['', 'relay.example', 443, false],
  ])('%j for %s:%d is %s', (list, host, port, expected) => {
    expect(bypassesProxy(list, host, port)).toBe(expected);
  });
});
