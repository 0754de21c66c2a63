import { userInfo } from 'node:os';
import { AccountAdmin } from './account-admin.js';
import { Accounts } from './accounts.js';
import { AuditLog } from './audit.js';
import { UsageError, need, parse } from './cli-args.js';
import { DEFAULT_PUBLIC_URL, readSavedConfig, setupLinkUrl } from './config.js';
import { SecondFactors } from './second-factor.js';
import { openStorage } from './storage.js';
import { TokenStore } from './tokens.js';

/** The `tandem-relay user …` commands besides `add`. */
export const USER_COMMANDS: readonly string[] = ['list', 'disable', 'enable', 'delete', 'reset', 'revoke', 'unlock', 'totp'];

/** Help of those commands. */
export const USER_HELP = `Usage: tandem-relay user list --data DIR [--database URL]
       tandem-relay user disable|enable|delete|reset|revoke|unlock|totp NAME --data DIR [--database URL]

Changes accounts directly in the relay's database, whether or not a relay
runs on it; a running relay sees the change at its next request. Each
change is audited as done by "cli:OSUSER" (the operating-system user).

  list      one line per account, tab-separated, after a header line:
            username role status password signins second-factors
  disable   the account cannot sign in; its sign-ins are revoked at once
            (an open console is signed out, no new session codes)
  enable    the account may sign in again
  delete    removes the account; its audit rows stay, with its name
  reset     clears the password, revokes every sign-in and set-up link,
            prints "setup: URL", a new one-time set-up link (valid 24 h)
  revoke    revokes every sign-in of the account
  unlock    ends a lock after failed sign-ins (of the account, not the address)
  totp      enrols an authenticator app (TOTP, RFC 6238) for the account at
            once, replacing any earlier one: prints "totp: otpauth://…" (for
            the app, or a QR code) and ten "recovery: CODE" lines

Options:
  --data DIR                 the relay's data folder
  --database URL             postgres://... instead of DIR/tandem.sqlite
  --help                     show this help
`;

/** Who the audit says made a change from the command line: `cli:` and the operating-system user. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch (err) {
    // No passwd entry for this uid (some containers): the command line is all the audit can say.
    void err;
    return 'cli';
  }
}

/** Runs `tandem-relay user COMMAND ...` for one of {@link USER_COMMANDS}; resolves to the exit code. */
export async function userCommand(command: string, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { data: { type: 'string' }, database: { type: 'string' } }, true);
  if (values.help) {
    process.stdout.write(USER_HELP);
    return 0;
  }
  const wanted = command === 'list' ? 0 : 1;
  if (positionals.length !== wanted) throw new UsageError(command === 'list' ? 'user list: takes no NAME' : `user ${command}: give exactly one user NAME (see --help)`);
  const dataDir = need(values.data, '--data');
  if (values.database !== undefined && !/^postgres(ql)?:\/\//.test(values.database)) throw new UsageError('--database: must be a postgres:// URL');
  const username = positionals[0] ?? '';
  const storage = await openStorage({ dataDir, databaseUrl: values.database });
  try {
    const audit = new AuditLog(storage);
    const tokens = new TokenStore(storage);
    const factors = new SecondFactors({ storage, audit });
    const accounts = new Accounts({ storage, audit, tokens, factors });
    const admin = new AccountAdmin({ storage, audit, tokens, accounts, factors });
    const actor = cliActor();
    const out = (line: string): void => void process.stdout.write(`${line}\n`);
    switch (command) {
      case 'list':
        out(['username', 'role', 'status', 'password', 'signins', 'second-factors'].join('\t'));
        for (const u of await admin.list()) {
          out([u.username, u.role, u.disabled ? 'disabled' : 'enabled', u.hasPassword ? 'set' : 'pending', String(u.signins), u.secondFactors.join(',') || 'none'].join('\t'));
        }
        break;
      case 'disable':
        await admin.disable(username, actor);
        out(`user disabled: ${username}`);
        break;
      case 'enable':
        await admin.enable(username, actor);
        out(`user enabled: ${username}`);
        break;
      case 'delete':
        await admin.delete(username, actor);
        out(`user deleted: ${username}`);
        break;
      case 'reset': {
        const token = await admin.reset(username, actor);
        out(`user reset: ${username}`);
        out(`setup: ${setupLinkUrl(readSavedConfig(dataDir)?.publicUrl ?? DEFAULT_PUBLIC_URL, token)}`);
        break;
      }
      case 'revoke':
        out(`sign-ins revoked: ${username} (${await admin.revokeSignins(username, actor)})`);
        break;
      case 'totp': {
        const { otpauthUrl, recoveryCodes } = await admin.enrolTotp(username, actor);
        out(`totp: ${otpauthUrl}`);
        for (const code of recoveryCodes) out(`recovery: ${code}`);
        break;
      }
      case 'unlock':
        await admin.unlock(username, actor);
        out(`user unlocked: ${username}`);
        break;
      default:
        throw new UsageError(`unknown command "user ${command}" (see --help)`);
    }
    await audit.flush();
    return 0;
  } finally {
    await storage.close();
  }
}
