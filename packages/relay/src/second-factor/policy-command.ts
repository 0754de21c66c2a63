import { SECOND_FACTOR_REQUIREMENTS } from '@tandem/protocol';
import { AuditLog } from '../audit.js';
import { UsageError, need, parse } from '../cli-args.js';
import { openStorage } from '../storage.js';
import { cliActor } from '../user-commands.js';
import { SecondFactorPolicy } from './second-factor-policy.js';

/** Help of `tandem-relay policy …`. */
export const POLICY_HELP = `Usage: tandem-relay policy require-2fa ${SECOND_FACTOR_REQUIREMENTS.join('|')} --data DIR [--database URL]
       tandem-relay policy show --data DIR [--database URL]

Sets who must have a second factor (an authenticator app or a passkey),
in the relay's database, whether or not a relay runs on it; a running relay
applies it at the next sign-in. An account it covers that has none signs in
to a console that only lets it enrol one ("enrolment at next sign-in"); its
technician client gets TANDEM_ERR_ENROLMENT_REQUIRED until it has. Audited
as done by "cli:OSUSER".

  require-2fa off           nobody must (the default)
  require-2fa admins        administrators must
  require-2fa technicians   technicians must
  require-2fa all           everyone must
  show                      prints "require-2fa: VALUE"

Options:
  --data DIR                 the relay's data folder
  --database URL             postgres://... instead of DIR/tandem.sqlite
  --help                     show this help
`;

/** Runs `tandem-relay policy …`; resolves to the exit code. */
export async function policyCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { data: { type: 'string' }, database: { type: 'string' } }, true);
  if (values.help || positionals.length === 0) {
    process.stdout.write(POLICY_HELP);
    return values.help ? 0 : 2;
  }
  const [what, value, ...rest] = positionals;
  if (what === 'require-2fa') {
    if (value === undefined || rest.length > 0 || !(SECOND_FACTOR_REQUIREMENTS as readonly string[]).includes(value)) {
      throw new UsageError(`policy require-2fa: give one of ${SECOND_FACTOR_REQUIREMENTS.join(', ')}`);
    }
  } else if (what !== 'show' || value !== undefined) {
    throw new UsageError(`unknown command "policy ${positionals.join(' ')}" (see --help)`);
  }
  const dataDir = need(values.data, '--data');
  if (values.database !== undefined && !/^postgres(ql)?:\/\//.test(values.database)) throw new UsageError('--database: must be a postgres:// URL');
  const storage = await openStorage({ dataDir, databaseUrl: values.database });
  try {
    const audit = new AuditLog(storage);
    const policy = new SecondFactorPolicy({ storage, audit });
    if (what === 'require-2fa') await policy.set(value, cliActor());
    process.stdout.write(`require-2fa: ${await policy.get()}\n`);
    await audit.flush();
    return 0;
  } finally {
    await storage.close();
  }
}
