import { describe, expect, it } from 'vitest';
import { parseProxyFile, proxyFilePaths } from './proxy-file.js';
import { describeRoute } from './proxy-route.js';

describe('proxy.txt', () => {
  it('reads Proxy= lines in order, DIRECT too, skipping comments and blank lines', () => {
    const routes = parseProxyFile('\uFEFF# help desk\r\n; old\r\n\r\nProxy=proxy1.corp:8080\r\nproxy = [fd00::1]:3128\nPROXY=direct\n', 'p');
    expect(routes.map(describeRoute)).toEqual(['PROXY proxy1.corp:8080', 'PROXY [fd00::1]:3128', 'DIRECT']);
  });

  it('refuses any other line, naming the file and line', () => {
    expect(() => parseProxyFile('Proxy=a:1\nServer=b:2\n', '/x/proxy.txt')).toThrow(/proxy file \/x\/proxy.txt line 2: expected Proxy=host:port/);
    expect(() => parseProxyFile('Proxy=socks5://a:1\n', 'p')).toThrow(/socks5 proxies are not supported/);
  });

  it('lies beside the executable, then in the user folder', () => {
    expect(proxyFilePaths({ executableDir: '/opt/t', env: { XDG_CONFIG_HOME: '/c' }, home: '/h', platform: 'linux' })).toEqual(['/opt/t/proxy.txt', '/c/tandem/proxy.txt']);
    expect(proxyFilePaths({ env: {}, home: '/h', platform: 'linux' })).toEqual(['/h/.config/tandem/proxy.txt']);
  });
});
