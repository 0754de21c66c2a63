/**
 * The technician's commands, as one table (node-client's CommandLine), under
 * the word `tech`: `tandem tech session` and `tandem tech invitation`.
 */
import { defineCommand, type Command, type CommandGroup } from '@tandem/node-client';
import { runTechInvitation } from '../commands/tech-invitation.js';
import { runTechSession } from '../commands/tech-session.js';
import { TECH_HELP, parseTechInvitation, parseTechSession } from './tech-args.js';

/** `tandem tech session`, `tandem tech invitation`. */
export const TECH_COMMANDS: readonly Command[] = [
  defineCommand({
    words: ['tech', 'session'],
    synopsis: 'tech session --relay URL ...',
    summary: 'run a technician session from a script',
    parse: parseTechSession,
    run: runTechSession,
  }),
  defineCommand({
    words: ['tech', 'invitation'],
    synopsis: 'tech invitation FILE_OR_LINK',
    summary: "answer a customer's invitation from a script",
    parse: parseTechInvitation,
    run: runTechInvitation,
  }),
];

/** `tandem tech --help`. */
export const TECH_GROUP: CommandGroup = { word: 'tech', help: TECH_HELP };
