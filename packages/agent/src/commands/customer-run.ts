/**
 * One customer session from the agent's side, as `tandem join` and
 * `tandem invite` both run it: the join controller, the screen engine, the
 * consent page or the terminal prompts, and the stdout lines. The same
 * consent flow for a session code and an invitation (issue 4, point 6).
 */
import type { CustomerEvent, CustomerSession, TandemError } from '@tandem/protocol';
import { openBrowser } from '../pages/browser-open.js';
import { ConsentServer, FOREIGN_USER_MESSAGE, LAUNCH_REUSED_MESSAGE, pageFiles, type ServerEvent } from '../pages/consent-server.js';
import type { EventLog } from '../system/event-log.js';
import { JoinController, type ConsentPolicy } from '../session/join-controller.js';
import { FileDesk } from '../session/file-desk.js';
import { isSharedSessionEvent, printSharedEvent, type CommandContext, type LineInput, type LineOutput } from '@tandem/node-client';
import { agentPageDir, agentPageScriptsDir, i18nextBrowserModule } from '../pages/page-paths.js';
import { setUpScreen, type ScreenArgs } from '../screen/screen-setup.js';
import { TerminalPrompts } from '../terminal/terminal-prompts.js';
import { pageAction } from '../pages/page-actions.js';
import { followSession, sessionEvents, type PageSession } from '../pages/session-feed.js';
import { removalAction, removalEvent } from '../pages/removal-page.js';
import type { RemovalChoice } from '../system/removal-choice.js';
import type { JoinArgs } from '../command-line/join-args.js';
import { osFullName } from '../system/os-user.js';

/** What the consent form starts with: the customer's details as given, and the event-log choice. */
export interface ConsentDefaults {
  name: string;
  customerNumber?: string;
  caseNumber?: string;
  eventLog: boolean;
}

/** The consent form's defaults from `join`'s options: the name given, else the account's full name. */
export function joinConsentDefaults(args: JoinArgs): ConsentDefaults {
  return {
    name: args.name ?? osFullName(),
    ...(args.customerNumber !== undefined ? { customerNumber: args.customerNumber } : {}),
    ...(args.caseNumber !== undefined ? { caseNumber: args.caseNumber } : {}),
    eventLog: args.eventLog,
  };
}

/** How long the page gets to show the final state before the agent goes on, ms. */
const FINAL_STATE_GRACE_MS = 1500;

/** Options of {@link runCustomerSession}. */
export interface CustomerRunOptions {
  /** A session not started yet. */
  session: CustomerSession;
  relayUrl: string;
  /** The precise cause of a connection failure the session reports in general terms. */
  connectError: () => TandemError | undefined;
  screen: ScreenArgs;
  /** Where received files go (`--files-dir`; Downloads/Tandem when absent). */
  filesDir?: string;
  defaults: ConsentDefaults;
  /** False: consent on the terminal. */
  browser: boolean;
  policy: ConsentPolicy;
  eventLog: EventLog;
  /** The terminal input, made on first use (invite keeps one across attempts). */
  input: () => LineInput;
  /** Open the page only once the handshake succeeded (an invitation's wrong password opens nothing). */
  pageOnJoined?: boolean;
  /** With `browser`: show the session on this page, from the handshake on, instead of starting one. */
  sharedPage?: SharedPage;
  /** Registers what ends the session on SIGINT/SIGTERM. */
  onStop: (end: () => void) => void;
  /** Hears every session event before it is printed. */
  onEvent?: (event: CustomerEvent) => void;
  /** A downloaded agent's choice to remove its file when done: the page shows it and may change it. */
  removal?: RemovalChoice;
  /** When it returns true for a failure, the failure is not printed (the caller reports it). */
  quietFailure?: (error: TandemError) => boolean;
}

/**
 * A page the caller already serves (`tandem invite`): once the handshake
 * succeeded the session's consent view goes there instead of a page of its own.
 */
export interface SharedPage {
  /** Shows the session (its view, chat and file questions) and takes its actions; returns what stops the live updates. */
  show(session: PageSession): () => void;
  /** Resolves false when the browser could not be opened (the terminal answers instead). */
  opened: Promise<boolean>;
}

/** How the session finished. */
export interface CustomerRunResult {
  /** Process exit code: 0 ended, 1 failed. */
  code: number;
  failure?: TandemError;
  /** True once the handshake succeeded (keys confirmed). */
  joined: boolean;
}

