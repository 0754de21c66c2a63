/**
 * The proxy the environment names, as curl and most tools read it: for
 * wss/https `HTTPS_PROXY`, for ws/http `HTTP_PROXY`, else `ALL_PROXY`; each
 * in lower case first, then upper case (curl reads only the lower-case
 * `http_proxy`, against CGI's `HTTP_PROXY` header injection, httpoxy; we are
 * not a CGI program, so both count); `NO_PROXY` or `no_proxy` sends named
 * hosts directly.
 */
import { bypassesProxy } from './no-proxy.js';
import { DIRECT_ROUTE, parseProxyServer, redact, type ProxyRoute } from './proxy-route.js';

/** What the environment says for a target: nothing, or a route and why. */
export interface EnvProxyAnswer {
  route: ProxyRoute;
  /** `HTTPS_PROXY=http://proxy:3128` (credentials removed) or `NO_PROXY names relay.example`. */
  because: string;
}

function read(env: NodeJS.ProcessEnv, name: string): { name: string; value: string } | undefined {
  for (const n of [name.toLowerCase(), name]) {
    const value = env[n];
    if (value !== undefined && value.trim() !== '') return { name: n, value: value.trim() };
  }
  return undefined;
}

/** The environment's answer for `target` (a ws:, wss:, http: or https: URL), undefined when it names no proxy. */
export function envProxyFor(env: NodeJS.ProcessEnv, target: URL): EnvProxyAnswer | undefined {
  const secure = target.protocol === 'wss:' || target.protocol === 'https:';
  const found = read(env, secure ? 'HTTPS_PROXY' : 'HTTP_PROXY') ?? read(env, 'ALL_PROXY');
  if (found === undefined) return undefined;
  const port = target.port === '' ? (secure ? 443 : 80) : Number(target.port);
  const noProxy = read(env, 'NO_PROXY');
  if (noProxy !== undefined && bypassesProxy(noProxy.value, target.hostname, port)) {
    return { route: DIRECT_ROUTE, because: `${noProxy.name}=${noProxy.value} names ${target.hostname}` };
  }
  return { route: { kind: 'proxy', proxy: parseProxyServer(found.value, found.name) }, because: `${found.name}=${redact(found.value)}` };
}
