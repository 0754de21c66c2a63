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
import { parseJoin } from './command-line/join-args.js';

/** `tandem join`, `invite`, `invitations`, `expire`. */
export const CUSTOMER_COMMANDS: readonly Command[] = [
  defineCommand({
    words: ['join'],
    synopsis: 'join CODE --relay URL ...',
    summary: 'join a support session with the code the technician gave you',
    parse: parseJoin,
    run: runJoin,
  }),
  defineCommand({
    words: ['invite'],
    synopsis: 'invite --relay URL --expires D',
    summary: 'invite a technician with an invitation file and link, and wait',
    parse: parseInvite,
    run: runInvite,
  }),
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

/** The customer's agent on its own: the command line of the downloadable agent. */
export const agentCommandLine = new CommandLine({ program: 'tandem', commands: CUSTOMER_COMMANDS });
