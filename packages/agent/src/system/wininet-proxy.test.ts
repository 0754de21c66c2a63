import { describe, it, expect } from 'vitest';
import { parseProxyServer, parseWinInetProxy, winInetProxyFor } from './wininet-proxy.js';
import { thrownTandemError } from '@tandem/test-kit';


describe('parseProxyServer', () => {
  it('one host:port is the proxy of http, https and ftp, not of SOCKS', () => {
    const p = { host: 'proxy.corp.example', port: 8080 };
    expect(parseProxyServer('Proxy.Corp.Example:8080')).toEqual({ http: p, https: p, ftp: p });
  });

  it('protocol=host:port entries, separated by ; or spaces, with schemes, IPv6 and default ports', () => {
    expect(parseProxyServer('http=web:3128;https=https://secure.example:8443/; ftp=ftp-proxy socks=[fd00::1]:1081;gopher=old:70')).toEqual({
      http: { host: 'web', port: 3128 },
      https: { host: 'secure.example', port: 8443 },
      ftp: { host: 'ftp-proxy', port: 80 },
      socks: { host: '[fd00::1]', port: 1081 },
    });
    expect(parseProxyServer('socks=gate')).toEqual({ socks: { host: 'gate', port: 1080 } });
    expect(parseProxyServer('  ')).toEqual({});
  });

  it('a malformed entry is a clear error naming the value', () => {
    const cases: [string, RegExp][] = [
      ['proxy:99999', /^WinINet ProxyServer "proxy:99999": port 99999 is not 1 to 65535$/],
      ['proxy:0', /port 0 is not 1 to 65535/],
      ['http=a:1;b:2', /"b:2" is not protocol=host:port \(write every entry so when there are several\)/],
      ['http=a:1;http=b:2', /names the http proxy twice/],
      ['http=', /"" is not host:port/],
      ['https=a b:c', /is not protocol=host:port/],
      ['http=a:port', /"a:port" is not host:port/],
    ];
    for (const [text, message] of cases) {
      const err = thrownTandemError(() => parseProxyServer(text));
      expect(err.code).toBe('TANDEM_ERR_BAD_INPUT');
      expect(err.message).toMatch(message);
    }
  });
});

describe('parseWinInetProxy and winInetProxyFor', () => {
  it('ProxyServer counts only when ProxyEnable is 1', () => {
    expect(parseWinInetProxy({ ProxyEnable: 0, ProxyServer: 'proxy:8080' }).proxies).toEqual({});
    expect(parseWinInetProxy({ ProxyServer: 'proxy:8080' }).proxies).toEqual({});
    expect(parseWinInetProxy({ ProxyEnable: 1, ProxyServer: 'proxy:8080' }).proxies.https).toEqual({ host: 'proxy', port: 8080 });
    expect(thrownTandemError(() => parseWinInetProxy({ ProxyEnable: 2 })).message).toBe('WinINet ProxyEnable "2": must be 0 or 1');
  });

  it('ProxyOverride: patterns with wildcards, <local>, <-loopback>', () => {
    const settings = parseWinInetProxy({ ProxyEnable: 1, ProxyServer: 'proxy:8080', ProxyOverride: '*.Intranet.example;10.*;<local>;http://legacy.example:8443' });
    expect(settings).toEqual({
      proxies: { http: { host: 'proxy', port: 8080 }, https: { host: 'proxy', port: 8080 }, ftp: { host: 'proxy', port: 8080 } },
      bypass: ['*.intranet.example', '10.*', 'legacy.example:8443'],
      bypassLocal: true,
      bypassLoopback: true,
    });
    const via = { kind: 'proxy', protocol: 'https', proxy: { host: 'proxy', port: 8080 } };
    expect(winInetProxyFor(settings, 'wss://support.example.com/ws')).toEqual(via);
    expect(winInetProxyFor(settings, 'https://relay.intranet.example')).toEqual({ kind: 'direct' });
    expect(winInetProxyFor(settings, 'https://10.1.2.3:8443')).toEqual({ kind: 'direct' });
    expect(winInetProxyFor(settings, 'https://helpdesk')).toEqual({ kind: 'direct' });
    expect(winInetProxyFor(settings, 'https://legacy.example:8443')).toEqual({ kind: 'direct' });
    expect(winInetProxyFor(settings, 'https://legacy.example')).toEqual(via);
    expect(winInetProxyFor(settings, 'https://127.0.0.1:8443')).toEqual({ kind: 'direct' });
    expect(winInetProxyFor(settings, 'http://localhost')).toEqual({ kind: 'direct' });
    const noLoopback = parseWinInetProxy({ ProxyEnable: 1, ProxyServer: 'proxy:8080', ProxyOverride: '<-loopback>' });
    expect(winInetProxyFor(noLoopback, 'https://127.0.0.1:8443')).toEqual(via);
    expect(winInetProxyFor(noLoopback, 'https://helpdesk')).toEqual(via);
  });

  it('per protocol: wss takes the https proxy, ws the http one; SOCKS for the rest; none means direct', () => {
    const settings = parseWinInetProxy({ ProxyEnable: 1, ProxyServer: 'http=web:3128' });
    expect(winInetProxyFor(settings, 'ws://relay.example')).toEqual({ kind: 'proxy', protocol: 'http', proxy: { host: 'web', port: 3128 } });
    expect(winInetProxyFor(settings, 'wss://relay.example')).toEqual({ kind: 'direct' });
    const socks = parseWinInetProxy({ ProxyEnable: 1, ProxyServer: 'http=web:3128;socks=gate:1080' });
    expect(winInetProxyFor(socks, 'wss://relay.example')).toEqual({ kind: 'proxy', protocol: 'socks', proxy: { host: 'gate', port: 1080 } });
    expect(winInetProxyFor(parseWinInetProxy({}), 'wss://relay.example')).toEqual({ kind: 'direct' });
  });

  it('AutoConfigURL comes first; a bad one is a clear error', () => {
    const settings = parseWinInetProxy({ ProxyEnable: 1, ProxyServer: 'proxy:8080', AutoConfigURL: 'http://wpad.corp.example/proxy.pac' });
    expect(settings.autoConfigUrl).toBe('http://wpad.corp.example/proxy.pac');
    expect(winInetProxyFor(settings, 'wss://support.example.com')).toEqual({ kind: 'pac', url: 'http://wpad.corp.example/proxy.pac' });
    expect(parseWinInetProxy({ AutoConfigURL: '' }).autoConfigUrl).toBeUndefined();
    expect(thrownTandemError(() => parseWinInetProxy({ AutoConfigURL: 'wpad' })).message).toBe('WinINet AutoConfigURL "wpad": is not an address');
    expect(thrownTandemError(() => parseWinInetProxy({ AutoConfigURL: 'javascript:alert(1)' })).message).toBe('WinINet AutoConfigURL "javascript:alert(1)": must be an http, https or file address');
  });
});
