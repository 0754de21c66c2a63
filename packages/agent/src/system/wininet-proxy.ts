/**
 * The proxy settings Windows programs share through WinINet, as the values
 * of `HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings`
 * hold them (MSDN, INTERNET_PER_CONN_OPTIONW: INTERNET_PER_CONN_PROXY_SERVER,
 * _PROXY_BYPASS, _AUTOCONFIG_URL): `ProxyEnable` (REG_DWORD), `ProxyServer`
 * (`host:port` for every protocol, or `http=host:port;https=host:port;…`),
 * `ProxyOverride` (hosts to reach directly, `;`-separated, `*` wildcards,
 * `<local>` for names without a dot) and `AutoConfigURL` (a PAC script).
 * Pure: {@link parseWinInetProxy} reads the values, {@link winInetProxyFor}
 * says what to use for one address; the registry reader is beside it.
 */
import { TandemError } from '@tandem/protocol';

/** The registry key that holds the settings (under HKEY_CURRENT_USER). */
export const WININET_SETTINGS_KEY = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings';

/** The values of {@link WININET_SETTINGS_KEY} the settings come from, as read. */
export interface WinInetValues {
  ProxyEnable?: number;
  ProxyServer?: string;
  ProxyOverride?: string;
  AutoConfigURL?: string;
}

/** A proxy: where it listens. */
export interface ProxyAddress {
  host: string;
  port: number;
}

/** The protocols ProxyServer can name a proxy for. */
export const WININET_PROXY_PROTOCOLS = ['http', 'https', 'ftp', 'socks'] as const;
/** One of {@link WININET_PROXY_PROTOCOLS}. */
export type WinInetProxyProtocol = (typeof WININET_PROXY_PROTOCOLS)[number];

/** The settings, parsed. */
export interface WinInetProxySettings {
  /** The PAC script's address, when AutoConfigURL is set (it is tried first). */
  autoConfigUrl?: string;
  /** The manual proxies by protocol, when ProxyEnable is 1; empty when manual proxies are off. */
  proxies: Partial<Record<WinInetProxyProtocol, ProxyAddress>>;
  /** ProxyOverride's host patterns (lower case, `*` a wildcard), `<local>` and `<-loopback>` left out. */
  bypass: string[];
  /** `<local>` is in ProxyOverride: names without a dot are reached directly. */
  bypassLocal: boolean;
  /** Loopback addresses are reached directly (unless ProxyOverride says `<-loopback>`). */
  bypassLoopback: boolean;
}

/** What to use to reach one address. */
export type WinInetChoice =
  | { kind: 'direct' }
  | { kind: 'pac'; url: string }
  | { kind: 'proxy'; protocol: WinInetProxyProtocol; proxy: ProxyAddress };

/** Default port of a proxy named without one: 80, WinINet's (1080 for SOCKS, RFC 1928). */
const DEFAULT_PORT: Record<WinInetProxyProtocol, number> = { http: 80, https: 80, ftp: 80, socks: 1080 };

function bad(value: string, text: string, message: string): TandemError {
  return new TandemError('TANDEM_ERR_BAD_INPUT', `WinINet ${value} ${JSON.stringify(text)}: ${message}`);
}

/** `host`, `host:port`, `[v6]:port`, with an optional `scheme://` before it and a `/` after it. */
function parseProxyAddress(entry: string, protocol: WinInetProxyProtocol, whole: string): ProxyAddress {
  const withoutScheme = entry.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const hostPort = withoutScheme.replace(/\/$/, '');
  const m = /^(\[[0-9a-f:.]+\]|[^:\s[\]/]+)(?::(\d+))?$/i.exec(hostPort);
  if (m === null) throw bad('ProxyServer', whole, `${JSON.stringify(entry)} is not host:port`);
  const host = (m[1] ?? '').toLowerCase();
  const port = m[2] === undefined ? DEFAULT_PORT[protocol] : Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad('ProxyServer', whole, `port ${m[2]} is not 1 to 65535`);
  return { host, port };
}

/**
 * Parses ProxyServer: one `host:port` for http, https and ftp (not SOCKS,
 * as WinINet), or `protocol=host:port` entries separated by `;` or
 * whitespace. Protocols other than the four are left out (WinINet ignores
 * them too); a malformed entry is an error.
 */
