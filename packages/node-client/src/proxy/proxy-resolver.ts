/**
 * Finding the proxy for a relay (issue 12, docs/proxy.md), in this order,
 * the first source that answers winning: the local policy; the manual proxy
 * file; the environment; a PAC script (`--pac`, the policy's, the desktop's,
 * WPAD by DNS); the desktop's manual settings; then directly. Each source's
 * answer is kept for the diagnostic report, and the winner named. The
 * agent and the technician's client both use it; the agent adds its policy
 * and WinINet's settings.
 */
import { readFile } from 'node:fs/promises';
import { TandemError } from '@tandem/protocol';
import type { RouteFinder } from '../transport/relay-transport.js';
import type { DesktopProxy, DesktopProxySource } from './desktop-proxy.js';
import { envProxyFor } from './env-proxy.js';
import { fetchPacScript, parsePacAnswer, runPacScript, type PacEngineLoader } from './pac-script.js';
import { parseProxyFile } from './proxy-file.js';
import { DIRECT_ROUTE, describeRoute, parseProxyServer, type ProxyRoute } from './proxy-route.js';
import { wpadAddresses } from './wpad.js';

/** The sources, as the report names them. */
export type ProxySource = 'policy' | 'proxy file' | 'environment' | 'PAC' | 'desktop settings' | 'direct';

/** What the local policy says about proxies (the agent's policy; docs/policy.md). */
export interface PolicyProxy {
  /** `host:port` entries separated by `;`, or `DIRECT`. */
  proxy?: string | undefined;
  /** A PAC script's address. */
  pacUrl?: string | undefined;
  /** Where the policy was read from. */
  where: string;
}

/** Everything the resolver consults. */
export interface ProxyResolverOptions {
  env: NodeJS.ProcessEnv;
  policy?: PolicyProxy | undefined;
  /** Candidate proxy files, in order ({@link proxyFilePaths}). */
  proxyFiles?: readonly string[];
  /** `--pac URL`. */
  pacUrl?: string | undefined;
  /** The desktop's settings, in order. */
  desktop?: readonly DesktopProxySource[];
  /** WPAD's candidate addresses; default from this computer's DNS domain ({@link wpadAddresses}). */
  wpad?: () => Promise<string[]>;
  /** The PAC engine's WebAssembly. */
  pacEngine?: PacEngineLoader;
}

/** One source's answer. */
export interface ProxyConsulted {
  source: string;
  answer: string;
}

/** The routes for one relay and how they were found. */
export interface ProxyChoice {
  relay: string;
  /** The source that answered. */
  source: ProxySource;
  routes: ProxyRoute[];
  /** Every source consulted, in order, with its answer. */
  consulted: ProxyConsulted[];
  /** The PAC script's answer as written, when a script ran. */
  pacResult?: string;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Finds and remembers routes per relay; credentials given on the agent's page are added in memory only. */
export class ProxyResolver implements RouteFinder {
  readonly #o: ProxyResolverOptions;
  readonly #pending = new Map<string, Promise<ProxyChoice>>();
  readonly #done: ProxyChoice[] = [];
  readonly #credentials = new Map<string, { username: string; password: string }>();
  #desktop: Promise<{ source: DesktopProxySource; settings: DesktopProxy | undefined; error?: string }[]> | undefined;

  constructor(options: ProxyResolverOptions) {
    this.#o = options;
  }

  /** Basic credentials for a proxy (`host:port`), kept in memory for this process only. */
  setCredentials(proxy: { host: string; port: number }, username: string, password: string): void {
    this.#credentials.set(`${proxy.host}:${proxy.port}`, { username, password });
  }

  /** The routes for a relay URL, in order, credentials added (RouteFinder). */
  async routesFor(relayUrl: string): Promise<readonly ProxyRoute[]> {
    const choice = await this.choose(relayUrl);
    return choice.routes.map((route) => {
      if (route.kind === 'direct' || route.proxy.username !== undefined) return route;
      const given = this.#credentials.get(`${route.proxy.host}:${route.proxy.port}`);
      return given === undefined ? route : { kind: 'proxy', proxy: { ...route.proxy, ...given } };
    });
  }

