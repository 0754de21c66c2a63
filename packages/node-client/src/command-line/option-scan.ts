/**
 * The option scanner every `tandem` command line shares: positionals and
 * `--name VALUE` / `--name=VALUE` / flags against a spec, unknown and
 * repeated options refused (except options declared repeatable).
 */
import { TandemError, isPlainName, normaliseRelayOrigin, parseDuration } from '@tandem/protocol';
import { DEFAULT_RELAY_TIMEOUT_SECONDS } from '../relay-failover.js';
import { normaliseFingerprint } from '../transport/fingerprint.js';

/** How one option is written. */
export interface OptionSpec {
  /** Takes a value (`--x VALUE` or `--x=VALUE`) or is a flag. */
  value: boolean;
  /** May be given more than once (values kept in order in `lists`). */
  repeat?: boolean;
}

/** What {@link scan} found. */
export interface Scanned {
  positionals: string[];
  /** Each option given, with its value (the last one for repeatable options) or true for a flag. */
  options: Map<string, string | true>;
  /** Every value of each repeatable option, in order. */
  lists: Map<string, string[]>;
}

/** A TANDEM_ERR_BAD_INPUT for a command line mistake. */
export function bad(message: string): TandemError {
  return new TandemError('TANDEM_ERR_BAD_INPUT', message);
}

/** Splits argv into positionals and options against a spec; rejects unknown and repeated options. */
export function scan(argv: readonly string[], spec: Record<string, OptionSpec>): Scanned {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  const lists = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const given = argv[i] ?? '';
    const arg = given === '-h' ? '--help' : given;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg.length > 1) throw bad(`unknown option ${arg}`);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const opt = spec[name];
    if (!opt) throw bad(`unknown option --${name}`);
    if (options.has(name) && opt.repeat !== true) throw bad(`--${name} given twice`);
    if (!opt.value) {
      if (eq !== -1) throw bad(`--${name} takes no value`);
      options.set(name, true);
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw bad(`--${name} needs a value`);
      i++;
    }
    options.set(name, value);
    if (opt.repeat === true) lists.set(name, [...(lists.get(name) ?? []), value]);
  }
  return { positionals, options, lists };
}

/** The value of a value option, or undefined. */
export function stringOption(options: Map<string, string | true>, name: string): string | undefined {
  const v = options.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** The value of a required value option; throws naming the command. */
export function required(options: Map<string, string | true>, name: string, command: string): string {
  const v = stringOption(options, name);
  if (v === undefined || v === '') throw bad(`${command}: --${name} is required`);
  return v;
}

/** Checks a free-text option: at most `max` characters, no control or bidirectional-text characters. */
export function limited(value: string | undefined, name: string, max: number): string | undefined {
  if (value === undefined) return undefined;
  if (value.length > max) throw bad(`--${name}: must be at most ${max} characters`);
  // Names and numbers reach audit rows, terminals and the technician's screen: as protocol's assertPlainName has it.
  if (!isPlainName(value)) throw bad(`--${name}: must not contain control characters or bidirectional-text marks`);
  return value;
}

/** A relay from the command line: its origin and, for a self-signed certificate, the pinned fingerprint. */
export interface PinnedRelay {
  url: string;
  fingerprint?: string;
}

/**
 * `--relay URL` (given `urls.length` times, in order) with either
 * `--relay URL#HEX` or one `--relay-fingerprint HEX` per `--relay` in the same
 * order (`fingerprints`): the relays, each normalised, none listed twice.
 * How many there must be is the caller's rule.
 */
export function parseRelayOptions(urls: readonly string[], fingerprints: readonly string[], command: string): PinnedRelay[] {
  if (fingerprints.length > 0 && fingerprints.length !== urls.length) {
    throw bad(`--relay-fingerprint: give one per --relay, in the same order (${urls.length} relays, ${fingerprints.length} fingerprints), or write URL#FINGERPRINT`);
  }
  const relays = urls.map((value, i): PinnedRelay => {
    const hash = value.indexOf('#');
    const url = normaliseRelayOrigin(hash === -1 ? value : value.slice(0, hash), '--relay');
    const inline = hash === -1 ? undefined : normaliseFingerprint(value.slice(hash + 1), `--relay ${value.slice(0, hash)}#`);
    if (inline !== undefined && fingerprints.length > 0) throw bad('--relay URL#FINGERPRINT and --relay-fingerprint cannot be combined');
    const given = fingerprints[i];
    const fp = inline ?? (given !== undefined ? normaliseFingerprint(given) : undefined);
    return fp === undefined ? { url } : { url, fingerprint: fp };
  });
  if (new Set(relays.map((r) => r.url)).size !== relays.length) throw bad(`${command}: a relay is listed twice`);
  return relays;
}


/** A TCP address from the command line. */
export interface HostPort {
  host: string;
  port: number;
}

/** Parses HOST:PORT (IPv6 in brackets: [::1]:5900). */
export function parseHostPort(value: string, option: string): HostPort {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  if (!m) throw bad(`--${option}: expected HOST:PORT, got ${value}`);
  const port = Number(m[3]);
  if (port > 65535) throw bad(`--${option}: port ${port} is out of range`);
  // The pattern's two alternatives: a bracketed IPv6 address or a name; one of them matched.
  const host = m[1] ?? m[2] ?? '';
  if (host.length > 255) throw bad(`--${option}: host name too long`);
  return { host, port };
}

/** True for loopback addresses: 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** `--relay-timeout DURATION` (default {@link DEFAULT_RELAY_TIMEOUT_SECONDS}), in milliseconds. */
export function relayTimeoutMs(options: Map<string, string | true>): number {
  const v = stringOption(options, 'relay-timeout');
  return v === undefined ? DEFAULT_RELAY_TIMEOUT_SECONDS * 1000 : parseDuration(v, '--relay-timeout');
}
