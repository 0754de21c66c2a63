/**
 * The desktop's proxy settings, as its own programs read them: GNOME's
 * `org.gnome.system.proxy` (through `gsettings`, the schema's own tool) and
 * KDE's `kioslaverc` (`[Proxy Settings]`). Windows' WinINet settings are
 * read by the agent (its registry reader, @tandem/agent) and passed in as
 * another {@link DesktopProxySource}.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bypassesProxy } from './no-proxy.js';
import { parseProxyServer, type ProxyRoute } from './proxy-route.js';

/** What one desktop's settings say. */
export interface DesktopProxy {
  /** A PAC script's address, when the desktop uses one. */
  pacUrl?: string;
  /** The desktop asks for automatic detection (WPAD). */
  autoDetect?: boolean;
  /** Its manual route for a target; undefined when it names none (then directly). */
  manual?: (target: URL) => ProxyRoute | undefined;
  /** What it says, for the report (no credentials). */
  summary: string;
}

/** One place desktop settings come from. */
export interface DesktopProxySource {
  /** e.g. `GNOME (org.gnome.system.proxy)`. */
  name: string;
  /** The settings; undefined when this desktop has none here. */
  read(): Promise<DesktopProxy | undefined>;
}

function manualFor(proxies: { secure?: string | undefined; plain?: string | undefined }, ignore: string, what: string): (target: URL) => ProxyRoute | undefined {
  return (target) => {
    const secure = target.protocol === 'wss:' || target.protocol === 'https:';
    const port = target.port === '' ? (secure ? 443 : 80) : Number(target.port);
    if (bypassesProxy(ignore, target.hostname, port)) return undefined;
    const value = secure ? proxies.secure : proxies.plain;
    return value === undefined || value === '' ? undefined : { kind: 'proxy', proxy: parseProxyServer(value, what) };
  };
}

/** Runs a program and resolves with its stdout; rejects when it is missing or fails. */
export type RunProgram = (file: string, args: readonly string[]) => Promise<string>;

/** Runs with node:child_process, a 5 s limit. */
export const runProgram: RunProgram = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: 5000, encoding: 'utf8' }, (err, stdout) => (err !== null ? reject(new Error(err.message, { cause: err })) : resolve(stdout)));
  });

/** A GVariant text as gsettings prints it: 'a string', 123, ['a', 'b'], true. */
function gvariant(text: string): string | number | string[] | boolean {
  const t = text.trim().replace(/^(?:u?int\d+|@as) /, '');
  if (t === 'true' || t === 'false') return t === 'true';
  if (/^-?\d+$/.test(t)) return Number(t);
  if (t.startsWith('[')) return [...t.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => (m[1] ?? '').replace(/\\(.)/g, '$1'));
  const m = /^'((?:[^'\\]|\\.)*)'$/.exec(t);
  return m !== null ? (m[1] ?? '').replace(/\\(.)/g, '$1') : t;
}

/** GNOME's settings from `gsettings list-recursively org.gnome.system.proxy`. */
export function parseGnomeProxy(listing: string): DesktopProxy | undefined {
  const values = new Map<string, string | number | string[] | boolean>();
  for (const line of listing.split('\n')) {
    const m = /^(org\.gnome\.system\.proxy(?:\.\w+)?) (\S+) (.*)$/.exec(line.trim());
    if (m !== null) values.set(`${m[1]} ${m[2]}`, gvariant(m[3] ?? ''));
  }
  if (values.size === 0) return undefined;
  const get = (key: string): string | number | string[] | boolean | undefined => values.get(`org.gnome.system.proxy${key}`);
  const mode = get(' mode');
  if (mode === 'auto') {
    const url = get(' autoconfig-url');
    return typeof url === 'string' && url !== '' ? { pacUrl: url, summary: `mode auto, autoconfig-url ${url}` } : { autoDetect: true, summary: 'mode auto without autoconfig-url (WPAD)' };
  }
  if (mode !== 'manual') return { summary: `mode ${String(mode ?? 'none')}` };
  const hostPort = (schema: string): string | undefined => {
    const host = get(`.${schema} host`);
    const port = get(`.${schema} port`);
    return typeof host === 'string' && host !== '' ? `${host.includes(':') ? `[${host}]` : host}:${typeof port === 'number' && port > 0 ? port : 8080}` : undefined;
  };
  const secure = hostPort('https');
  const plain = hostPort('http');
  const ignoreValue = get(' ignore-hosts');
  const ignore = Array.isArray(ignoreValue) ? ignoreValue.join(',') : '';
  return {
    manual: manualFor({ secure, plain }, ignore, 'GNOME proxy'),
    summary: `mode manual, https ${secure ?? '(none)'}, http ${plain ?? '(none)'}, ignore-hosts ${ignore || '(none)'}`,
  };
}

/** GNOME's settings through gsettings; undefined where gsettings or the schema is missing. */
export function gnomeProxySource(run: RunProgram = runProgram): DesktopProxySource {
  return {
    name: 'GNOME (gsettings org.gnome.system.proxy)',
    read: async () => {
      let listing: string;
      try {
        listing = await run('gsettings', ['list-recursively', 'org.gnome.system.proxy']);
      } catch {
        // No gsettings or no GNOME schema on this computer: GNOME has no settings here.
        return undefined;
      }
      return parseGnomeProxy(listing);
    },
  };
}

/** KDE's `[Proxy Settings]` of kioslaverc (ProxyType 0 none, 1 manual, 2 PAC, 3 WPAD, 4 environment). */
export function parseKioslaverc(text: string): DesktopProxy | undefined {
  const values = new Map<string, string>();
  let inSection = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('[')) inSection = line === '[Proxy Settings]';
    else if (inSection) {
      const eq = line.indexOf('=');
      if (eq > 0) values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
    }
  }
  if (!values.has('ProxyType')) return undefined;
  const type = values.get('ProxyType');
  if (type === '2') {
    const url = values.get('Proxy Config Script') ?? '';
    return url !== '' ? { pacUrl: url, summary: `ProxyType 2, Proxy Config Script ${url}` } : { summary: 'ProxyType 2 without a script' };
  }
  if (type === '3') return { autoDetect: true, summary: 'ProxyType 3 (WPAD)' };
  if (type !== '1') return { summary: `ProxyType ${type ?? '0'}${type === '4' ? ' (the environment, read above)' : ''}` };
  // KDE writes "http://host port" (a space before the port) as well as "host:port".
  const kde = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value.replace(/ (\d+)$/, ':$1'));
  const secure = kde(values.get('httpsProxy'));
  const plain = kde(values.get('httpProxy'));
  const ignore = values.get('NoProxyFor') ?? '';
  if (values.get('ReversedException') === 'true') return { summary: 'ProxyType 1 with ReversedException (not supported: ignored)' };
  return { manual: manualFor({ secure, plain }, ignore, 'KDE proxy'), summary: `ProxyType 1, https ${secure ?? '(none)'}, http ${plain ?? '(none)'}, NoProxyFor ${ignore || '(none)'}` };
}

/** KDE's settings from `$XDG_CONFIG_HOME/kioslaverc` (or `~/.config/kioslaverc`). */
export function kdeProxySource(env: NodeJS.ProcessEnv, home: string): DesktopProxySource {
  const xdg = env.XDG_CONFIG_HOME;
  const path = join(xdg !== undefined && xdg.startsWith('/') ? xdg : join(home, '.config'), 'kioslaverc');
  return {
    name: `KDE (${path})`,
    read: async () => {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch {
        // No kioslaverc: KDE has no settings here.
        return undefined;
      }
      return parseKioslaverc(text);
    },
  };
}
