/** Parsing helpers shared by the relay's commands. */
import { parseArgs } from 'node:util';
import { TandemError } from '@tandem/protocol';

/** A command-line mistake: reported on one line, exit code 2. */
export class UsageError extends Error {}

/** `value`, or a UsageError naming the missing `flag`. */
export function need(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`${flag} is required (see --help)`);
  return value;
}

type Options = Record<string, { type: 'string' | 'boolean' }>;
/** What {@link parse} answers: parseArgs' result for these options and --help. */
export type Parsed<T extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: T & { help: { type: 'boolean' } }; allowPositionals: boolean; strict: true }>>;

/** node:util parseArgs (strict, with --help), its errors as UsageError. */
export function parse<T extends Options>(args: string[], options: T, positionals = false): Parsed<T> {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean' } }, allowPositionals: positionals, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** Runs `fn`, turning its TANDEM_ERR_BAD_INPUT (a malformed argument) into a UsageError: exit code 2. */
export async function badInput<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof TandemError && err.code === 'TANDEM_ERR_BAD_INPUT') throw new UsageError(err.message);
    throw err;
  }
}
