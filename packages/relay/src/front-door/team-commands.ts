/**
 * `tandem-relay team …`: administrators manage teams in the relay's
 * database from the command line, whether or not a relay runs on it (a
 * running relay sees the change at its next request). Each change is
 * audited as made by "cli:OSUSER", as `tandem-relay user …` does.
 */
import { TEAM_LISTINGS } from '@tandem/protocol';
import { AuditLog } from '../audit.js';
import { UsageError, badInput, need, parse } from '../cli-args.js';
import { openStorage } from '../storage.js';
import { cliActor } from '../user-commands.js';
import { Teams } from './teams.js';

/** The `tandem-relay team …` commands. */
export const TEAM_COMMANDS: readonly string[] = ['list', 'add', 'change', 'remove', 'member-add', 'member-remove'];

/** Help of those commands. */
export const TEAM_HELP = `Usage: tandem-relay team list --data DIR
       tandem-relay team add NAME [--display-name N] [--listing hidden|team|names] --data DIR
       tandem-relay team change NAME [--display-name N] [--listing hidden|team|names] --data DIR
       tandem-relay team remove NAME --data DIR
       tandem-relay team member-add TEAM USER [--show-name] --data DIR
       tandem-relay team member-remove TEAM USER --data DIR

Manages the teams customers pick on the support page. A team's listing says
what the public directory (GET /api/directory, the support page) shows:
  hidden    nothing (the team takes no queue entries from the page)
  team      the team, its status and its queue (default)
  names     also its technicians' display names, those added with
            --show-name, while they are available or busy
Each change is audited as done by "cli:OSUSER".

  list           one line per team, tab-separated, after a header line:
                 name listing display-name members shown
                 (members and shown: user names, comma-separated)
  add            adds a team (NAME: letters, digits, . _ -; the display
                 name is what customers see, default NAME)
  change         changes a team's display name or listing
  remove         removes a team and its memberships
  member-add     adds USER to TEAM, or changes --show-name of a member
  member-remove  takes USER out of TEAM

Options:
  --data DIR                 the relay's data folder
  --database URL             postgres://... instead of DIR/tandem.sqlite
  --display-name N           the team's name as customers see it
  --listing L                hidden, team or names
  --show-name                list the technician by display name
  --help                     show this help
`;

const POSITIONALS: Record<string, number> = { list: 0, add: 1, change: 1, remove: 1, 'member-add': 2, 'member-remove': 2 };

/** Runs `tandem-relay team COMMAND ...`; resolves to the exit code. */
export async function teamCommand(command: string, args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    { data: { type: 'string' }, database: { type: 'string' }, 'display-name': { type: 'string' }, listing: { type: 'string' }, 'show-name': { type: 'boolean' } },
    true,
  );
  if (values.help) {
    process.stdout.write(TEAM_HELP);
    return 0;
  }
  const wanted = POSITIONALS[command];
  if (wanted === undefined) throw new UsageError(`unknown command "team ${command}" (see --help)`);
  if (positionals.length !== wanted) throw new UsageError(`team ${command}: takes ${['no NAME', 'one team NAME', 'TEAM and USER'][wanted] ?? ''} (see --help)`);
  if (values.listing !== undefined && !(TEAM_LISTINGS as readonly string[]).includes(values.listing)) throw new UsageError(`--listing: must be one of ${TEAM_LISTINGS.join(', ')}`);
  if (values['show-name'] !== undefined && command !== 'member-add') throw new UsageError('--show-name goes with team member-add');
  if ((values['display-name'] !== undefined || values.listing !== undefined) && command !== 'add' && command !== 'change') throw new UsageError('--display-name and --listing go with team add and team change');
  const dataDir = need(values.data, '--data');
  if (values.database !== undefined && !/^postgres(ql)?:\/\//.test(values.database)) throw new UsageError('--database: must be a postgres:// URL');
  const [first = '', second = ''] = positionals;
  const storage = await openStorage({ dataDir, databaseUrl: values.database });
  try {
    const audit = new AuditLog(storage);
    const teams = new Teams({ storage, audit });
    const actor = cliActor();
    const out = (line: string): void => void process.stdout.write(`${line}\n`);
    switch (command) {
      case 'list':
        out(['name', 'listing', 'display-name', 'members', 'shown'].join('\t'));
        for (const t of await teams.list()) {
          const names = (list: { username: string }[]): string => list.map((m) => m.username).join(',') || '-';
          out([t.name, t.listing, t.displayName, names(t.members), names(t.members.filter((m) => m.showName))].join('\t'));
        }
        break;
      case 'add':
        await badInput(() => teams.add({ name: first, displayName: values['display-name'], listing: values.listing }, actor));
        out(`team added: ${first}`);
        break;
      case 'change':
        await badInput(() => teams.change(first, { displayName: values['display-name'], listing: values.listing }, actor));
        out(`team changed: ${first}`);
        break;
      case 'remove':
        await badInput(() => teams.remove(first, actor));
        out(`team removed: ${first}`);
        break;
      case 'member-add':
        await badInput(() => teams.addMember(first, second, values['show-name'] ?? false, actor));
        out(`member added: ${second} to ${first}${values['show-name'] ? ' (name shown)' : ''}`);
        break;
      default:
        await badInput(() => teams.removeMember(first, second, actor));
        out(`member removed: ${second} from ${first}`);
        break;
    }
    await audit.flush();
    return 0;
  } finally {
    await storage.close();
  }
}
