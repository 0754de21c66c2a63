/**
 * `tandem join CODE --relay URL ...`: the customer's agent. Checks the local
 * policy (the relay must be allowed before it is contacted), joins with the
 * code, asks for consent on the local page (or the terminal), then carries
 * chat and mode changes until either side ends, serving the screen in view
 * and control (src/screen). stdout gets `page:`, `rfb-listen:`, `event:` and
 * `chat:` lines; people-facing text goes to stderr.
 */
import { CustomerSession } from '@tandem/protocol';
import type { JoinArgs } from '../command-line/join-args.js';
import { EventLog } from '../system/event-log.js';
import { createRelaySocketFactory, DEFAULT_RELAY_TIMEOUT_SECONDS, LineInput, nodeAeadProvider, type CommandContext } from '@tandem/node-client';
import { agentRoutes, reportFailure } from './agent-proxy.js';
import { loadPolicyFromEnv } from '../policy/index.js';
import { joinConsentDefaults, runCustomerSession } from './customer-run.js';
import { CodeEntry } from './code-entry.js';
import type { RemovalChoice } from '../system/removal-choice.js';

/** What a downloaded agent adds to `join` (agent-executable.ts). */
export interface JoinExtras {
  /** Its choice to remove its own file when done, shown on the page. */
  removal?: RemovalChoice;
}

/** Runs the customer's side; resolves with the process exit code. */
export async function runJoin(args: JoinArgs, ctx: CommandContext, extras: JoinExtras = {}): Promise<number> {
  const out = ctx.out;
  const policy = await loadPolicyFromEnv(ctx.env);
  // Before any connection: a relay the policy does not allow is never contacted.
  policy.checkRelay(args.relayUrl);
  const routes = agentRoutes(ctx, policy, args.pac);
  if (args.code === undefined) {
    let codeInput: LineInput | undefined;
    const code = await new CodeEntry({
      args,
      ctx,
      policy,
      routes,
      eventLog: new EventLog({ warn: (message) => out.say(message) }),
      input: () => (codeInput ??= new LineInput(ctx.stdin)),
      ...(extras.removal !== undefined ? { removal: extras.removal } : {}),
    }).run();
    codeInput?.close();
    return code;
  }
  const sockets = createRelaySocketFactory({ relayUrl: args.relayUrl, fingerprint: args.fingerprint, routes: routes.routes, trace: routes.trace });
  const session = new CustomerSession({ relayUrl: args.relayUrl, code: args.code, aead: nodeAeadProvider(), connect: sockets.connect });
  const eventLog = new EventLog({ warn: (message) => out.say(message) });
  let input: LineInput | undefined;
  const result = await runCustomerSession(
    {
      session,
      relayUrl: args.relayUrl,
      connectError: () => sockets.connectError(),
      screen: args,
      ...(args.filesDir !== undefined ? { filesDir: args.filesDir } : {}),
      defaults: joinConsentDefaults(args),
      browser: args.browser,
      policy,
      eventLog,
      input: () => (input ??= new LineInput(ctx.stdin)),
      onStop: (end) => ctx.onSignal(end),
      ...(extras.removal !== undefined ? { removal: extras.removal } : {}),
    },
    ctx,
  );
  input?.close();
  const unreachable = sockets.connectError();
  if (result.failure !== undefined && !result.joined && unreachable !== undefined) {
    reportFailure(ctx, { what: 'tandem join', failures: [{ relay: args.relayUrl, error: unreachable }], timeoutMs: DEFAULT_RELAY_TIMEOUT_SECONDS * 1000, routes, now: Date.now() });
  }
  return result.code;
}
