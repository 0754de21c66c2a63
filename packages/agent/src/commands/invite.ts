/**
 * `tandem invite`: the customer invites a technician (issue 4). Checks the
 * local policy, writes the invitation file and the record of it on this
 * computer, prints the file, the console link and the id, then stays in the
 * foreground holding the ticket (ticket-keeper.ts). Each technician's
 * attempt is decided here, with this computer's clock and record: expired,
 * withdrawn or refused too often → declined; otherwise a customer session
 * with the invitation's PAKE secret runs through the same consent flow as
 * `tandem join` (customer-run.ts). A wrong password is counted; at the
 * limit the invitation expires. One session per invitation: once the
 * handshake succeeded the ticket is released and the command exits when the
 * session ends. `tandem expire ID` (or Ctrl+C) is noticed within a second.
 * Without --no-browser the local page is served from the start
 * (invitation-page.ts): the open invitations, then this session's consent.
 */
import { agentRoutes } from './agent-proxy.js';
import { chmodSync, writeFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { userInfo } from 'node:os';
import { TandemError, createInvitation, encodeInvitation, invitationExpiresAt, invitationLink } from '@tandem/protocol';
import { LineInput, clockFromEnv, localIsoTime, readPasswordFile, type CommandContext } from '@tandem/node-client';
import type { InviteArgs } from '../command-line/invite-args.js';
import { InvitationStore, newRecord } from '../invitations/invitation-store.js';
import { openBrowser } from '../pages/browser-open.js';
import { InvitationPage } from '../pages/invitation-page.js';
import { formatDuration, loadPolicyFromEnv } from '../policy/index.js';
import { EventLog } from '../system/event-log.js';
import { osFullName } from '../system/os-user.js';
import { askHidden, checkInvitationPassword, nextLine } from '../terminal/password-input.js';
import type { SharedPage } from './customer-run.js';
import { InvitationWait } from './invitation-wait.js';
import { FOREIGN_USER_MESSAGE, LAUNCH_REUSED_MESSAGE } from '../pages/consent-server.js';

/** Runs `tandem invite`; resolves with the process exit code. */
export async function runInvite(args: InviteArgs, ctx: CommandContext): Promise<number> {
  const out = ctx.out;
  const clock = clockFromEnv(ctx.env);
  const policy = await loadPolicyFromEnv(ctx.env);
  policy.assertAllows('invitations');
  // Before any connection: every listed relay must be allowed.
  for (const relay of args.relays) policy.checkRelay(relay.url);
  const lifetimeSeconds = policy.capLifetime(args.lifetimeSeconds);
  if (lifetimeSeconds < args.lifetimeSeconds) out.say(`The local policy limits invitations to ${formatDuration(lifetimeSeconds)}: this one lasts ${formatDuration(lifetimeSeconds)}.`);

  let input: LineInput | undefined;
  const getInput = (): LineInput => (input ??= new LineInput(ctx.stdin));
  const password = await readInvitationPassword(args, ctx, getInput);

  let customerName = (args.name ?? osFullName()).trim();
  if (customerName === '') customerName = safeUserName();
  const inv = createInvitation({ customerName, relays: args.relays, lifetimeSeconds, passwordProtected: password !== undefined, now: clock() });
  const file = resolvePath(args.out ?? `${inv.id}.tandem`);
  writeFileSync(file, encodeInvitation(inv), { mode: 0o600 });
  chmodSync(file, 0o600);
  // The PAKE secret: the password, or the random secret an invitation without one carries.
  const secret = password ?? inv.secret;
  const [firstRelay] = inv.relays;
  if (secret === undefined || firstRelay === undefined) throw new TandemError('TANDEM_ERR_INTERNAL', 'createInvitation gave an invitation without a secret or a relay');
  const store = InvitationStore.fromEnv(ctx.env);
  const record = newRecord(inv, { maxWrong: args.maxWrong, file, holderPid: process.pid });
  store.save(record);
  out.line(`invitation: ${file}`);
  out.line(`link: ${invitationLink(inv, firstRelay.url)}`);
  out.line(`id: ${inv.id}`);
  out.say(`Send the file or the link to your technician${password !== undefined ? ', and tell them the password by another way (phone)' : ''}.`);
  out.say(`It expires ${localIsoTime(invitationExpiresAt(inv))} (this computer decides). Expire it sooner with: tandem expire ${inv.id}`);

  const eventLog = new EventLog({ warn: (message) => out.say(message) });
  if (args.eventLog) eventLog.enable();
  const page = args.browser ? await startInvitationPage(store, inv.id, clock, ctx) : undefined;
  return new InvitationWait({
    args,
    ctx,
    store,
    record,
    secret,
    clock,
    policy,
    eventLog,
    input: getInput,
    routes: agentRoutes(ctx, policy, args.pac),
    ...(page !== undefined ? { page } : {}),
  }).run();
}

/**
 * Serves the local page from the start and opens it ($BROWSER or xdg-open).
 * Undefined when it cannot be served: consent is then asked on the terminal.
 */
async function startInvitationPage(store: InvitationStore, id: string, clock: () => number, ctx: CommandContext): Promise<{ page: InvitationPage; shared: SharedPage } | undefined> {
  const out = ctx.out;
  let page: InvitationPage;
  try {
    page = await InvitationPage.start({ store, id, clock, onBadRecord: (error) => out.error(error), onLaunchReused: () => out.say(LAUNCH_REUSED_MESSAGE), onForeignUser: () => out.say(FOREIGN_USER_MESSAGE) });
  } catch (err) {
    out.say(`Could not start the local page (${String(err)}); answer on this terminal instead.`);
    return undefined;
  }
  out.line(`page: ${page.url}`);
  const opened = openBrowser(page.url, ctx.env.BROWSER).then((result) => {
    if (!result.ok) out.say(`Could not open a browser (${result.reason}); answer on this terminal instead, or open ${page.url}`);
    return result.ok;
  });
  return { page, shared: { show: (shown) => page.show(shown), opened } };
}

/** The OS user name, or a neutral word when there is none. */
function safeUserName(): string {
  try {
    return userInfo().username || 'Customer';
  } catch {
    // No passwd entry for this uid: a neutral name the customer can override with --name.
    return 'Customer';
  }
}

/** The password from the chosen source, or undefined for an invitation that carries its own secret. */
async function readInvitationPassword(args: InviteArgs, ctx: CommandContext, getInput: () => LineInput): Promise<string | undefined> {
  switch (args.password.kind) {
    case 'none':
      return undefined;
    case 'file':
      return checkInvitationPassword(await readPasswordFile(args.password.path), '--password-file', args.maxWrong);
    case 'stdin': {
      const line = await nextLine(getInput());
      if (line === undefined || line === '') throw new TandemError('TANDEM_ERR_BAD_INPUT', '--password-stdin: no password on the first line of stdin');
      return checkInvitationPassword(line, '--password-stdin', args.maxWrong);
    }
    case 'ask': {
      const stderr = process.stderr;
      const first = checkInvitationPassword(await askHidden('Password for the invitation: ', ctx.stdin, stderr), '--ask-password', args.maxWrong);
      const again = await askHidden('The same password again: ', ctx.stdin, stderr);
      if (again !== first) throw new TandemError('TANDEM_ERR_BAD_INPUT', '--ask-password: the two passwords differ');
      return first;
    }
  }
}
