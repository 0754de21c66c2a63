import { describe, expect, it } from 'vitest';
import { parseGnomeProxy, parseKioslaverc } from './desktop-proxy.js';
import { describeRoute } from './proxy-route.js';

const GNOME_MANUAL = `org.gnome.system.proxy autoconfig-url ''
org.gnome.system.proxy ignore-hosts ['localhost', '127.0.0.0/8', '*.corp']
org.gnome.system.proxy mode 'manual'
org.gnome.system.proxy.http host 'web.corp'
org.gnome.system.proxy.http port 8080
org.gnome.system.proxy.https host 'secure.corp'
org.gnome.system.proxy.https port 3128
`;

describe('desktop proxy settings', () => {
  it('GNOME manual: the https proxy for wss, the ignore list direct', () => {
    const d = parseGnomeProxy(GNOME_MANUAL)!;
    expect(describeRoute(d.manual!(new URL('wss://relay.example/ws'))!)).toBe('PROXY secure.corp:3128');
    expect(describeRoute(d.manual!(new URL('ws://relay.example/ws'))!)).toBe('PROXY web.corp:8080');
    expect(d.manual!(new URL('wss://relay.corp/ws'))).toBeUndefined();
  });

  it('GNOME auto: the PAC address, or WPAD without one; none: nothing', () => {
    expect(parseGnomeProxy("org.gnome.system.proxy mode 'auto'\norg.gnome.system.proxy autoconfig-url 'http://wpad/p.pac'")?.pacUrl).toBe('http://wpad/p.pac');
    expect(parseGnomeProxy("org.gnome.system.proxy mode 'auto'\norg.gnome.system.proxy autoconfig-url ''")?.autoDetect).toBe(true);
    expect(parseGnomeProxy("org.gnome.system.proxy mode 'none'")?.manual).toBeUndefined();
    expect(parseGnomeProxy('')).toBeUndefined();
  });

  it('KDE kioslaverc: manual with the space before the port, PAC, none', () => {
    const manual = parseKioslaverc('[Proxy Settings]\nProxyType=1\nhttpsProxy=http://proxy.corp 3128\nNoProxyFor=.local,10.0.0.0/8\n')!;
    expect(describeRoute(manual.manual!(new URL('https://relay.example'))!)).toBe('PROXY proxy.corp:3128');
    expect(manual.manual!(new URL('https://10.1.1.1'))).toBeUndefined();
    expect(parseKioslaverc('[Proxy Settings]\nProxyType=2\nProxy Config Script=file:///etc/p.pac\n')?.pacUrl).toBe('file:///etc/p.pac');
    expect(parseKioslaverc('[Other]\nProxyType=1\n')).toBeUndefined();
  });
});
