/**
 * `tandem tech session`: the scriptable technician client. Signs in, creates
 * a code, and runs the session through the shared driver (tech-driver.ts:
 * stdout lines, stdin chat and commands; issue 2, "Scriptable command lines").
 * A code burnt by a wrong attempt prints `event: burnt`; with
 * `--renew-burnt-code` a fresh code follows on the same sign-in (the token
 * serves any number of rendezvous connections until it expires).
 */
import { TechnicianSession } from '@tandem/protocol';
import type { TechSessionArgs } from '../command-line/tech-args.js';
import { clientProxyResolver, createRelaySocketFactory, nodeAeadProvider, readPasswordFile, type CommandContext } from '@tandem/node-client';
import { driveTechSession } from '../driver/tech-driver.js';
import { login } from './sign-in.js';

/** Runs the technician session; resolves with the process exit code. */
export async function runTechSession(args: TechSessionArgs, ctx: CommandContext): Promise<number> {
  const password = await readPasswordFile(args.passwordFile);
  const routes = clientProxyResolver({ env: ctx.env, pacUrl: args.pac });
  const { token } = await login({ relayUrl: args.relayUrl, fingerprint: args.fingerprint, routes }, args.user, password, args.totp);
  const sockets = createRelaySocketFactory({ relayUrl: args.relayUrl, fingerprint: args.fingerprint, routes });
  const newSession = (): TechnicianSession =>
    new TechnicianSession({
      relayUrl: args.relayUrl,
      token,
      mode: args.mode,
      ...(args.caseNumber !== undefined ? { caseNumber: args.caseNumber } : {}),
      aead: nodeAeadProvider(),
      connect: sockets.connect,
    });
  return driveTechSession(
    { session: newSession(), connectError: () => sockets.connectError(), start: true, code: args.renewBurntCode ? { renew: newSession } : {}, filesDir: args.filesDir ?? process.cwd() },
    ctx,
  );
}
