import { describe, expect, it } from 'vitest';
import { consoleSetupLinkUrl, originFor, parseListen, parsePublicUrl, setupLinkUrl } from './config.js';

describe('config', () => {
  it('parses --listen', () => {
    expect(parseListen('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseListen('0.0.0.0:8443')).toEqual({ host: '0.0.0.0', port: 8443 });
    expect(parseListen('[::1]:443')).toEqual({ host: '::1', port: 443 });
    expect(parseListen('localhost:80')).toEqual({ host: 'localhost', port: 80 });
    for (const bad of ['8443', '1.2.3.4:', ':80', '1.2.3.4:65536', '::1:80', 'a b:1']) expect(() => parseListen(bad)).toThrow(/--listen/);
  });
  it('formats origins', () => {
    expect(originFor('https', '127.0.0.1', 8443)).toBe('https://127.0.0.1:8443');
    expect(originFor('http', '::1', 80)).toBe('http://[::1]:80');
  });
  it('normalises public URLs', () => {
    expect(parsePublicUrl('https://relay.example.com/')).toBe('https://relay.example.com');
    expect(parsePublicUrl('https://relay.example.com:8443/tandem/')).toBe('https://relay.example.com:8443/tandem');
    expect(() => parsePublicUrl('ftp://x')).toThrow(/--public-url/);
    expect(() => parsePublicUrl('nope')).toThrow(/--public-url/);
    expect(setupLinkUrl('https://r', 'TOK')).toBe('https://r/#/setup/TOK');
  });
  it('gives set-up links as the command line prints them and as the console shows them', () => {
    // Printed (README: `setup: ORIGIN/#/setup/…`), forwarded to the console by the support page; answered to the console, at its own address.
    expect(setupLinkUrl('https://r:8443', 'TOK')).toBe('https://r:8443/#/setup/TOK');
    expect(consoleSetupLinkUrl('https://r:8443', 'TOK')).toBe('https://r:8443/console/#/setup/TOK');
  });
});
