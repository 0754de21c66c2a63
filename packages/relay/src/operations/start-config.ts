/**
 * The settings of `tandem-relay start` ({@link Settings}, from the command
 * line, environment and config file) checked and turned into the relay's
 * options. Every bad value is a TANDEM_ERR_CONFIG_INVALID that names where
 * it came from (`--code-lifetime`, `TANDEM_CODE_LIFETIME`, `"code-lifetime"
 * in FILE`); nothing starts until all are good.
 */
import { readFileSync } from 'node:fs';
import { CODE, FRONT_DOOR, TIMEOUTS, TandemError, parseDuration } from '@tandem/protocol';
import { MAX_TRUSTED_HOPS } from '../client-address.js';
import { parseListen, parsePublicUrl } from '../config.js';
import { parseHelpDesk } from '../help-desk.js';
import type { RelayOptions } from '../server.js';
import { DEFAULT_CLAIM_FAILURES_PER_MINUTE, DEFAULT_CLAIM_FAILURES_PER_MINUTE_TOTAL } from '../server.js';
import { DEFAULT_LOG_LEVEL, parseLogLevel } from './logging.js';
import { START_OPTIONS, envName, label, type Settings, type StartOption } from './start-options.js';

/** The defaults `check-config` shows for options set nowhere (what `start` does without them). */
export const START_DEFAULTS: Partial<Record<StartOption, string | boolean>> = {
  tls: 'self-signed',
  'code-lifetime': `${CODE.defaultLifetimeMs / 1000}s`,
  'trust-proxy': false,
  'claim-failures-per-minute': String(DEFAULT_CLAIM_FAILURES_PER_MINUTE),
  'claim-failures-per-minute-total': String(DEFAULT_CLAIM_FAILURES_PER_MINUTE_TOTAL),
  'attempt-timeout': `${TIMEOUTS.handshakeMs / 1000}s`,
  'log-level': DEFAULT_LOG_LEVEL,
  'queue-entries-per-hour': String(FRONT_DOOR.entriesPerAddressPerHour),
  'queue-length': String(FRONT_DOOR.maxQueueLength),
  'queue-grace': `${FRONT_DOOR.graceMs / 1000}s`,
};

/** The shortest metrics token accepted: 128 bits written in base64 or hex is longer. */
export const MIN_METRICS_TOKEN_CHARS = 22;

/** What `start` runs: the relay's options, and what the command line itself does with the rest. */
export interface StartConfig {
  relay: RelayOptions & { dataDir: string; listen: string };
  /** Milliseconds SIGTERM lets live sessions run on (`--drain-timeout`); undefined: end them at once. */
  drainTimeoutMs: number | undefined;
}

/** A URL's password replaced by `***`, for printing. */
export function maskUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password === '') return text;
    url.password = '***';
    return url.toString();
  } catch {
    // Not a URL: the check reports it; printed as it is it may hold a password, so print nothing of it.
    return '***';
  }
}

class Checker {
  readonly #settings: Settings;
  constructor(settings: Settings) {
    this.#settings = settings;
  }

  /** The string value of `option`, if set. */
  text(option: StartOption): string | undefined {
    const v = this.#settings[option]?.value;
    return typeof v === 'string' ? v : undefined;
  }

  flag(option: StartOption): boolean {
    return this.#settings[option]?.value === true;
  }

  /** A value that must be set. */
  need(option: StartOption): string {
    const v = this.text(option);
    if (v === undefined || v === '') throw new TandemError('TANDEM_ERR_CONFIG_INVALID', `--${option} is required (command line, ${envName(option)} or the config file; see --help)`);
    return v;
  }

  /** Fails with `what` about `option`, named as its source names it. */
  fail(option: StartOption, what: string): never {
    const source = this.#settings[option]?.source ?? { from: 'command line' as const };
    throw new TandemError('TANDEM_ERR_CONFIG_INVALID', `${label(option, source)}: ${what}`);
  }

  /** Runs a parser whose TANDEM_ERR_BAD_INPUT ("--x: what") becomes this option's error. */
  parsed<T>(option: StartOption, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof TandemError && err.code === 'TANDEM_ERR_BAD_INPUT') this.fail(option, err.message.replace(/^--?[\w-]+:\s*/, ''));
      throw err;
    }
  }

  integer(option: StartOption, min: number, max: number): number | undefined {
    const v = this.text(option);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!/^\d{1,7}$/.test(v) || n < min || n > max) this.fail(option, `must be an integer from ${min} to ${max}`);
    return n;
  }

  duration(option: StartOption): number | undefined {
    const v = this.text(option);
    return v === undefined ? undefined : this.parsed(option, () => parseDuration(v, `--${option}`));
  }
}

function readSecretFile(check: Checker, option: StartOption, file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    check.fail(option, `cannot read ${file}: ${(err as Error).message}`);
  }
  if (!/^\S+$/.test(text) || text.length < MIN_METRICS_TOKEN_CHARS) check.fail(option, `${file} must hold one token of at least ${MIN_METRICS_TOKEN_CHARS} characters, without spaces`);
  return text;
}

const TLS_MODES = ['self-signed', 'off', 'files'] as const;
function isTlsMode(text: string): text is (typeof TLS_MODES)[number] {
  return (TLS_MODES as readonly string[]).includes(text);
}

