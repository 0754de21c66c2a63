/**
 * The customer's commands, as one table (node-client's CommandLine): what the
 * downloadable agent offers, and what the repository's `tandem` command
 * offers beside the technician's commands. Nothing here is technician code.
 */
import { CommandLine, defineCommand, type Command } from '@tandem/node-client';
import { runExpire, runInvitations } from './commands/invitations.js';
import { runInvite } from './commands/invite.js';
import { runJoin } from './commands/join.js';
import { parseExpire, parseInvitations, parseInvite } from './command-line/invite-args.js';
import { parseJoin, type JoinDefaults } from './command-line/join-args.js';
import type { RemovalChoice } from './system/removal-choice.js';

/** What a downloaded agent brings to its commands (agent-executable.ts). */
export interface DownloadedDefaults extends JoinDefaults {
  /** Its choice to remove its own file when done. */
  removal?: RemovalChoice;
}

/** The customer's commands; a downloaded agent passes its stamp and removal choice. */
export function customerCommands(defaults: DownloadedDefaults = {}): readonly Command[] {
  const { removal, ...joinDefaults } = defaults;
  return [
    defineCommand({
      words: ['join'],
      synopsis: joinDefaults.stamp !== undefined ? 'join [CODE] ...' : 'join CODE --relay URL ...',
      summary: 'join a support session with the code the technician gave you',
      parse: (argv) => parseJoin(argv, joinDefaults),
      run: (args, ctx) => {
        // The file's removal follows the command line's choice; the page may change it while the agent runs.
        if (removal !== undefined && args.removeWhenDone !== undefined) removal.set(args.removeWhenDone);
        removal?.arm();
        return runJoin(args, ctx, removal !== undefined ? { removal } : {});
      },
    }),
    defineCommand({
      words: ['invite'],
      synopsis: joinDefaults.stamp !== undefined ? 'invite --expires D ...' : 'invite --relay URL --expires D',
      summary: 'invite a technician with an invitation file and link, and wait',
      parse: (argv) => parseInvite(argv, joinDefaults),
      run: runInvite,
    }),
    ...OTHER_COMMANDS,
  ];
}

/** `invitations`, `expire`: the same for every agent. */
const OTHER_COMMANDS: readonly Command[] = [
  defineCommand({
    words: ['invitations'],
    synopsis: 'invitations',
    summary: 'list the invitations made on this computer',
    parse: parseInvitations,
    run: (_args, ctx) => Promise.resolve(runInvitations(ctx)),
  }),
  defineCommand({
    words: ['expire'],
    synopsis: 'expire ID | --all',
    summary: 'expire an invitation at once (every copy stops working)',
    parse: parseExpire,
    run: (args, ctx) => Promise.resolve(runExpire(args, ctx)),
  }),
];

/** `tandem join`, `invite`, `invitations`, `expire`. */
export const CUSTOMER_COMMANDS: readonly Command[] = customerCommands();

/** The customer's agent on its own: the command line of the downloadable agent. */
export const agentCommandLine = new CommandLine({ program: 'tandem', commands: CUSTOMER_COMMANDS });
