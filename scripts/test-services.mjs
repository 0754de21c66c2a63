// The database servers the tests use (scripts/test.mjs calls ensureTestServices):
// PostgreSQL on 127.0.0.1:5432 with trust authentication for the postgres user
// (packages/relay/test/postgres.test.ts), and Redis on 127.0.0.1:6379. Each is
// left alone when it already answers; otherwise it is installed from Debian
// when missing and started, so that no test skips for want of it on a fresh
// machine. Idempotent: a second run finds both answering and does nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';

const APT_ENV = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
/** The rule the PostgreSQL test relies on (pg_hba.conf, first match wins, so it goes first). */
const TRUST_LINE = 'host all postgres 127.0.0.1/32 trust';

function quiet(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', ...opts });
}

function must(cmd, args, opts = {}) {
  console.log(`\n$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/** Waits until `check` holds, up to `ms`. */
function waitUntil(check, ms) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    spawnSync('sleep', ['0.2']);
  }
  return true;
}

const postgresAnswers = () => quiet('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-w', '-tAc', 'SELECT 1']).stdout?.trim() === '1';
const redisAnswers = () => quiet('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'ping']).stdout?.trim() === 'PONG';

function install(pkgs) {
  if (process.getuid?.() !== 0) throw new Error(`missing ${pkgs.join(' ')}; install them (apt-get install ${pkgs.join(' ')}) or run as root`);
  must('apt-get', ['update', '-q']);
  must('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...pkgs], { env: APT_ENV });
}

function ensurePostgres() {
  if (existsSync('/usr/bin/psql') && postgresAnswers()) return;
  if (!existsSync('/usr/bin/pg_ctlcluster') || !existsSync('/usr/bin/psql')) install(['postgresql', 'postgresql-client']);
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  const version = versions[0];
  if (version === undefined) throw new Error('PostgreSQL is installed but /usr/lib/postgresql holds no version');
  if (!existsSync(`/etc/postgresql/${version}/main`)) must('pg_createcluster', [version, 'main']);
  const hba = `/etc/postgresql/${version}/main/pg_hba.conf`;
  const rules = readFileSync(hba, 'utf8');
  if (!rules.split('\n').some((l) => l.trim().replace(/\s+/g, ' ') === TRUST_LINE)) writeFileSync(hba, `${TRUST_LINE}\n${rules}`);
  const running = quiet('pg_ctlcluster', [version, 'main', 'status']).status === 0;
  must('pg_ctlcluster', [version, 'main', running ? 'reload' : 'start']);
  if (!waitUntil(postgresAnswers, 30_000)) throw new Error(`PostgreSQL ${version}/main does not answer on 127.0.0.1:5432 as the postgres user without a password (see ${hba})`);
}

function ensureRedis() {
  if (existsSync('/usr/bin/redis-cli') && redisAnswers()) return;
  if (!existsSync('/usr/bin/redis-server') || !existsSync('/usr/bin/redis-cli')) install(['redis-server']);
  if (!redisAnswers()) must('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', '6379', '--dir', '/tmp']);
  if (!waitUntil(redisAnswers, 15_000)) throw new Error('Redis does not answer on 127.0.0.1:6379');
}

/** Makes PostgreSQL and Redis answer on their standard loopback ports; exits the test command with the reason when it cannot. */
export function ensureTestServices() {
  try {
    ensurePostgres();
    ensureRedis();
  } catch (err) {
    console.error(`test: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