export function parseProxyServer(text: string): Partial<Record<WinInetProxyProtocol, ProxyAddress>> {
  const entries = text.split(/[;\s]+/).filter((e) => e !== '');
  if (entries.length === 0) return {};
  const out: Partial<Record<WinInetProxyProtocol, ProxyAddress>> = {};
  if (entries.length === 1 && !(entries[0] ?? '').includes('=')) {
    const proxy = parseProxyAddress(entries[0] ?? '', 'http', text);
    return { http: proxy, https: proxy, ftp: proxy };
  }
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw bad('ProxyServer', text, `${JSON.stringify(entry)} is not protocol=host:port (write every entry so when there are several)`);
    const name = entry.slice(0, eq).toLowerCase();
    if (!(WININET_PROXY_PROTOCOLS as readonly string[]).includes(name)) continue;
    const protocol = name as WinInetProxyProtocol;
    if (out[protocol] !== undefined) throw bad('ProxyServer', text, `names the ${protocol} proxy twice`);
    out[protocol] = parseProxyAddress(entry.slice(eq + 1), protocol, text);
  }
  return out;
}

/** Parses the four values; ProxyServer counts only when ProxyEnable is 1. */
export function parseWinInetProxy(values: WinInetValues): WinInetProxySettings {
  const enable = values.ProxyEnable;
  if (enable !== undefined && enable !== 0 && enable !== 1) throw bad('ProxyEnable', String(enable), 'must be 0 or 1');
  const settings: WinInetProxySettings = { proxies: {}, bypass: [], bypassLocal: false, bypassLoopback: true };
  const pac = values.AutoConfigURL?.trim();
  if (pac !== undefined && pac !== '') {
    let url: URL;
    try {
      url = new URL(pac);
    } catch (err) {
      throw new TandemError('TANDEM_ERR_BAD_INPUT', `WinINet AutoConfigURL ${JSON.stringify(pac)}: is not an address`, { cause: err });
    }
    if (!['http:', 'https:', 'file:'].includes(url.protocol)) throw bad('AutoConfigURL', pac, 'must be an http, https or file address');
    settings.autoConfigUrl = url.href;
  }
  if (enable === 1 && values.ProxyServer !== undefined) settings.proxies = parseProxyServer(values.ProxyServer);
  for (const raw of (values.ProxyOverride ?? '').split(/[;\s]+/)) {
    const pattern = raw.toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
    if (pattern === '') continue;
    if (pattern === '<local>') settings.bypassLocal = true;
    else if (pattern === '<-loopback>') settings.bypassLoopback = false;
    else if (!settings.bypass.includes(pattern)) settings.bypass.push(pattern);
  }
  return settings;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** A ProxyOverride pattern against a host (and port): `*` is any run of characters, case-insensitive. */
function matches(pattern: string, host: string, port: string): boolean {
  const glob = (p: string): RegExp => new RegExp(`^${p.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  if (glob(pattern).test(host)) return true;
  return port !== '' && glob(pattern).test(`${host}:${port}`);
}

/**
 * What WinINet would use to reach `target` (an http, https, ws or wss
 * address): the PAC script when there is one (its answer is the caller's
 * to find), else directly when ProxyOverride or loopback says so, else the
 * proxy for the address's protocol (wss as https, ws as http), else the
 * SOCKS proxy, else directly. When the PAC script cannot be fetched or run,
 * WinINet falls back to the manual settings: ask again with
 * `autoConfigUrl` left out. Automatic detection (WPAD, kept in the binary
 * `Connections\DefaultConnectionSettings`) is not read.
 */
export function winInetProxyFor(settings: WinInetProxySettings, target: string): WinInetChoice {
  const url = new URL(target);
  if (settings.autoConfigUrl !== undefined) return { kind: 'pac', url: settings.autoConfigUrl };
  const host = url.hostname.toLowerCase();
  if (settings.bypassLoopback && isLoopback(host)) return { kind: 'direct' };
  if (settings.bypassLocal && !host.includes('.') && !host.includes(':')) return { kind: 'direct' };
  if (settings.bypass.some((p) => matches(p, host, url.port))) return { kind: 'direct' };
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  const protocol: WinInetProxyProtocol = secure ? 'https' : 'http';
  const proxy = settings.proxies[protocol];
  if (proxy !== undefined) return { kind: 'proxy', protocol, proxy };
  if (settings.proxies.socks !== undefined) return { kind: 'proxy', protocol: 'socks', proxy: settings.proxies.socks };
  return { kind: 'direct' };
}
