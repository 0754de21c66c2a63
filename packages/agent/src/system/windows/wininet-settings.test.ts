import { describe, it, expect } from 'vitest';
import { thrownTandemError } from '@tandem/test-kit';
import { readWinInetProxy, winInetValues } from './wininet-settings.js';

describe('winInetValues and readWinInetProxy', () => {
  it('takes the four values whatever their case, and leaves WinINet\'s others alone', async () => {
    const values = [
      { name: 'proxyenable', type: 'REG_DWORD', data: 1 },
      { name: 'ProxyServer', type: 'REG_SZ', data: 'proxy:8080' },
      { name: 'ProxyOverride', type: 'REG_EXPAND_SZ', data: '<local>' },
      { name: 'AutoConfigURL', type: 'REG_SZ', data: '' },
      { name: 'EnableNegotiate', type: 'REG_DWORD', data: 1 },
      { name: 'User Agent', type: 'REG_BINARY', data: new Uint8Array([1]) },
    ] as const;
    expect(winInetValues(values)).toEqual({ ProxyEnable: 1, ProxyServer: 'proxy:8080', ProxyOverride: '<local>', AutoConfigURL: '' });
    const settings = await readWinInetProxy(async () => [...values]);
    expect(settings.proxies.https).toEqual({ host: 'proxy', port: 8080 });
    expect(settings.bypassLocal).toBe(true);
    expect(await readWinInetProxy(async () => undefined)).toEqual({ proxies: {}, bypass: [], bypassLocal: false, bypassLoopback: true });
  });

  it('a value of the wrong type is a clear error; off Windows there is nothing to read', async () => {
    expect(thrownTandemError(() => winInetValues([{ name: 'ProxyServer', type: 'REG_DWORD', data: 1 }])).message).toBe(
      'WinINet HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\ProxyServer: must be a REG_SZ, not a REG_DWORD',
    );
    await expect(readWinInetProxy(undefined)).rejects.toThrow(/WinINet proxy settings are Windows' \(this is linux\)/);
  });
});
