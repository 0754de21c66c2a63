/**
 * Every option of `tandem-relay start`, defined once, and where each value
 * comes from. Precedence, highest first: the command line, the environment
 * (`TANDEM_` and the option's name in upper case with `_` for `-`:
 * `--code-lifetime` is `TANDEM_CODE_LIFETIME`), the `--config` file (JSON,
 * the options' names as keys), then the defaults. The data folder's saved
 * `config.json` is written by `start` and read by the `user` commands only
 * (docs/operations.md, "Configuration").
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { TandemError } from '@tandem/protocol';

/**
 * How an option's value is written: `string` and `path` (a path in a
 * config file is taken from the file's folder) as JSON strings, `integer`
 * as a JSON integer, `duration` as a string such as `30s`, `boolean` as a
 * JSON boolean (`true`/`false`, `1`/`0` in the environment).
 */
export type OptionKind = 'string' | 'path' | 'integer' | 'duration' | 'boolean';

/** The options of `start`, by their command-line names (without `--`). */
export const START_OPTIONS = {
  data: 'path',
  listen: 'string',
  tls: 'string',
  'tls-cert': 'path',
  'tls-key': 'path',
  'public-url': 'string',
  'code-lifetime': 'duration',
  database: 'string',
  'trust-proxy': 'boolean',
  'trust-proxy-hops': 'integer',
  'claim-failures-per-minute': 'integer',
  'claim-failures-per-minute-total': 'integer',
  'attempt-timeout': 'duration',
  'help-desk-name': 'string',
  'help-desk-phone': 'string',
  'help-desk-logo': 'path',
  agents: 'path',
  'agent-signing-cert': 'path',
  'agent-signing-key': 'path',
  'log-level': 'string',
  'log-file': 'path',
  'metrics-token-file': 'path',
  'drain-timeout': 'duration',
  'queue-entries-per-hour': 'integer',
  'queue-length': 'integer',
  'queue-grace': 'duration',
} as const satisfies Record<string, OptionKind>;

/** The name of a `start` option. */
export type StartOption = keyof typeof START_OPTIONS;

/** The environment variable of an option. */
export function envName(option: string): string {
  return `TANDEM_${option.toUpperCase().replace(/-/g, '_')}`;
}

/** The environment variable naming the config file, when `--config` is not given. */
export const CONFIG_ENV = envName('config');

/** node:util parseArgs' options for `start` and `check-config`. */
export function parseArgsOptions(): Record<StartOption | 'config', { type: 'string' | 'boolean' }> {
  const entries = Object.entries(START_OPTIONS).map(([name, kind]) => [name, { type: kind === 'boolean' ? 'boolean' : 'string' }] as const);
  return { ...Object.fromEntries(entries), config: { type: 'string' } } as Record<StartOption | 'config', { type: 'string' | 'boolean' }>;
}

/** Where one value came from. */
export type Source = { from: 'command line' } | { from: 'environment'; variable: string } | { from: 'config file'; file: string } | { from: 'default' };

/** A value as the command line would have given it, and its source. */
export interface Setting {
  value: string | boolean;
  source: Source;
}

/** The effective settings, by option; an option set nowhere is absent. */
export type Settings = Partial<Record<StartOption, Setting>>;

/** How a source names an option in an error: `--x`, `TANDEM_X`, `"x" in FILE`. */
export function label(option: string, source: Source): string {
  if (source.from === 'environment') return source.variable;
  if (source.from === 'config file') return `"${option}" in ${source.file}`;
  return `--${option}`;
}

function invalid(message: string): TandemError {
  return new TandemError('TANDEM_ERR_CONFIG_INVALID', message);
}

function isOption(name: string): name is StartOption {
  return Object.hasOwn(START_OPTIONS, name);
}

/** Reads a JSON config file: an object whose keys are options and whose values have the options' kinds. */
export function readConfigFile(file: string): Settings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw invalid(`--config: cannot read ${file}: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalid(`--config: ${file} is not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`--config: ${file} must hold a JSON object of options`);
  const settings: Settings = {};
  const source: Source = { from: 'config file', file };
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (!isOption(key)) throw invalid(`${file}: unknown option "${key}" (the keys are the options of tandem-relay start --help, without "--")`);
    const kind: OptionKind = START_OPTIONS[key];
    const at = label(key, source);
    if (kind === 'boolean') {
      if (typeof v !== 'boolean') throw invalid(`${at}: must be true or false`);
      settings[key] = { value: v, source };
    } else if (kind === 'integer') {
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalid(`${at}: must be an integer`);
      settings[key] = { value: String(v), source };
    } else {
      if (typeof v !== 'string') throw invalid(`${at}: must be a string`);
      settings[key] = { value: kind === 'path' ? resolve(dirname(file), v) : v, source };
    }
  }
  return settings;
}

/** The options set in `env` (`TANDEM_…`); other variables, of the prefix or not, are left alone. */
export function readEnvironment(env: NodeJS.ProcessEnv): Settings {
  const settings: Settings = {};
  for (const [option, kind] of Object.entries(START_OPTIONS) as [StartOption, OptionKind][]) {
    const variable = envName(option);
    const text = env[variable];
    if (text === undefined) continue;
    const source: Source = { from: 'environment', variable };
    if (kind === 'boolean') {
      if (!['true', 'false', '1', '0'].includes(text)) throw invalid(`${variable}: must be true, false, 1 or 0`);
      settings[option] = { value: text === 'true' || text === '1', source };
    } else {
      settings[option] = { value: text, source };
    }
  }
  return settings;
}

/** The command line's values (parseArgs'), as settings. */
export function readCommandLine(values: Record<string, string | boolean | undefined>): Settings {
  const settings: Settings = {};
  for (const [key, value] of Object.entries(values)) {
    if (isOption(key) && value !== undefined) settings[key] = { value, source: { from: 'command line' } };
  }
  return settings;
}

/** Merges the sources: command line over environment over config file (`--config`, else `TANDEM_CONFIG`). */
export function resolveSettings(values: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv): Settings {
  const configValue = values.config;
  const configFile = typeof configValue === 'string' ? configValue : env[CONFIG_ENV];
  const file = configFile === undefined || configFile === '' ? {} : readConfigFile(configFile);
  return { ...file, ...readEnvironment(env), ...readCommandLine(values) };
}
