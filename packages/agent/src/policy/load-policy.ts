/**
 * Finding and reading the local policy (docs/policy.md): the system file,
 * set by the computer's administrator, and the user's own; on Windows also
 * the two group-policy keys of the registry. A missing file or key is no
 * policy; one that exists but cannot be read or understood stops the agent
 * (fail closed), since running without it could allow what it forbids.
 */
import { readFile as fsReadFile } from 'node:fs/promises';
import { homedir as osHomedir } from 'node:os';
import { isAbsolute, join, win32 } from 'node:path';
import { TandemError } from '@tandem/protocol';
import { EffectivePolicy } from './effective-policy.js';
import { POLICY_LIMITS, parsePolicyFile, type PolicyFile } from './policy-file.js';
import { readRegistryPolicies, type RegistryReadKey } from './registry-policy.js';

/** The system policy file. */
export const SYSTEM_POLICY_PATH = '/etc/tandem/policy.json';

/**
 * The policy files on Windows: `%ProgramData%\Tandem\policy.json` (the
 * administrator's) and `%APPDATA%\Tandem\policy.json` (the user's), each
 * undefined when its variable is unset or not an absolute path.
 */
export function windowsPolicyPaths(env: Record<string, string | undefined>): { system: string | undefined; user: string | undefined } {
  const under = (name: string): string | undefined => {
    // Windows' environment names are not case sensitive; a copied environment object is.
    const found = Object.keys(env).find((k) => k.toLowerCase() === name.toLowerCase());
    const base = found === undefined ? undefined : env[found];
    return base !== undefined && win32.isAbsolute(base) ? win32.join(base, 'Tandem', 'policy.json') : undefined;
  };
  return { system: under('ProgramData'), user: under('APPDATA') };
}

/** Reads a file as text; rejects with an error carrying `code` (ENOENT...) as node:fs does. */
export type PolicyReadFile = (path: string) => Promise<string>;

/**
 * The user's policy file: `$XDG_CONFIG_HOME/tandem/policy.json`, or
 * `~/.config/tandem/policy.json` when XDG_CONFIG_HOME is unset, empty or
 * relative (the XDG Base Directory spec says to ignore a relative one).
 * Undefined when there is no home folder either.
 */
export function userPolicyPath(env: Record<string, string | undefined>, home: string): string | undefined {
  const xdg = env['XDG_CONFIG_HOME'];
  if (xdg !== undefined && xdg !== '' && isAbsolute(xdg)) return join(xdg, 'tandem', 'policy.json');
  if (home === '' || !isAbsolute(home)) return undefined;
  return join(home, '.config', 'tandem', 'policy.json');
}

/** Node's reader, decoding strictly as UTF-8 so a damaged file is an error, not U+FFFD. */
const nodeReadFile: PolicyReadFile = async (path) => {
  const bytes = await fsReadFile(path);
  if (bytes.length > POLICY_LIMITS.maxFileChars * 4) {
    throw new TandemError('TANDEM_ERR_POLICY_INVALID', `policy ${path}: is larger than ${POLICY_LIMITS.maxFileChars} characters; Tandem will not run with a policy it cannot fully understand`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    throw new TandemError('TANDEM_ERR_POLICY_INVALID', `policy ${path}: is not UTF-8 text; Tandem will not run with a policy it cannot read`, { cause: err });
  }
};

/** Codes with which a read says the file is not there (then there is no policy from it). */
const ABSENT = new Set(['ENOENT', 'ENOTDIR']);

async function readOne(path: string, readFile: PolicyReadFile): Promise<PolicyFile | undefined> {
  let text: string;
  try {
    text = await readFile(path);
  } catch (err) {
    if (err instanceof TandemError) throw err;
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && ABSENT.has(code)) return undefined;
    const reason = err instanceof Error ? err.message : String(err);
    throw new TandemError('TANDEM_ERR_POLICY_INVALID', `policy ${path}: cannot be read (${reason}); Tandem will not run without knowing its policy (the file must be readable by every user)`, { cause: err });
  }
  return parsePolicyFile(text, path);
}

/** Options of {@link loadPolicy}; every part is injectable for tests. */
export interface LoadPolicyOptions {
  /** The system policy file; default {@link SYSTEM_POLICY_PATH}; null for none. */
  systemPath?: string | null;
  /** The user's policy file; default from {@link userPolicyPath}; null for none. */
  userPath?: string | null;
  /** Reads a file; default node:fs with strict UTF-8. */
  readFile?: PolicyReadFile;
  /** Environment for the default user path; default process.env. */
  env?: Record<string, string | undefined>;
  /** Home folder for the default user path; default os.homedir(). */
  homedir?: string;
  /** Whose conventions give the default paths; default process.platform. */
  platform?: NodeJS.Platform;
  /** Reads a registry key; given, the two group-policy keys are read too (Windows). */
  registry?: RegistryReadKey;
}

/**
 * Reads the system and user policy files (and with `registry` the machine's
 * and the user's group-policy keys, before the files) and merges them, the
 * stricter value of each field winning. Missing files and keys mean no
 * restriction; an unreadable, malformed or not-understood one rejects with
 * a TandemError (TANDEM_ERR_POLICY_INVALID) naming the file or key and the
 * field: the agent must then refuse to run.
 */
export async function loadPolicy(options: LoadPolicyOptions = {}): Promise<EffectivePolicy> {
  const readFile = options.readFile ?? nodeReadFile;
  const env = options.env ?? process.env;
  const windows = (options.platform ?? process.platform) === 'win32' ? windowsPolicyPaths(env) : undefined;
  const defaultSystem = windows === undefined ? SYSTEM_POLICY_PATH : (windows.system ?? null);
  const defaultUser = windows === undefined ? (userPolicyPath(env, options.homedir ?? osHomedir()) ?? null) : (windows.user ?? null);
  const systemPath = options.systemPath === undefined ? defaultSystem : options.systemPath;
  const userPath = options.userPath === undefined ? defaultUser : options.userPath;
  const paths = [systemPath, userPath].filter((p): p is string => typeof p === 'string');
  if (paths.length === 2 && paths[0] === paths[1]) paths.pop();
  const files: PolicyFile[] = options.registry === undefined ? [] : await readRegistryPolicies(options.registry);
  // Read in order and stop at the first failure: the message names the first bad file.
  for (const path of paths) {
    const file = await readOne(path, readFile);
    if (file !== undefined) files.push(file);
  }
  return new EffectivePolicy(files);
}