/** Checks every setting and builds what `start` runs. */
export function startConfig(settings: Settings): StartConfig {
  const check: Checker = new Checker(settings);
  const dataDir = check.need('data');
  const listen = check.need('listen');
  check.parsed('listen', () => parseListen(listen));
  const certFile = check.text('tls-cert');
  const keyFile = check.text('tls-key');
  if ((certFile === undefined) !== (keyFile === undefined)) check.fail(certFile === undefined ? 'tls-key' : 'tls-cert', '--tls-cert and --tls-key go together');
  const tlsText = check.text('tls') ?? (certFile !== undefined ? 'files' : 'self-signed');
  if (!isTlsMode(tlsText)) check.fail('tls', 'must be self-signed, off, or files (with --tls-cert and --tls-key)');
  if (tlsText === 'files' && certFile === undefined) check.fail('tls', 'files needs --tls-cert and --tls-key');
  if (tlsText !== 'files' && certFile !== undefined) check.fail('tls', `${tlsText} does not take --tls-cert and --tls-key`);
  const publicUrlText = check.text('public-url');
  const publicUrl = publicUrlText === undefined ? undefined : check.parsed('public-url', () => parsePublicUrl(publicUrlText));
  const codeLifetimeMs = check.duration('code-lifetime');
  const attemptTimeoutMs = check.duration('attempt-timeout');
  const drainTimeoutMs = check.duration('drain-timeout');
  const claimLimit = check.integer('claim-failures-per-minute', 1, 9_999_999);
  const claimTotal = check.integer('claim-failures-per-minute-total', 1, 9_999_999);
  const hops = check.integer('trust-proxy-hops', 1, MAX_TRUSTED_HOPS);
  const database = check.text('database');
  if (database !== undefined && !/^postgres(ql)?:\/\/[^\s]+$/.test(database)) check.fail('database', 'must be a postgres:// URL');
  if (database !== undefined) check.parsed('database', () => new URL(database));
  const helpDesk = check.parsed('help-desk-name', () =>
    parseHelpDesk({ name: check.text('help-desk-name'), phone: check.text('help-desk-phone'), logoFile: check.text('help-desk-logo') }),
  );
  const signingCert = check.text('agent-signing-cert');
  const signingKey = check.text('agent-signing-key');
  if ((signingCert === undefined) !== (signingKey === undefined)) check.fail(signingCert === undefined ? 'agent-signing-key' : 'agent-signing-cert', '--agent-signing-cert and --agent-signing-key go together');
  const level = check.parsed('log-level', () => parseLogLevel(check.text('log-level') ?? DEFAULT_LOG_LEVEL));
  const tokenFile = check.text('metrics-token-file');
  const metricsToken = tokenFile === undefined ? undefined : readSecretFile(check, 'metrics-token-file', tokenFile);
  const agents = check.text('agents');
  const logFile = check.text('log-file');
  const queuePerHour = check.integer('queue-entries-per-hour', 1, 9_999_999);
  const queueLength = check.integer('queue-length', 1, 9_999_999);
  const queueGraceMs = check.duration('queue-grace');
  return {
    drainTimeoutMs,
    relay: {
      dataDir,
      listen,
      tls: tlsText,
      ...(certFile !== undefined && keyFile !== undefined ? { tlsFiles: { certFile, keyFile } } : {}),
      ...(publicUrl !== undefined ? { publicUrl } : {}),
      ...(codeLifetimeMs !== undefined ? { codeLifetimeMs } : {}),
      ...(database !== undefined ? { databaseUrl: database } : {}),
      trustProxy: check.flag('trust-proxy'),
      ...(hops !== undefined ? { trustProxyHops: hops } : {}),
      ...(claimLimit !== undefined ? { claimFailuresPerMinute: claimLimit } : {}),
      ...(claimTotal !== undefined ? { claimFailuresPerMinuteTotal: claimTotal } : {}),
      ...(attemptTimeoutMs !== undefined ? { attemptTimeoutMs } : {}),
      ...(helpDesk ? { helpDesk } : {}),
      ...(agents !== undefined ? { agentsDir: agents } : {}),
      ...(signingCert !== undefined && signingKey !== undefined ? { agentSigning: { certFile: signingCert, keyFile: signingKey } } : {}),
      ...(metricsToken !== undefined ? { metricsToken } : {}),
      log: { level, ...(logFile !== undefined ? { file: logFile } : {}) },
      frontDoor: {
        ...(queuePerHour !== undefined ? { entriesPerAddressPerHour: queuePerHour } : {}),
        ...(queueLength !== undefined ? { maxQueueLength: queueLength } : {}),
        ...(queueGraceMs !== undefined ? { graceMs: queueGraceMs } : {}),
      },
    },
  };
}

/** Where a setting came from, in words. */
function sourceText(settings: Settings, option: StartOption): string {
  const source = settings[option]?.source;
  if (source === undefined) return 'default';
  if (source.from === 'environment') return `environment ${source.variable}`;
  if (source.from === 'config file') return `config file ${source.file}`;
  return source.from;
}

/**
 * The effective configuration as `check-config` prints it: one JSON object,
 * each option with its value and source, the database URL's password
 * masked; the metrics token is a file's path, never its content.
 */
export function describeSettings(settings: Settings): Record<string, { value: string | boolean; source: string }> {
  const out: Record<string, { value: string | boolean; source: string }> = {};
  for (const option of Object.keys(START_OPTIONS) as StartOption[]) {
    const value = settings[option]?.value ?? START_DEFAULTS[option];
    if (value === undefined) continue;
    out[option] = { value: option === 'database' && typeof value === 'string' ? maskUrl(value) : value, source: sourceText(settings, option) };
  }
  return out;
}