  /** The choice for a relay, found once and remembered. */
  choose(relayUrl: string): Promise<ProxyChoice> {
    let pending = this.#pending.get(relayUrl);
    if (pending === undefined) {
      pending = this.#find(relayUrl).then((choice) => {
        this.#done.push(choice);
        return choice;
      });
      this.#pending.set(relayUrl, pending);
    }
    return pending;
  }

  /** The choices made so far, for the report. */
  choices(): ProxyChoice[] {
    return this.#done.map((c) => ({ ...c, consulted: [...c.consulted], routes: [...c.routes] }));
  }

  async #find(relayUrl: string): Promise<ProxyChoice> {
    const target = new URL(relayUrl);
    const consulted: ProxyConsulted[] = [];
    const win = (source: ProxySource, routes: ProxyRoute[], pacResult?: string): ProxyChoice => ({
      relay: relayUrl,
      source,
      routes,
      consulted,
      ...(pacResult !== undefined ? { pacResult } : {}),
    });
    const policy = this.#o.policy;
    if (policy?.proxy !== undefined && policy.proxy.trim() !== '') {
      const routes = policy.proxy.split(';').map((e) => e.trim()).filter((e) => e !== '')
        .map((e): ProxyRoute => (e.toUpperCase() === 'DIRECT' ? DIRECT_ROUTE : { kind: 'proxy', proxy: parseProxyServer(e, `policy ${policy.where} proxy`) }));
      consulted.push({ source: `policy (${policy.where})`, answer: `proxy ${routes.map(describeRoute).join('; ')}` });
      return win('policy', routes);
    }
    consulted.push({ source: 'policy', answer: policy === undefined ? 'none' : `${policy.where}: no proxy${policy.pacUrl !== undefined ? `, PAC ${policy.pacUrl} (below)` : ''}` });

    for (const path of this.#o.proxyFiles ?? []) {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        consulted.push({ source: `proxy file ${path}`, answer: (err as { code?: unknown }).code === 'ENOENT' ? 'absent' : `unreadable: ${message(err)}` });
        continue;
      }
      const routes = parseProxyFile(text, path);
      consulted.push({ source: `proxy file ${path}`, answer: routes.length === 0 ? 'names no proxy' : routes.map(describeRoute).join('; ') });
      if (routes.length > 0) return win('proxy file', routes);
    }

    const fromEnv = envProxyFor(this.#o.env, target);
    consulted.push({ source: 'environment', answer: fromEnv === undefined ? 'no HTTPS_PROXY, HTTP_PROXY or ALL_PROXY' : `${fromEnv.because}: ${describeRoute(fromEnv.route)}` });
    if (fromEnv !== undefined) return win('environment', [fromEnv.route]);

    const desktop = await this.#readDesktop();
    const pacs: { from: string; url: string }[] = [];
    if (this.#o.pacUrl !== undefined) pacs.push({ from: '--pac', url: this.#o.pacUrl });
    if (policy?.pacUrl !== undefined) pacs.push({ from: `policy (${policy.where})`, url: policy.pacUrl });
    for (const d of desktop) if (d.settings?.pacUrl !== undefined) pacs.push({ from: d.source.name, url: d.settings.pacUrl });
    for (const pac of pacs) {
      const found = await this.#runPac(pac.url, relayUrl, `PAC from ${pac.from} ${pac.url}`, consulted);
      if (found !== undefined) return win('PAC', found.routes, found.answer);
    }
    if (pacs.length === 0) consulted.push({ source: 'PAC', answer: 'no --pac, none in the policy or the desktop settings' });
    const wpad = await (this.#o.wpad ?? wpadAddresses)().catch((err: unknown) => {
      consulted.push({ source: 'WPAD', answer: `no candidate: ${message(err)}` });
      return [];
    });
    if (wpad.length === 0) consulted.push({ source: 'WPAD', answer: 'this computer has no DNS domain: nothing to ask' });
    for (const url of wpad) {
      const found = await this.#runPac(url, relayUrl, `WPAD ${url}`, consulted);
      if (found !== undefined) return win('PAC', found.routes, found.answer);
    }

    for (const d of desktop) {
      consulted.push({ source: d.source.name, answer: d.error !== undefined ? `unreadable: ${d.error}` : (d.settings?.summary ?? 'no settings') });
      const manual = d.settings?.manual;
      if (manual === undefined) continue;
      const route = manual(target);
      return win('desktop settings', [route ?? DIRECT_ROUTE]);
    }
    consulted.push({ source: 'direct', answer: 'no source named a proxy: directly' });
    return win('direct', [DIRECT_ROUTE]);
  }

  #readDesktop(): Promise<{ source: DesktopProxySource; settings: DesktopProxy | undefined; error?: string }[]> {
    this.#desktop ??= Promise.all(
      (this.#o.desktop ?? []).map(async (source) => {
        try {
          return { source, settings: await source.read() };
        } catch (err) {
          return { source, settings: undefined, error: message(err) };
        }
      }),
    );
    return this.#desktop;
  }

  async #runPac(url: string, relayUrl: string, source: string, consulted: ProxyConsulted[]): Promise<{ routes: ProxyRoute[]; answer: string } | undefined> {
    let answer: string;
    try {
      const script = await fetchPacScript(url);
      answer = await runPacScript(script, relayUrl, this.#o.pacEngine);
    } catch (err) {
      consulted.push({ source, answer: `failed: ${message(err)}` });
      return undefined;
    }
    const { routes, skipped } = parsePacAnswer(answer);
    consulted.push({ source, answer: `${JSON.stringify(answer)}${skipped.length > 0 ? ` (not usable: ${skipped.join('; ')})` : ''}` });
    if (routes.length === 0) {
      throw new TandemError('TANDEM_ERR_RELAY_UNREACHABLE', `the PAC script ${url} names no proxy Tandem can use for ${relayUrl} (it answered ${JSON.stringify(answer)})`);
    }
    return { routes, answer };
  }
}
