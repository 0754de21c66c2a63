/**
 * `tandem tech session`: the scriptable technician client. Signs in, creates
 * a code, and runs the session through the shared driver (tech-driver.ts:
 * stdout lines, stdin chat and commands; issue 2, "Scriptable command lines").
 */
import { readFile } from 'node:fs/promises';
import { LIMITS, TandemError, TechnicianSession } from '@tandem/protocol';
import type { TechSessionArgs } from '../cli-args.js';
import { login } from '../http-client.js';
import { nodeAeadProvider } from '../node-aead.js';
import { createRelaySocketFactory } from '../relay-socket.js';
import type { CommandContext } from './context.js';
import { driveTechSession } from './tech-driver.js';
/** Reads a password file, dropping one trailing newline (as `echo` writes it). */
export async function readPasswordFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `--password-file: cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  const password = text.replace(/\r?\n$/, '');
  if (password.length === 0) throw new TandemError('TANDEM_ERR_BAD_INPUT', `--password-file: ${path} is empty`);
  if (password.length > LIMITS.maxPasswordChars) throw new TandemError('TANDEM_ERR_BAD_INPUT', `--password-file: password longer than ${LIMITS.maxPasswordChars} characters`);
  return password;
}

/** Runs the technician session; resolves with the process exit code. */
export async function runTechSession(args: TechSessionArgs, ctx: CommandContext): Promise<number> {
  const password = await readPasswordFile(args.passwordFile);
  const { token } = await login({ relayUrl: args.relayUrl, fingerprint: args.fingerprint }, args.user, password);
  const sockets = createRelaySocketFactory({ relayUrl: args.relayUrl, fingerprint: args.fingerprint });
  const session = new TechnicianSession({
    relayUrl: args.relayUrl,
    token,
    mode: args.mode,
    ...(args.caseNumber !== undefined ? { caseNumber: args.caseNumber } : {}),
    aead: nodeAeadProvider(),
    connect: sockets.connect,
  });
  return driveTechSession({ session, connectError: () => sockets.connectError(), start: true }, ctx);
}
