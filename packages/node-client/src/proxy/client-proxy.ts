/**
 * The proxy resolver both clients build (the agent with its policy and
 * WinINet's settings added): proxy files beside the executable and in the
 * user's Tandem folder, the environment, `--pac`, and on Linux GNOME's and
 * KDE's settings.
 */
import { homedir } from 'node:os';
import { TandemError } from '@tandem/protocol';
import { gnomeProxySource, kdeProxySource, type DesktopProxySource } from './desktop-proxy.js';
import { proxyFilePaths } from './proxy-file.js';
import { ProxyResolver, type PolicyProxy } from './proxy-resolver.js';
import type { PacEngineLoader } from './pac-script.js';

/** What a client adds to the standard sources. */
export interface ClientProxyOptions {
  env: NodeJS.ProcessEnv;
  /** `--pac URL`. */
  pacUrl?: string | undefined;
  /** The folder of the downloaded agent's file, for its proxy.txt. */
  executableDir?: string | undefined;
  policy?: PolicyProxy | undefined;
  /** More desktop settings (the agent's WinINet reader on Windows). */
  desktop?: readonly DesktopProxySource[];
  pacEngine?: PacEngineLoader;
  home?: string;
  platform?: NodeJS.Platform;
}

/** The resolver with the standard sources for this computer. */
export function clientProxyResolver(o: ClientProxyOptions): ProxyResolver {
  const home = o.home ?? o.env.HOME ?? homedir();
  const platform = o.platform ?? process.platform;
  const desktop = platform === 'win32' ? [...(o.desktop ?? [])] : [gnomeProxySource(), kdeProxySource(o.env, home), ...(o.desktop ?? [])];
  return new ProxyResolver({
    env: o.env,
    policy: o.policy,
    proxyFiles: proxyFilePaths({ executableDir: o.executableDir, env: o.env, home, platform }),
    pacUrl: o.pacUrl,
    desktop,
    ...(o.pacEngine !== undefined ? { pacEngine: o.pacEngine } : {}),
  });
}

/** Checks `--pac URL` (or the setting `name`): an http, https or file address. */
export function parsePacUrl(value: string, name = '--pac'): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch (err) {
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `${name}: ${JSON.stringify(value)} is not an address (http://host/proxy.pac)`, { cause: err });
  }
  if (!['http:', 'https:', 'file:'].includes(url.protocol)) throw new TandemError('TANDEM_ERR_BAD_INPUT', `${name}: must be an http, https or file address`);
  return url.href;
}
