/**
 * WinINet's proxy settings read from the registry
 * (`HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings`),
 * parsed by system/wininet-proxy.ts. Exported for the reach issue, which
 * decides how the agent goes through them.
 */
import { TandemError } from '@tandem/protocol';
import { windowsRegistry } from '../../platform/windows/registry.js';
import type { RegistryReadKey, RegistryValue } from '../../platform/windows/registry-value.js';
import { WININET_SETTINGS_KEY, parseWinInetProxy, type WinInetProxySettings, type WinInetValues } from '../wininet-proxy.js';

/**
 * The four values the settings come from, out of all of the key's (other
 * values, WinINet's own, are not ours to judge); a value of the wrong type
 * is an error naming it. Names are compared as the registry does, without case.
 */
export function winInetValues(values: readonly RegistryValue[]): WinInetValues {
  const out: WinInetValues = {};
  for (const value of values) {
    const name = value.name.toLowerCase();
    const wrong = (expected: string): TandemError =>
      new TandemError('TANDEM_ERR_BAD_INPUT', `WinINet ${WININET_SETTINGS_KEY}\\${value.name}: must be a ${expected}, not a ${value.type}`);
    if (name === 'proxyenable') {
      if (value.type !== 'REG_DWORD') throw wrong('REG_DWORD');
      out.ProxyEnable = Number(value.data);
    } else if (name === 'proxyserver' || name === 'proxyoverride' || name === 'autoconfigurl') {
      if (value.type !== 'REG_SZ' && value.type !== 'REG_EXPAND_SZ') throw wrong('REG_SZ');
      if (name === 'proxyserver') out.ProxyServer = value.data;
      else if (name === 'proxyoverride') out.ProxyOverride = value.data;
      else out.AutoConfigURL = value.data;
    }
  }
  return out;
}

/** Reads and parses the current user's WinINet proxy settings; no key means no proxy. */
export async function readWinInetProxy(readKey: RegistryReadKey | undefined = windowsRegistry()): Promise<WinInetProxySettings> {
  if (readKey === undefined) throw new TandemError('TANDEM_ERR_INTERNAL', `WinINet proxy settings are Windows' (this is ${process.platform})`);
  return parseWinInetProxy(winInetValues((await readKey(WININET_SETTINGS_KEY)) ?? []));
}
