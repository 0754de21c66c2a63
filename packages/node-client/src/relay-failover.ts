/**
 * Trying a list of relay addresses in order (BRIEF §9, issue 4): what each
 * attempt's failure was, the one clear message when all failed, and the
 * readable diagnostic report the customer can send to support.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir, hostname, platform, release } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { TandemError, type TandemErrorCode } from '@tandem/protocol';
import type { ConnectionTrace } from './proxy/connection-trace.js';
import type { ProxyResolver } from './proxy/proxy-resolver.js';
import { attemptReportLines, proxyReportLines } from './proxy/report-lines.js';
import { TANDEM_CLIENT_VERSION } from './version.js';

/** Default wait for each relay address before trying the next, seconds. */
export const DEFAULT_RELAY_TIMEOUT_SECONDS = 30;

/** Why one relay address did not work. */
export interface RelayFailure {
  relay: string;
  error: TandemError;
}

/** A timer for one relay: fails with TANDEM_ERR_TIMEOUT naming the relay and the wait. */
export function relayTimeoutError(relay: string, timeoutMs: number): TandemError {
  return new TandemError('TANDEM_ERR_TIMEOUT', `the relay at ${relay} did not answer within ${formatMs(timeoutMs)}`);
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/**
 * The one error when every relay failed: its message names each relay and
 * why. The code is the one every failure shares, else
 * TANDEM_ERR_INVITATION_EXPIRED when a relay was reached and said so (the
 * most telling answer), else TANDEM_ERR_RELAY_UNREACHABLE.
 */
export function allRelaysFailed(failures: readonly RelayFailure[], what: string): TandemError {
  const codes = new Set(failures.map((f) => f.error.code));
  let code: TandemErrorCode = 'TANDEM_ERR_RELAY_UNREACHABLE';
  if (codes.size === 1) code = failures[0]?.error.code ?? code;
  else if (codes.has('TANDEM_ERR_INVITATION_EXPIRED')) code = 'TANDEM_ERR_INVITATION_EXPIRED';
  const lines = failures.map((f, i) => `${i + 1}. ${f.relay}: ${f.error.code} ${f.error.message}`);
  return new TandemError(code, `${what}: no relay worked; tried ${failures.length}: ${lines.join('; ')}`);
}

/** `$XDG_STATE_HOME/tandem/reports` (or `~/.local/state/tandem/reports`). */
export function reportsDir(env: NodeJS.ProcessEnv, home = homedir()): string {
  const xdg = env.XDG_STATE_HOME;
  const base = xdg !== undefined && xdg !== '' && isAbsolute(xdg) ? xdg : join(home, '.local', 'state');
  return join(base, 'tandem', 'reports');
}

const PROXY_VARS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy'];

/** Drops a user name and password from a proxy URL before it goes into a report. */
function withoutCredentials(value: string): string {
  try {
    const url = new URL(value);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    // Not a URL (NO_PROXY lists): keep as is, it holds host names only.
    return value;
  }
}

/**
 * Writes a plain-text report of a failed connection (no secrets: no ticket,
 * password or secret; proxy credentials removed) and returns its path.
 */
export function writeDiagnosticReport(args: {
  env: NodeJS.ProcessEnv;
  now: number;
  what: string;
  failures: readonly RelayFailure[];
  timeoutMs: number;
  /** How the proxy was found for each relay. */
  proxy?: ProxyResolver | undefined;
  /** Each attempt's steps. */
  trace?: ConnectionTrace | undefined;
}): string {
  const dir = reportsDir(args.env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stamp = new Date(args.now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const path = join(dir, `relay-report-${stamp}-${process.pid}.txt`);
  const lines = [
    'Tandem connection report',
    '========================',
    '',
    `What:       ${args.what}`,
    `When:       ${new Date(args.now).toISOString()} (this computer's clock)`,
    `Tandem:     ${TANDEM_CLIENT_VERSION}`,
    `Computer:   ${hostname()}, ${platform()} ${release()}, Node.js ${process.version}`,
    `Timeout:    ${formatMs(args.timeoutMs)} per relay`,
    '',
    'Relays tried, in order:',
    ...args.failures.map((f, i) => `  ${i + 1}. ${f.relay}\n     ${f.error.code}: ${f.error.message}`),
    '',
    'Proxy settings in the environment:',
    ...PROXY_VARS.flatMap((v) => {
      const value = args.env[v];
      return value === undefined || value === '' ? [] : [`  ${v}=${withoutCredentials(value)}`];
    }),
    ...(PROXY_VARS.some((v) => (args.env[v] ?? '') !== '') ? [] : ['  (none)']),
    '',
    ...(args.proxy !== undefined ? [...proxyReportLines(args.proxy.choices()), ''] : []),
    ...(args.trace !== undefined ? [...attemptReportLines(args.trace.attempts()), ''] : []),
    'Send this file to your support contact. It holds no password, secret or ticket.',
    '',
  ];
  writeFileSync(path, lines.join('\n'), { mode: 0o600 });
  return path;
}
