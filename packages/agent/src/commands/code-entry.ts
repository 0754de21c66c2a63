/**
 * `tandem join` without CODE (a downloaded agent double-clicked, issue 9):
 * the agent asks for the code on its local page (code-entry-page.ts, the
 * `entry` screen) or, without a browser, on the terminal ("Code: ",
 * terminal/code-prompt.ts), tries it, and after a wrong, unknown or expired
 * code (or a relay that cannot be reached) asks again without a restart.
 * Once an attempt passed the handshake, that is the session, through the
 * same consent flow as `tandem join CODE` (customer-run.ts); when it ends
 * the agent ends. An explicit state machine:
 *
 *   waiting ──code──▶ trying ──joined──▶ session ──▶ finishing ──▶ done
 *      ▲                │
 *      └──failed before the handshake (the error shown, asked again)
 *
 * A signal while waiting stops the agent (exit 0, nothing was started);
 * while trying it stops the attempt and the agent; in a session it ends the
 * session as the page's End button does. Every way out goes through
 * {@link CodeEntry.#finish}.
 */
import { CustomerSession, StateMachine, TandemError, toTandemError, type Transitions } from '@tandem/protocol';
import { reportFailure, type AgentRoutes } from './agent-proxy.js';
import { DEFAULT_RELAY_TIMEOUT_SECONDS, createRelaySocketFactory, proxyAskingCredentials, nodeAeadProvider, type CommandContext, type LineInput, type RelaySocketFactory } from '@tandem/node-client';
import type { JoinArgs } from '../command-line/join-args.js';
import { openBrowser } from '../pages/browser-open.js';
import { CodeEntryPage, type CodeEntryView } from '../pages/code-entry-page.js';
import { FOREIGN_USER_MESSAGE, LAUNCH_REUSED_MESSAGE } from '../pages/consent-server.js';
import type { ConsentPolicy } from '../session/join-controller.js';
import type { EventLog } from '../system/event-log.js';
import type { RemovalChoice } from '../system/removal-choice.js';
import { CodePrompt } from '../terminal/code-prompt.js';
import { joinConsentDefaults, runCustomerSession, type CustomerRunResult, type SharedPage } from './customer-run.js';

/** States of an agent asking for its code. */
export type CodeEntryState = 'waiting' | 'trying' | 'session' | 'finishing' | 'done';

/** The moves of a {@link CodeEntryState}. */
export const CODE_ENTRY_TRANSITIONS: Transitions<CodeEntryState> = {
  waiting: ['trying', 'finishing'],
  trying: ['waiting', 'session', 'finishing'],
  session: ['finishing'],
  finishing: ['done'],
  done: [],
};

/** How long the page gets to show the final state before the agent exits, ms. */
const FINAL_STATE_GRACE_MS = 1500;

/** Everything the code entry needs, made by `runJoin`. */
export interface CodeEntryOptions {
  /** `join`'s arguments, without a code. */
  args: JoinArgs;
  ctx: CommandContext;
  policy: ConsentPolicy;
  /** The way to the relay (proxies) and its trace (agent-proxy.ts); without, directly. */
  routes?: AgentRoutes;
  eventLog: EventLog;
  /** The terminal input, made on first use (the code, then the consent answers). */
  input: () => LineInput;
  /** A downloaded agent's choice to remove its file when done (shown on the page). */
  removal?: RemovalChoice;
  /** Hears every move: for diagnostics, and for the tests that check every transition is taken. */
  onTransition?: (from: CodeEntryState, to: CodeEntryState) => void;
  /** The relay connections of each attempt (node-client's, pinned as `args` says, by default; tests pass a relay in memory). */
  sockets?: () => RelaySocketFactory;
}

/** An agent asking for its session code, and the attempts it makes. */
export class CodeEntry {
  readonly #o: CodeEntryOptions;
  readonly #machine: StateMachine<CodeEntryState>;
  readonly #exit: Promise<number>;
  #resolveExit: (code: number) => void = () => undefined;
  #page: { page: CodeEntryPage; shared: SharedPage } | undefined;
  #prompt: CodePrompt | undefined;
  /** The attempt's session while trying or in the session. */
  #current: CustomerSession | undefined;
  /** Resolves once the running attempt (or the session it became) has been torn down. */
  #attempt: Promise<void> = Promise.resolve();
  /** Ends the running session on purpose (a signal once joined). */
  #endCurrent: (() => void) | undefined;
  /** The proxy that last asked for Basic credentials, for the page to ask the customer. */
  #askedProxy: { host: string; port: number } | undefined;

