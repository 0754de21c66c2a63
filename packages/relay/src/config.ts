import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONSOLE_PATH, TandemError } from '@tandem/protocol';

/** Where `start` keeps the settings later commands (`user add`) need. */
export const CONFIG_FILE = 'config.json';

/** Public URL assumed when no relay was ever started on a data folder. */
export const DEFAULT_PUBLIC_URL = 'https://localhost:8443';

/** Settings saved in the data folder by the last start. */
export interface SavedConfig {
  publicUrl: string;
}

/** Parses `HOST:PORT` (IPv6 as `[::1]:PORT`); port 0 asks the system for a free port. */
export function parseListen(text: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || !(port >= 0 && port <= 65535)) {
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `--listen: "${text}" is not HOST:PORT (for example 0.0.0.0:8443 or [::]:8443)`);
  }
  const host = match[1] ?? match[2];
  // The pattern's two alternatives: a bracketed IPv6 address or a name; one of them matched.
  if (host === undefined) throw new TandemError('TANDEM_ERR_BAD_INPUT', `--listen: "${text}" has no host`);
  return { host, port };
}

/** Formats an origin URL for a host and port, bracketing IPv6 addresses. */
export function originFor(scheme: 'http' | 'https', host: string, port: number): string {
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Validates and normalises a public URL to its origin (no trailing slash). */
export function parsePublicUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch (err) {
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `--public-url: "${text}" is not a URL`, { cause: err });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TandemError('TANDEM_ERR_BAD_INPUT', '--public-url: must be an http or https URL');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Reads the data folder's saved config, if any. */
export function readSavedConfig(dataDir: string): SavedConfig | undefined {
  const file = join(dataDir, CONFIG_FILE);
  if (!existsSync(file)) return undefined;
  const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (typeof value !== 'object' || value === null || typeof (value as SavedConfig).publicUrl !== 'string') return undefined;
  return { publicUrl: (value as SavedConfig).publicUrl };
}

/** Saves settings for later commands. */
export function writeSavedConfig(dataDir: string, config: SavedConfig): void {
  writeFileSync(join(dataDir, CONFIG_FILE), JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
}

/**
 * The one-time set-up link for a token as the relay's command line prints it
 * (`setup: ORIGIN/#/setup/TOKEN`, a stable output line: README): the
 * support page at `/` forwards it to the console's set-up page. The token
 * stays in the fragment, which browsers never send.
 */
export function setupLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/#/setup/${token}`;
}

/**
 * The same link at the console's own address (`ORIGIN/console/#/setup/TOKEN`),
 * as the API answers it to the console that shows it: no detour through
 * the support page.
 */
export function consoleSetupLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl}${CONSOLE_PATH}#/setup/${token}`;
}
