import { readFileSync } from 'node:fs';
import { ACCOUNT_ROLES, TandemError, parseDuration, type AccountRole } from '@tandem/protocol';
import { addUser } from './add-user.js';
import { UsageError, badInput, need, parse } from './cli-args.js';
import { USER_COMMANDS, USER_HELP, userCommand } from './user-commands.js';
import { MAX_TRUSTED_HOPS } from './client-address.js';
import { parseHelpDesk } from './help-desk.js';
import { parseListen, parsePublicUrl } from './config.js';
import { startRelay } from './server.js';
import { TEAM_COMMANDS, TEAM_HELP, teamCommand } from './front-door/team-commands.js';
import type { FrontDoorLimits } from './front-door/index.js';

const MAIN_HELP = `Usage: tandem-relay <command> [options]

Commands:
  start       run the relay
  user add    create a technician or administrator account
  user list|disable|enable|delete|reset|revoke|unlock
              list accounts, or change one (see "tandem-relay user --help")
  team list|add|change|remove|member-add|member-remove
              manage the teams customers pick (see "tandem-relay team --help")

Run "tandem-relay <command> --help" for a command's options.
`;

const START_HELP = `Usage: tandem-relay start --data DIR --listen HOST:PORT [options]

Runs the relay (HTTP API, the customers' support page at /, the console at
/console/ and the rendezvous WebSocket on one port) until SIGTERM or SIGINT. Prints "listening: URL", with TLS "fingerprint: HEX", and
on first start "setup: URL", a one-time link to create the administrator.

Options:
  --data DIR                 data folder (created if missing)
  --listen HOST:PORT         address to listen on; port 0 picks a free port
  --tls self-signed|off      self-signed certificate kept in DIR (default), or
                             plain HTTP behind a TLS-terminating proxy
  --public-url URL           URL clients use to reach the relay (for links)
  --code-lifetime DURATION   lifetime of an unused session code (default 5m;
                             examples: 5m, 90s)
  --database URL             postgres://... instead of DIR/tandem.sqlite
  --trust-proxy              behind one reverse proxy: take client addresses
                             from the X-Forwarded-For entry it appended (the
                             right-most; entries the client sent are ignored)
  --trust-proxy-hops N       behind N reverse proxies in a row: the Nth
                             X-Forwarded-For entry from the right (1 to 10;
                             --trust-proxy is --trust-proxy-hops 1)
  --claim-failures-per-minute N
                             failed code claims (and unknown invitations) per
                             address per minute before the address is refused
                             for a while (default 30)
  --claim-failures-per-minute-total N
                             failed code claims per minute from all addresses
                             together (a scan) before every claim is refused
                             for a minute (default 120)
  --attempt-timeout DURATION time the customer's computer has to join an
                             invitation attempt (default 30s)
  --help-desk-name NAME      the help desk's name, shown on the support page and
                             in the agents this relay serves
  --help-desk-phone PHONE    a support phone number for the support page
  --help-desk-logo FILE      a .png or .svg logo for the support page (256 KiB at most)
  --agents DIR               serve the agents built in DIR (default: those of
                             npm run build:agents, packages/agent/dist/agents)
  --agent-signing-cert F     sign the Windows agent after stamping (Authenticode,
  --agent-signing-key F      osslsigncode) with this certificate and key (PEM)
  --queue-entries-per-hour N queue entries one address may create per hour
                             (default 10)
  --queue-length N           longest queue of one team, one technician, or
                             "anyone" (default 50)
  --queue-grace DURATION     a customer whose support page stopped asking
                             (closed) leaves the queue after this (default 30s)
  --help                     show this help
`;

const USER_ADD_HELP = `Usage: tandem-relay user add NAME --role technician|admin --data DIR [options]

Creates an account. Without --password-file it prints "setup: URL", a one-time
link (valid 24 h) where the user sets the password.

Options:
  --role technician|admin    the account's role
  --data DIR                 the relay's data folder
  --password-file F          read the password from F (one trailing newline is dropped)
  --display-name N           name shown to customers (default NAME)
  --team T                   team shown to customers
  --database URL             postgres://... instead of DIR/tandem.sqlite
  --help                     show this help
`;

