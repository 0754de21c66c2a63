/**
 * The manual proxy file, `proxy.txt` (issue 12, after Assist On-site's
 * `proxy_ibm.txt`): one `Proxy=host:port` a line, tried in order, `DIRECT`
 * allowed as a value; `#` and `;` start comment lines; blank lines are
 * skipped. Anything else is an error naming the file and the line, since a
 * proxy the administrator wrote and the agent silently ignored would send
 * the connection elsewhere than intended. It lies beside the agent's
 * executable or in the user's Tandem configuration folder
 * ({@link proxyFilePaths}); docs/proxy.md documents it.
 */
import { join } from 'node:path';
import { TandemError } from '@tandem/protocol';
import { DIRECT_ROUTE, parseProxyServer, type ProxyRoute } from './proxy-route.js';

/** The file's name. */
export const PROXY_FILE_NAME = 'proxy.txt';
/** Largest proxy file read, characters. */
export const MAX_PROXY_FILE_CHARS = 16 * 1024;

/** Parses a proxy file's text (read from `path`, for messages); an empty list when it names no proxy. */
export function parseProxyFile(text: string, path: string): ProxyRoute[] {
  if (text.length > MAX_PROXY_FILE_CHARS) throw new TandemError('TANDEM_ERR_BAD_INPUT', `proxy file ${path}: is larger than ${MAX_PROXY_FILE_CHARS} characters`);
  const routes: ProxyRoute[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const m = /^proxy\s*=\s*(.+)$/i.exec(line);
    if (m === null) throw new TandemError('TANDEM_ERR_BAD_INPUT', `proxy file ${path} line ${i + 1}: expected Proxy=host:port`);
    const value = (m[1] ?? '').trim();
    routes.push(value.toUpperCase() === 'DIRECT' ? DIRECT_ROUTE : { kind: 'proxy', proxy: parseProxyServer(value, `proxy file ${path} line ${i + 1}`) });
  });
  return routes;
}

/**
 * Where the proxy file may be, in order: beside the executable (the
 * downloaded agent's folder), then the user's Tandem configuration folder
 * (`%APPDATA%\Tandem` on Windows, `$XDG_CONFIG_HOME/tandem` or
 * `~/.config/tandem` elsewhere, as the policy's user file).
 */
export function proxyFilePaths(args: { executableDir?: string | undefined; env: NodeJS.ProcessEnv; home: string; platform: NodeJS.Platform }): string[] {
  const out: string[] = [];
  if (args.executableDir !== undefined) out.push(join(args.executableDir, PROXY_FILE_NAME));
  if (args.platform === 'win32') {
    const appData = args.env.APPDATA;
    if (appData !== undefined && appData !== '') out.push(join(appData, 'Tandem', PROXY_FILE_NAME));
  } else {
    const xdg = args.env.XDG_CONFIG_HOME;
    const base = xdg !== undefined && xdg.startsWith('/') ? xdg : join(args.home, '.config');
    out.push(join(base, 'tandem', PROXY_FILE_NAME));
  }
  return out;
}
