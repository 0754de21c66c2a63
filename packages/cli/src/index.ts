/**
 * @tandem/cli: the repository's `tandem` command, for help desks' scripts and
 * for development: the customer's commands (@tandem/agent) and the
 * technician's (@tandem/tech) in one command line. The downloadable agent is
 * built from @tandem/agent alone and carries none of the technician's code.
 */
import { CUSTOMER_COMMANDS } from '@tandem/agent';
import { CommandLine } from '@tandem/node-client';
import { TECH_COMMANDS, TECH_GROUP } from '@tandem/tech';

/** `tandem`: every command of README's "Scriptable command lines". */
export const tandemCommandLine = new CommandLine({
  program: 'tandem',
  commands: [...CUSTOMER_COMMANDS, ...TECH_COMMANDS],
  groups: [TECH_GROUP],
});