  constructor(options: CodeEntryOptions) {
    this.#o = options;
    this.#machine = new StateMachine({ name: 'code entry', initial: 'waiting', transitions: CODE_ENTRY_TRANSITIONS, onTransition: options.onTransition });
    this.#exit = new Promise((resolve) => {
      this.#resolveExit = resolve;
    });
  }

  /** The current state. */
  get state(): CodeEntryState {
    return this.#machine.state;
  }

  /** Asks for the code (page or terminal) until a session ran or the agent is stopped; resolves with the exit code. */
  async run(): Promise<number> {
    const { args, ctx } = this.#o;
    ctx.onSignal(() => this.#onSignal());
    if (args.browser) await this.#startPage();
    if (this.#page === undefined) this.#startTerminal();
    return this.#exit;
  }

  /** The entry screen's view now. */
  #view(busy: boolean, error?: TandemError, report?: string): CodeEntryView {
    const { args } = this.#o;
    const asked = this.#askedProxy;
    return {
      ...(args.helpDesk !== undefined ? { helpDesk: args.helpDesk } : {}),
      relay: args.relayUrl,
      busy,
      ...(error !== undefined ? { error: { code: error.code, message: error.message } } : {}),
      ...(report !== undefined ? { report } : {}),
      ...(asked !== undefined && !busy ? { proxyAuth: { proxy: `${asked.host.includes(':') ? `[${asked.host}]` : asked.host}:${asked.port}` } } : {}),
    };
  }

  /** Credentials typed on the page for the proxy that asked: into the resolver's memory, for the next attempt. */
  #proxyCredentials(username: string, password: string): void {
    const asked = this.#askedProxy;
    const routes = this.#o.routes;
    if (asked === undefined || routes === undefined) throw new TandemError('TANDEM_ERR_PROTOCOL', 'not possible now: no proxy asked for a user name and password');
    routes.routes.setCredentials(asked, username, password);
  }

  /** Serves the page and opens it; the terminal asks when it cannot be served or opened. */
  async #startPage(): Promise<void> {
    const out = this.#o.ctx.out;
    let page: CodeEntryPage;
    try {
      page = await CodeEntryPage.start({
        view: this.#view(false),
        onCode: (code) => this.#submit(code),
        onProxyCredentials: (username, password) => this.#proxyCredentials(username, password),
        ...(this.#o.removal !== undefined ? { removal: this.#o.removal } : {}),
        onLaunchReused: () => out.say(LAUNCH_REUSED_MESSAGE),
        onForeignUser: () => out.say(FOREIGN_USER_MESSAGE),
      });
    } catch (err) {
      out.say(`Could not start the local page (${toTandemError(err).message}); type the code on this terminal instead.`);
      return;
    }
    out.line(`page: ${page.url}`);
    const opened = openBrowser(page.url, this.#o.ctx.env.BROWSER).then((result) => {
      if (!result.ok) {
        out.say(`Could not open a browser (${result.reason}); type the code on this terminal instead, or open ${page.url}`);
        if (this.#machine.is('waiting', 'trying')) this.#startTerminal();
      }
      return result.ok;
    });
    this.#page = { page, shared: { show: (shown) => page.show(shown), opened } };
  }

  /** Starts the "Code: " prompt (once); it asks now if no attempt is running. */
  #startTerminal(): void {
    if (this.#prompt !== undefined) return;
    this.#prompt = new CodePrompt(this.#o.input(), this.#o.ctx.out, {
      onCode: (code) => {
        try {
          this.#submit(code);
        } catch (err) {
          this.#o.ctx.out.error(toTandemError(err));
        }
      },
      onEnd: () => this.#inputEnded(),
    });
    this.#o.ctx.out.say(`Type the session code the technician gives you, then Enter (the relay: ${this.#o.args.relayUrl}).`);
    if (this.#machine.is('waiting')) this.#prompt.ask();
  }

  /** End of input at the prompt: with the page still there it waits for the page; otherwise nothing can be typed any more. */
  #inputEnded(): void {
    if (this.#page !== undefined || !this.#machine.is('waiting')) return;
    this.#o.ctx.out.error(new TandemError('TANDEM_ERR_BAD_INPUT', 'join: no session code was typed (end of input)'));
    this.#finish(1);
  }

  /** A well-formed code from the page or the terminal: starts an attempt (only while waiting). */
  #submit(code: string): void {
    this.#machine.expect(['waiting'], 'trying a code');
    this.#machine.to('trying');
    this.#page?.page.setEntry(this.#view(true));
    this.#attempt = this.#try(code).catch((err: unknown) => {
      // Only a bug of ours gets here (runCustomerSession reports the session's own failures): stop, with the cause.
      this.#o.ctx.out.error(toTandemError(err));
      this.#finish(1);
    });
  }

  async #try(code: string): Promise<void> {
    const { args, ctx } = this.#o;
    const sockets = this.#o.sockets?.() ?? createRelaySocketFactory({ relayUrl: args.relayUrl, fingerprint: args.fingerprint, routes: this.#o.routes?.routes, trace: this.#o.routes?.trace });
    const session = new CustomerSession({ relayUrl: args.relayUrl, code, aead: nodeAeadProvider(), connect: sockets.connect });
    this.#current = session;
    const page = this.#page;
    const result: CustomerRunResult = await runCustomerSession(
      {
        session,
        relayUrl: args.relayUrl,
        connectError: () => sockets.connectError(),
        screen: args,
        ...(args.filesDir !== undefined ? { filesDir: args.filesDir } : {}),
        defaults: joinConsentDefaults(args),
        browser: page !== undefined,
        ...(page !== undefined ? { sharedPage: page.shared } : {}),
        policy: this.#o.policy,
        eventLog: this.#o.eventLog,
        input: this.#o.input,
        onStop: (end) => {
          this.#endCurrent = end;
        },
        onEvent: (event) => {
          if (event.type === 'joined' && this.#machine.is('trying')) this.#machine.to('session');
        },
        ...(this.#o.removal !== undefined ? { removal: this.#o.removal } : {}),
      },
      ctx,
    );
    this.#current = undefined;
    this.#endCurrent = undefined;
    if (this.#machine.is('session')) {
      this.#finish(result.code);
      return;
    }
    if (!this.#machine.is('trying')) return;
    // Before the handshake: a wrong, unknown or expired code, or an unreachable relay. Asked again.
    const failure = result.failure ?? new TandemError('TANDEM_ERR_INTERNAL', 'the attempt ended before its handshake without a failure');
    this.#machine.to('waiting');
    // The relay could not be reached (no answer, the proxy, TLS): the report for support, on the page to save or copy.
    const unreachable = sockets.connectError();
    this.#askedProxy = proxyAskingCredentials(unreachable);
    const routes = this.#o.routes;
    const report =
      unreachable !== undefined && routes !== undefined
        ? reportFailure(ctx, { what: 'tandem join (code typed)', failures: [{ relay: args.relayUrl, error: unreachable }], timeoutMs: DEFAULT_RELAY_TIMEOUT_SECONDS * 1000, routes, now: Date.now() })
        : undefined;
    this.#page?.page.setEntry(this.#view(false, failure, report?.text));
    if (this.#prompt !== undefined) this.#prompt.ask();
    else ctx.out.say('Type the code again on the page.');
  }

  /** Ctrl+C, SIGTERM, the window closed: ends the session on purpose, or stops waiting or trying. */
  #onSignal(): void {
    if (this.#machine.is('session') && this.#endCurrent !== undefined) {
      this.#endCurrent();
      return;
    }
    if (!this.#machine.is('waiting', 'trying')) return;
    const trying = this.#machine.is('trying');
    this.#o.ctx.out.say('Stopped: no session was started.');
    this.#finish(0);
    if (trying) this.#current?.fail(new TandemError('TANDEM_ERR_REFUSED', 'The customer stopped the agent before the session started.'));
  }

  /** The one teardown: waits for the attempt, gives the page time to show the last state, closes it, exits. */
  #finish(code: number): void {
    if (this.#machine.is('finishing', 'done')) return;
    this.#machine.to('finishing');
    const page = this.#page?.page;
    this.#attempt
      .then(async () => {
        if (page !== undefined) {
          if (page.connectedPages > 0) await new Promise((resolve) => setTimeout(resolve, FINAL_STATE_GRACE_MS));
          await page.close();
        }
        await this.#o.eventLog.flush();
      })
      .catch((err: unknown) => this.#o.ctx.out.say(`Could not close the local page cleanly (${toTandemError(err).message}).`))
      .finally(() => {
        this.#machine.to('done');
        this.#resolveExit(code);
      });
  }
}
