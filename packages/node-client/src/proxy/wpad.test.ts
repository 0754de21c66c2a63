import { describe, expect, it } from 'vitest';
import { wpadCandidates } from './wpad.js';

describe('wpadCandidates', () => {
  it('asks the DNS domain and each parent down to two labels, most specific first', () => {
    expect(wpadCandidates('eu.corp.example.com')).toEqual([
      'http://wpad.eu.corp.example.com/wpad.dat',
      'http://wpad.corp.example.com/wpad.dat',
      'http://wpad.example.com/wpad.dat',
    ]);
  });

  it('never asks a name directly under a top-level domain (anyone may register wpad.com)', () => {
    expect(wpadCandidates('com')).toEqual([]);
    expect(wpadCandidates('example.com')).toEqual(['http://wpad.example.com/wpad.dat']);
  });

  it('reads a domain written with a final dot, in capitals, or with empty labels the same way', () => {
    expect(wpadCandidates('Corp.Example.COM.')).toEqual(['http://wpad.corp.example.com/wpad.dat', 'http://wpad.example.com/wpad.dat']);
    expect(wpadCandidates('corp..example.com')).toEqual(['http://wpad.corp.example.com/wpad.dat', 'http://wpad.example.com/wpad.dat']);
    expect(wpadCandidates('')).toEqual([]);
  });
});
