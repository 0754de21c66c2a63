/**
 * `tandem join CODE --relay URL ...`: the customer's agent. Joins with the
 * code, asks for consent on the local page (or the terminal), then carries
 * chat and mode changes until either side ends, serving the screen in view
 * and control (src/screen). stdout gets `page:`, `rfb-listen:`, `event:` and
 * `chat:` lines; people-facing text goes to stderr.
 */
import { CustomerSession, type CustomerEvent } from '@tandem/protocol';
import type { JoinArgs } from '../cli-args.js';
import { openBrowser } from '../browser-open.js';
import { ConsentServer, pageFiles, type ServerEvent } from '../consent-server.js';
import { EventLog } from '../event-log.js';
import { JoinController } from '../join-controller.js';
import { LineInput } from '../line-input.js';
import { nodeAeadProvider } from '../node-aead.js';
import { osFullName } from '../os-user.js';
import type { LineOutput } from '../output.js';
import { agentPageDir, i18nextBrowserModule } from '../paths.js';
import { createRelaySocketFactory } from '../relay-socket.js';
import { setUpScreen } from '../screen/screen-setup.js';
import { TerminalPrompts } from '../terminal-prompts.js';
import { pageAction } from './page-actions.js';
import type { CommandContext } from './context.js';

/** How long the page gets to show the final state before the agent exits, ms. */
const FINAL_STATE_GRACE_MS = 1500;

/** Runs the customer's side; resolves with the process exit code. */
export async function runJoin(args: JoinArgs, ctx: CommandContext): Promise<number> {
  const out = ctx.out;
  const sockets = createRelaySocketFactory({ relayUrl: args.relayUrl, fingerprint: args.fingerprint });
  const session = new CustomerSession({ relayUrl: args.relayUrl, code: args.code, aead: nodeAeadProvider(), connect: sockets.connect });
  const eventLog = new EventLog({ warn: (message) => out.say(message) });
  const controller = new JoinController({
    session,
    relayUrl: args.relayUrl,
    eventLog,
    defaults: {
      name: args.name ?? osFullName(),
      ...(args.customerNumber !== undefined ? { customerNumber: args.customerNumber } : {}),
      ...(args.caseNumber !== undefined ? { caseNumber: args.caseNumber } : {}),
      eventLog: args.eventLog,
    },
  });

  // Before the session starts: a bad password file or listener stops here, and the first mode event is seen.
  const screen = await setUpScreen({ args, session, controller, out, env: ctx.env });

  const finished = new Promise<number>((resolve) => {
    session.onEvent((event) => {
      printEvent(out, event);
      if (event.type === 'failed') {
        const precise = sockets.connectError();
        out.error(event.error.code === 'TANDEM_ERR_RELAY_UNREACHABLE' && precise ? precise : event.error);
        resolve(1);
      } else if (event.type === 'ended') {
        resolve(0);
      }
    });
  });

  let input: LineInput | undefined;
  const startTerminal = (): void => {
    if (input !== undefined) return;
    input = new LineInput(ctx.stdin);
    new TerminalPrompts(controller, input, out, { eventLog: args.eventLog }).start();
  };

  let server: ConsentServer | undefined;
  if (args.browser) {
    server = await ConsentServer.start({
      files: pageFiles(agentPageDir(), i18nextBrowserModule()),
      snapshot: (): ServerEvent[] => [
        { event: 'reset', data: {} },
        { event: 'state', data: controller.view },
        ...controller.chat.map((entry) => ({ event: 'chat', data: entry })),
      ],
      action: (name, body) => pageAction(controller, name, body),
    });
    const page = server;
    controller.onUpdate((update) => page.broadcast(update.type === 'view' ? { event: 'state', data: update.view } : { event: 'chat', data: update.entry }));
    out.line(`page: ${page.url}`);
    void openBrowser(page.url, ctx.env.BROWSER).then((result) => {
      if (result.ok || session.finished) return;
      out.say(`Could not open a browser (${result.reason}); answer on this terminal instead, or open ${page.url}`);
      startTerminal();
    });
  } else {
    startTerminal();
  }

  ctx.onSignal(() => {
    // Ends on purpose (customer-ended); `finished` then resolves.
    void controller.end();
  });
  session.start();

  const code = await finished;
  input?.close();
  await screen.close();
  if (server !== undefined) {
    if (server.connectedPages > 0) await new Promise((resolve) => setTimeout(resolve, FINAL_STATE_GRACE_MS));
    await server.close();
  }
  await eventLog.flush();
  return code;
}

/** The stdout line(s) for one customer event. */
function printEvent(out: LineOutput, event: CustomerEvent): void {
  switch (event.type) {
    case 'joined':
      out.event('joined');
      out.event('sas', event.sas);
      return;
    case 'mode':
      out.event('mode', event.mode);
      return;
    case 'mode-request':
      out.event('mode-request', event.mode);
      return;
    case 'chat':
      out.line(`chat: ${event.text}`);
      return;
    case 'ended':
      out.event('ended', event.reason);
      return;
    case 'consent-needed':
    case 'failed':
      // Consent is asked by the page or the terminal; failures go to stderr.
      return;
  }
}