/** Runs one customer session to its end. */
export async function runCustomerSession(opts: CustomerRunOptions, ctx: CommandContext): Promise<CustomerRunResult> {
  const out = ctx.out;
  const { session } = opts;
  const controller = new JoinController({
    session,
    relayUrl: opts.relayUrl,
    eventLog: opts.eventLog,
    policy: opts.policy,
    defaults: opts.defaults,
  });
  let terminal = false;
  // Who can ask the customer the file and system-information questions: the page once it shows the session, the terminal once it answers.
  const askers = new Set<'page' | 'terminal'>();
  const files = new FileDesk({ session, policy: opts.policy, eventLog: opts.eventLog, out, canAsk: () => askers.size > 0, ...(opts.filesDir !== undefined ? { filesDir: opts.filesDir } : {}) });
  const shown: PageSession = { controller, files };
  // Before the session starts: a bad password file or listener stops here, and the first mode event is seen.
  const screen = await setUpScreen({ args: opts.screen, session, controller, out, env: ctx.env });

  let joined = false;
  let server: ConsentServer | undefined;
  const startTerminal = (): void => {
    if (terminal) return;
    terminal = true;
    askers.add('terminal');
    new TerminalPrompts(controller, opts.input(), out, { eventLog: opts.defaults.eventLog }, files).start();
  };
  const removal = opts.removal;
  const startPage = async (): Promise<void> => {
    server = await ConsentServer.start({
      files: pageFiles(agentPageDir(), agentPageScriptsDir(), i18nextBrowserModule()),
      onLaunchReused: () => out.say(LAUNCH_REUSED_MESSAGE),
      onForeignUser: () => out.say(FOREIGN_USER_MESSAGE),
      snapshot: (): ServerEvent[] => [{ event: 'reset', data: {} }, ...(removal !== undefined ? [removalEvent(removal)] : []), ...sessionEvents(shown)],
      action: (name, body) => (removal !== undefined && removalAction(removal, name, body) ? {} : pageAction(shown, name, body)),
    });
    const page = server;
    askers.add('page');
    followSession(shown, (event) => page.broadcast(event));
    removal?.onChange(() => page.broadcast(removalEvent(removal)));
    out.line(`page: ${page.url}`);
    // openBrowser never rejects: a browser that cannot start is a result (ok false), answered on the terminal.
    openBrowser(page.url, ctx.env.BROWSER).then((result) => {
      if (result.ok || session.finished) return;
      out.say(`Could not open a browser (${result.reason}); answer on this terminal instead, or open ${page.url}`);
      startTerminal();
    }, (err: unknown) => {
      out.say(`Could not open a browser (${String(err)}); answer on this terminal instead, or open ${page.url}`);
      startTerminal();
    });
  };
  let pageStarting: Promise<void> | undefined;
  let hideShared: (() => void) | undefined;
  const showShared = (shared: SharedPage): void => {
    hideShared = shared.show(shown);
    askers.add('page');
    shared.opened.then((ok) => {
      if (!ok && !session.finished) startTerminal();
    }, () => {
      if (!session.finished) startTerminal();
    });
  };

  const finished = new Promise<CustomerRunResult>((resolve) => {
    session.onEvent((event) => {
      opts.onEvent?.(event);
      printEvent(out, event);
      if (event.type === 'joined') {
        joined = true;
        if (opts.browser && opts.sharedPage !== undefined) showShared(opts.sharedPage);
        else if (opts.browser && opts.pageOnJoined === true) pageStarting = startPage().catch((err: unknown) => {
          out.say(`Could not start the consent page (${String(err)}); answer on this terminal instead.`);
          startTerminal();
        });
      }
      if (event.type === 'failed') {
        const precise = opts.connectError();
        const error = event.error.code === 'TANDEM_ERR_RELAY_UNREACHABLE' && precise ? precise : event.error;
        if (opts.quietFailure?.(error) !== true) out.error(error);
        resolve({ code: 1, failure: error, joined });
      } else if (event.type === 'ended') {
        resolve({ code: 0, joined });
      }
    });
  });

  if (!opts.browser) startTerminal();
  else if (opts.pageOnJoined !== true && opts.sharedPage === undefined) await startPage();
  // Ends on purpose (customer-ended); `finished` then resolves.
  opts.onStop(() => controller.endNow());
  session.start();

  const result = await finished;
  // A transfer stopped by the end still has its partial file to remove.
  await session.files.settled();
  await screen.close();
  hideShared?.();
  if (pageStarting !== undefined) await pageStarting;
  const page = server;
  if (page !== undefined) {
    if (page.connectedPages > 0) await new Promise((resolve) => setTimeout(resolve, FINAL_STATE_GRACE_MS));
    await page.close();
  }
  await opts.eventLog.flush();
  return result;
}

/** The stdout line(s) for one customer event: the lines both sides share (node-client's session-lines), and the customer's own. */
function printEvent(out: LineOutput, event: CustomerEvent): void {
  if (isSharedSessionEvent(event)) {
    printSharedEvent(out, event);
    return;
  }
  switch (event.type) {
    case 'mode-request':
      out.event('mode-request', event.mode);
      return;
    case 'consent-needed':
    case 'failed':
    case 'rfb':
      // Consent is asked by the page or the terminal; failures go to stderr; screen bytes are the engine's.
      return;
  }
}
