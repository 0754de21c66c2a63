import { readFileSync } from 'node:fs';
import { ACCOUNT_ROLES, TandemError, type AccountRole } from '@tandem/protocol';
import { addUser } from './add-user.js';
import { UsageError, need, parse } from './cli-args.js';
import { USER_COMMANDS, USER_HELP, userCommand } from './user-commands.js';
import { CHECK_CONFIG_HELP } from './operations/check-config-help.js';
import { runUntilStopped } from './operations/signals.js';
import { describeSettings, startConfig } from './operations/start-config.js';
import { parseArgsOptions, resolveSettings } from './operations/start-options.js';
import { policyCommand } from './second-factor/policy-command.js';
import { startRelay } from './server.js';
import { TEAM_COMMANDS, TEAM_HELP, teamCommand } from './front-door/team-commands.js';

const MAIN_HELP = `Usage: tandem-relay <command> [options]

Commands:
  start       run the relay
  check-config
              check the configuration start would run with, and print it
  user add    create a technician or administrator account
  user list|disable|enable|delete|reset|revoke|unlock
              list accounts, or change one (see "tandem-relay user --help")
  policy require-2fa off|admins|technicians|all
              who must have a second factor (see "tandem-relay policy --help")
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
  --tls self-signed|off|files
                             self-signed certificate kept in DIR (default),
                             plain HTTP behind a TLS-terminating proxy, or
                             the files of --tls-cert and --tls-key
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
  --tls-cert FILE            serve this certificate (chain, PEM; an ACME
  --tls-key FILE             client's output) and key: --tls files; both are
                             read again on SIGHUP
  --log-level LEVEL          JSON log level: fatal, error, warn, info (default),
                             debug, trace (logs request bodies, redacted), silent
  --log-file FILE            append the JSON log to FILE (default stderr);
                             reopened on SIGHUP
  --metrics-token-file FILE  a bearer token that lets any address read /metrics
                             (without it: the loopback address only)
  --drain-timeout DURATION   on SIGTERM, let live sessions go on this long
                             (not ready, no new ones) before ending them as
                             relay-shutdown (default: end them at once)
  --config FILE              a JSON file of these options (keys without "--")
  --queue-entries-per-hour N queue entries one address may create per hour
                             (default 10)
  --queue-length N           longest queue of one team, one technician, or
                             "anyone" (default 50)
  --queue-grace DURATION     a customer whose support page stopped asking
                             (closed) leaves the queue after this (default 30s)
  --help                     show this help

Every option can also come from the environment, TANDEM_ and its name in
capitals with _ (TANDEM_CODE_LIFETIME=10m, TANDEM_TRUST_PROXY=true), and the
config file from TANDEM_CONFIG. Precedence: command line, environment, config
file, defaults (docs/operations.md).
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
  const { values } = parse(args, parseArgsOptions());
  if (values.help) {
    process.stdout.write(START_HELP);
    return 0;
  }
  const config = startConfig(resolveSettings(values, process.env));
  const relay = await startRelay(config.relay);
  // "listening:" comes last: once a script sees it, the other lines are already there.
  if (relay.fingerprint) process.stdout.write(`fingerprint: ${relay.fingerprint}\n`);
  if (relay.setupLink) process.stdout.write(`setup: ${relay.setupLink}\n`);
  process.stdout.write(`listening: ${relay.url}\n`);
  await runUntilStopped(relay, config.drainTimeoutMs);
  return 0;
}

async function checkConfig(args: string[]): Promise<number> {
  const { values } = parse(args, parseArgsOptions());
  if (values.help) {
    process.stdout.write(CHECK_CONFIG_HELP);
    return 0;
  }
  const settings = resolveSettings(values, process.env);
  startConfig(settings);
  process.stdout.write(`${JSON.stringify(describeSettings(settings), null, 2)}\n`);
  return 0;
}

/** The queue's limits from `start`'s options (only those given). */
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
    if (command === 'check-config') return await checkConfig(rest);
    if (command === 'policy') return await policyCommand(rest);
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
    if (err instanceof TandemError && err.code === 'TANDEM_ERR_CONFIG_INVALID') {
      process.stderr.write(`tandem-relay: ${err.message.split('\n')[0]} (${err.code})\n`);
      return 2;
    }
    const message = err instanceof TandemError ? `${err.message} (${err.code})` : err instanceof Error ? err.message : String(err);
    process.stderr.write(`tandem-relay: ${message.split('\n')[0]}\n`);
    return 1;
  }
}
