/**
 * `tandem`: entry point of the agent's command line. Exit codes: 0 for a
 * normal end, 1 for a session failure (`error: TANDEM_ERR_... message` on
 * stderr), 2 for bad arguments.
 */
import { TandemError, toTandemError } from '@tandem/protocol';
import { parseCliArgs, type CliArgs } from './cli-args.js';
import { runJoin } from './commands/join.js';
import { runTechSession } from './commands/tech-session.js';
import { runInvite } from './commands/invite.js';
import { runExpire, runInvitations } from './commands/invitations.js';
import { runTechInvitation } from './commands/tech-invitation.js';
import type { CommandContext } from './commands/context.js';
import { LineOutput } from './output.js';

/** Exit code for bad arguments. */
export const EXIT_USAGE = 2;
/** Exit code for a failed session. */
export const EXIT_FAILURE = 1;

/** Runs `tandem` with `argv` (without node and script) in this process; resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const out = new LineOutput(process.stdout, process.stderr);
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (err) {
    const error = toTandemError(err, 'TANDEM_ERR_BAD_INPUT');
    process.stderr.write(`error: ${error.code} ${error.message} (see tandem --help)\n`);
    return EXIT_USAGE;
  }
  if (args.command === 'help') {
    process.stdout.write(args.text);
    return 0;
  }
  const signalHandlers: (() => void)[] = [];
  let signalled = 0;
  const onSignal = (): void => {
    signalled++;
    // A second signal while ending means: stop now.
    if (signalled > 1) process.exit(130);
    for (const handler of signalHandlers) handler();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const ctx: CommandContext = {
    stdin: process.stdin,
    out,
    env: process.env,
    onSignal: (handler) => signalHandlers.push(handler),
  };
  let code: number;
  try {
    code = await run(args, ctx);
  } catch (err) {
    out.error(err instanceof TandemError ? err : toTandemError(err));
    code = EXIT_FAILURE;
  }
  await out.flush();
  return code;
}

/** Runs one parsed command. */
async function run(args: Exclude<CliArgs, { command: 'help' }>, ctx: CommandContext): Promise<number> {
  switch (args.command) {
    case 'join':
      return runJoin(args, ctx);
    case 'tech-session':
      return runTechSession(args, ctx);
    case 'invite':
      return runInvite(args, ctx);
    case 'invitations':
      return runInvitations(ctx);
    case 'expire':
      return runExpire(args, ctx);
    case 'tech-invitation':
      return runTechInvitation(args, ctx);
  }
}
