import { describe, expect, it } from 'vitest';
import { consoleTarget } from './console-forward.js';

describe('consoleTarget', () => {
  it('sends every console route on to /console/ with the same fragment', () => {
    expect(consoleTarget('#/setup/AbC123_-xyz')).toBe('/console/#/setup/AbC123_-xyz');
    expect(consoleTarget('#/invitation/VGFuZGVt')).toBe('/console/#/invitation/VGFuZGVt');
    expect(consoleTarget('#/signin')).toBe('/console/#/signin');
    expect(consoleTarget('#/')).toBe('/console/#/');
  });

  it("leaves the support page's own fragments and an address without one alone", () => {
    expect(consoleTarget('')).toBeUndefined();
    expect(consoleTarget('#')).toBeUndefined();
    expect(consoleTarget('#main')).toBeUndefined();
  });
});
