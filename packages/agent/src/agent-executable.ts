/**
 * The downloaded agent's code (docs/agent-file.md): bundled by
 * scripts/build-agents.mjs into one CommonJS file that the executable's
 * start (executable/bootstrap.ts) loads from its private folder. The
 * customer's commands with the relay's stamp as defaults: `join CODE` behaves
 * as `tandem join` does, with the stamped relay and fingerprint; started
 * with no arguments (a double-click) it is `join` without a code, which asks
 * for the code on the local page (or the terminal). `--remove-when-done` is
 * on by default.
 */
import { CommandLine } from '@tandem/node-client';
import { customerCommands } from './customer-commands.js';
import type { DownloadedAgentModule, DownloadedAgentRun } from './executable/downloaded-agent.js';

/** Runs the downloaded agent's command line; resolves with the exit code. */
export function runDownloadedAgent(run: DownloadedAgentRun): Promise<number> {
  const commandLine = new CommandLine({
    program: run.program,
    commands: customerCommands({ ...(run.stamp !== undefined ? { stamp: run.stamp } : {}), removable: true, removal: run.removal }),
    footer: `Started without arguments it asks for the session code, as "${run.program} join" does.\nRun "${run.program} COMMAND --help" for the options of each command.\n`,
  });
  // A double-click: no arguments at all.
  const argv = run.argv.length === 0 ? ['join'] : run.argv;
  return commandLine.main(argv, run.io);
}

export const downloadedAgent: DownloadedAgentModule = { runDownloadedAgent };
