import { describe, expect, it } from 'vitest';
import { describeRoute, parseProxyServer, redact } from './proxy-route.js';

describe('proxy addresses', () => {
  it('reads URLs and host:port, credentials kept apart and never described', () => {
    const p = parseProxyServer('http://sa%20to:p%40ss@proxy.corp:3128/', 'HTTPS_PROXY');
    expect(p).toEqual({ host: 'proxy.corp', port: 3128, username: 'sa to', password: 'p@ss' });
    expect(describeRoute({ kind: 'proxy', proxy: p })).toBe('PROXY proxy.corp:3128');
    expect(parseProxyServer('proxy.corp', 'x')).toEqual({ host: 'proxy.corp', port: 80 });
    expect(redact('http://user:pw@proxy:1')).toBe('http://proxy:1');
  });

  it('refuses what it cannot speak, without echoing a password', () => {
    expect(() => parseProxyServer('https://proxy:443', 'x')).toThrow(/https proxies are not supported/);
    let message = '';
    try {
      parseProxyServer('http://u:secret@proxy:1/path', 'x');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/is not a proxy address/);
    expect(message).not.toContain('secret');
  });
});