async function start(args: string[]): Promise<number> {
  const { values } = parse(args, {
    data: { type: 'string' },
    listen: { type: 'string' },
    tls: { type: 'string' },
    'public-url': { type: 'string' },
    'code-lifetime': { type: 'string' },
    database: { type: 'string' },
    'trust-proxy': { type: 'boolean' },
    'trust-proxy-hops': { type: 'string' },
    'claim-failures-per-minute': { type: 'string' },
    'claim-failures-per-minute-total': { type: 'string' },
    'attempt-timeout': { type: 'string' },
    'help-desk-name': { type: 'string' },
    'help-desk-phone': { type: 'string' },
    'help-desk-logo': { type: 'string' },
    agents: { type: 'string' },
    'agent-signing-cert': { type: 'string' },
    'agent-signing-key': { type: 'string' },
    'queue-entries-per-hour': { type: 'string' },
    'queue-length': { type: 'string' },
    'queue-grace': { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(START_HELP);
    return 0;
  }
  const dataDir = need(values.data, '--data');
  const listen = need(values.listen, '--listen');
  badInput(() => parseListen(listen));
  const tls = values.tls ?? 'self-signed';
  if (tls !== 'self-signed' && tls !== 'off') throw new UsageError('--tls: must be self-signed or off');
  const publicUrlText = values['public-url'];
  const publicUrl = publicUrlText === undefined ? undefined : badInput(() => parsePublicUrl(publicUrlText));
  const lifetimeText = values['code-lifetime'];
  const codeLifetimeMs = lifetimeText === undefined ? undefined : badInput(() => parseDuration(lifetimeText, '--code-lifetime'));
  const attemptText = values['attempt-timeout'];
  const attemptTimeoutMs = attemptText === undefined ? undefined : badInput(() => parseDuration(attemptText, '--attempt-timeout'));
  const claimLimit = values['claim-failures-per-minute'];
  if (claimLimit !== undefined && !/^[1-9]\d{0,6}$/.test(claimLimit)) throw new UsageError('--claim-failures-per-minute: must be a positive integer');
  const claimTotal = values['claim-failures-per-minute-total'];
  if (claimTotal !== undefined && !/^[1-9]\d{0,6}$/.test(claimTotal)) throw new UsageError('--claim-failures-per-minute-total: must be a positive integer');
  const hops = values['trust-proxy-hops'];
  if (hops !== undefined && !(/^\d{1,2}$/.test(hops) && Number(hops) >= 1 && Number(hops) <= MAX_TRUSTED_HOPS)) {
    throw new UsageError(`--trust-proxy-hops: must be an integer from 1 to ${MAX_TRUSTED_HOPS}`);
  }
  if (values.database !== undefined && !/^postgres(ql)?:\/\//.test(values.database)) throw new UsageError('--database: must be a postgres:// URL');
  const helpDesk = badInput(() => parseHelpDesk({ name: values['help-desk-name'], phone: values['help-desk-phone'], logoFile: values['help-desk-logo'] }));
  const signingCert = values['agent-signing-cert'];
  const signingKey = values['agent-signing-key'];
  if ((signingCert === undefined) !== (signingKey === undefined)) throw new UsageError('--agent-signing-cert and --agent-signing-key go together');
  const agentSigning = signingCert !== undefined && signingKey !== undefined ? { certFile: signingCert, keyFile: signingKey } : undefined;

  const frontDoor = frontDoorLimits(values['queue-entries-per-hour'], values['queue-length'], values['queue-grace']);

  const relay = await startRelay({
    dataDir,
    listen,
    tls,
    ...(publicUrl ? { publicUrl } : {}),
    ...(codeLifetimeMs ? { codeLifetimeMs } : {}),
    ...(values.database ? { databaseUrl: values.database } : {}),
    trustProxy: values['trust-proxy'] ?? false,
    ...(hops !== undefined ? { trustProxyHops: Number(hops) } : {}),
    ...(claimLimit ? { claimFailuresPerMinute: Number(claimLimit) } : {}),
    ...(claimTotal ? { claimFailuresPerMinuteTotal: Number(claimTotal) } : {}),
    ...(attemptTimeoutMs ? { attemptTimeoutMs } : {}),
    ...(helpDesk ? { helpDesk } : {}),
    ...(values.agents !== undefined ? { agentsDir: values.agents } : {}),
    ...(agentSigning !== undefined ? { agentSigning } : {}),
    frontDoor,
  });
  // "listening:" comes last: once a script sees it, the other lines are already there.
  if (relay.fingerprint) process.stdout.write(`fingerprint: ${relay.fingerprint}\n`);
  if (relay.setupLink) process.stdout.write(`setup: ${relay.setupLink}\n`);
  process.stdout.write(`listening: ${relay.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  await relay.close();
  return 0;
}

/** The queue's limits from `start`'s options (only those given). */
function frontDoorLimits(perHour: string | undefined, length: string | undefined, grace: string | undefined): Partial<FrontDoorLimits> {
  const positive = (text: string, flag: string): number => {
    if (!/^[1-9]\d{0,6}$/.test(text)) throw new UsageError(`${flag}: must be a positive integer`);
    return Number(text);
  };
  return {
    ...(perHour !== undefined ? { entriesPerAddressPerHour: positive(perHour, '--queue-entries-per-hour') } : {}),
    ...(length !== undefined ? { maxQueueLength: positive(length, '--queue-length') } : {}),
    ...(grace !== undefined ? { graceMs: badInput(() => parseDuration(grace, '--queue-grace')) } : {}),
  };
}

async function userAdd(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      role: { type: 'string' },
      data: { type: 'string' },
      'password-file': { type: 'string' },
      'display-name': { type: 'string' },
      team: { type: 'string' },
      database: { type: 'string' },
    },
    true,
  );
  if (values.help) {
    process.stdout.write(USER_ADD_HELP);
    return 0;
  }
  const [username] = positionals;
  if (positionals.length !== 1 || username === undefined) throw new UsageError('user add: give exactly one user NAME (see --help)');
  const role = need(values.role, '--role');
  if (!(ACCOUNT_ROLES as readonly string[]).includes(role)) throw new UsageError(`--role: must be one of ${ACCOUNT_ROLES.join(', ')}`);
  const dataDir = need(values.data, '--data');
  let password: string | undefined;
  if (values['password-file'] !== undefined) {
    try {
      password = readFileSync(values['password-file'], 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new UsageError(`--password-file: cannot read ${values['password-file']}: ${(err as Error).message}`);
    }
  }
  const result = await addUser({
    dataDir,
    databaseUrl: values.database,
    username,
    role: role as AccountRole,
    displayName: values['display-name'],
    team: values.team,
    password,
  });
  process.stdout.write(`user added: ${username}\n`);
  if (result.setupLink) process.stdout.write(`setup: ${result.setupLink}\n`);
  return 0;
}

/** Runs the command line; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '--help' || command === 'help') {
      process.stdout.write(MAIN_HELP);
      return command === undefined ? 2 : 0;
    }
    if (command === 'start') return await start(rest);
    if (command === 'user' && rest[0] === 'add') return await userAdd(rest.slice(1));
    if (command === 'user' && USER_COMMANDS.includes(rest[0] ?? '')) return await userCommand(rest[0] ?? '', rest.slice(1));
    if (command === 'team' && TEAM_COMMANDS.includes(rest[0] ?? '')) return await teamCommand(rest[0] ?? '', rest.slice(1));
    if (command === 'team' && (rest[0] === undefined || rest[0] === '--help')) {
      process.stdout.write(TEAM_HELP);
      return rest[0] === undefined ? 2 : 0;
    }
    if (command === 'user' && (rest[0] === undefined || rest[0] === '--help')) {
      process.stdout.write(`${USER_ADD_HELP}\n${USER_HELP}`);
      return rest[0] === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command "${argv.join(' ')}" (see --help)`);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`tandem-relay: ${err.message}\n`);
      return 2;
    }
    const message = err instanceof TandemError ? `${err.message} (${err.code})` : err instanceof Error ? err.message : String(err);
    process.stderr.write(`tandem-relay: ${message.split('\n')[0]}\n`);
    return 1;
  }
}
