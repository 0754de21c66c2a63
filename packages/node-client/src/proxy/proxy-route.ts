/**
 * A route to the relay: directly, or through one HTTP proxy with CONNECT
 * (RFC 9110 §9.3.6). The proxy may carry Basic credentials (RFC 7617) taken
 * from a proxy URL or asked on the agent's page; they live in memory only
 * and {@link describeRoute} never shows them.
 */
import { TandemError } from '@tandem/protocol';

/** An HTTP proxy and, when it asks for Basic authentication, what to answer. */
export interface ProxyServer {
  host: string;
  port: number;
  username?: string;
  password?: string;
}

/** One way to reach the relay. */
export type ProxyRoute = { kind: 'direct' } | { kind: 'proxy'; proxy: ProxyServer };

/** The route that uses no proxy. */
export const DIRECT_ROUTE: ProxyRoute = Object.freeze({ kind: 'direct' });

/** `DIRECT` or `PROXY host:port`, the PAC spelling, without credentials. */
export function describeRoute(route: ProxyRoute): string {
  if (route.kind === 'direct') return 'DIRECT';
  const host = route.proxy.host.includes(':') ? `[${route.proxy.host}]` : route.proxy.host;
  return `PROXY ${host}:${route.proxy.port}`;
}

/**
 * Parses a proxy as the environment, a policy or a proxy file writes it:
 * `http://user:pass@host:port`, `host:port`, `[v6]:port`, or `host` (port
 * 80, as curl's default for an HTTP proxy). Only HTTP proxies are spoken to:
 * `https://` (TLS to the proxy) and `socks*://` are refused by name, since
 * silently going direct instead would surprise the administrator who set
 * them. `what` names the source in messages.
 */
export function parseProxyServer(text: string, what: string): ProxyServer {
  const trimmed = text.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch (err) {
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `${what}: ${JSON.stringify(redact(trimmed))} is not a proxy address (host:port)`, { cause: err });
  }
  if (url.protocol !== 'http:') {
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `${what}: ${url.protocol.replace(/:$/, '')} proxies are not supported; give an HTTP proxy (http://host:port)`);
  }
  if (url.hostname === '' || (url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `${what}: ${JSON.stringify(redact(trimmed))} is not a proxy address (host:port)`);
  }
  const server: ProxyServer = { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port === '' ? 80 : Number(url.port) };
  if (url.username !== '') server.username = decodeURIComponent(url.username);
  if (url.password !== '') server.password = decodeURIComponent(url.password);
  return server;
}

/** A proxy address with any `user:password@` removed, for messages and reports. */
export function redact(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^@/\s]*@/i, '$1');
}
