/**
 * The page's actions: `POST api/NAME` with a JSON body to the agent (same
 * origin: the browser adds the page's cookie and its Origin, which the agent
 * requires; consent-server.ts). Each action's body is typed here, as
 * page-actions.ts and invitation-page.ts read it.
 */
import { decodeAgentError, type AgentError, type FileQuestion, type Mode } from './wire.js';

/** The consent form's answer. */
export interface AcceptBody {
  name: string;
  customerNumber: string;
  caseNumber: string;
  mode: Mode;
  eventLog: boolean;
}

/** Every action and its body. */
export interface ActionBodies {
  accept: AcceptBody;
  refuse: Record<string, never>;
  /** `mode` is the step-up the page showed, so that the answer is about that request and no other. */
  decide: { accepted: boolean; mode: Mode };
  'step-down': { mode: Mode };
  chat: { text: string };
  end: Record<string, never>;
  'expire-invitation': { id: string };
  /** A downloaded agent's choice to remove its file when done (the agent's removal-page.ts). */
  'remove-when-done': { on: boolean };
  /** The code typed into the code-entry screen (contract 3), as typed: digits, spaces or a dash. */
  code: { code: string };
  /** Basic credentials for the proxy that asked (the agent keeps them in memory only). */
  'proxy-credentials': { username: string; password: string };
  /** The answer to the file or system-information question the page showed, named by its id and kind. */
  'file-answer': { id: number; kind: FileQuestion['kind']; yes: boolean };
  /** Cancel of one transfer under way. */
  'file-cancel': { id: number };
}

/** Why an action failed. */
export type ActionProblem =
  /** The agent refused it with a Tandem error. */
  | { kind: 'agent'; error: AgentError }
  /** The agent refused it without one (an HTTP status only). */
  | { kind: 'status'; status: number }
  /** The agent did not answer at all. */
  | { kind: 'unreachable'; message: string };

/** Sends the page's actions; reports each outcome (a problem, or none) to `onOutcome`. */
export class ActionsClient {
  readonly #onOutcome: (problem: ActionProblem | undefined) => void;

  constructor(onOutcome: (problem: ActionProblem | undefined) => void) {
    this.#onOutcome = onOutcome;
  }

  /** Posts `action` from a click or a key, which cannot wait: its outcome is reported like any other. */
  send<A extends keyof ActionBodies>(action: A, body: ActionBodies[A]): void {
    this.post(action, body).catch((err: unknown) => this.#onOutcome({ kind: 'unreachable', message: String(err) }));
  }

  /** Posts `action` with `body`; resolves true when the agent took it. */
  async post<A extends keyof ActionBodies>(action: A, body: ActionBodies[A]): Promise<boolean> {
    this.#onOutcome(undefined);
    const problem = await this.attempt(action, body);
    if (problem !== undefined) this.#onOutcome(problem);
    return problem === undefined;
  }

  /**
   * Posts `action` with `body` and resolves with its problem, or undefined
   * when the agent took it, without reporting it: for a part of the page
   * that shows its own errors beside its own box (the code entry).
   */
  async attempt<A extends keyof ActionBodies>(action: A, body: ActionBodies[A]): Promise<ActionProblem | undefined> {
    let res: Response;
    try {
      res = await fetch(`api/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    } catch (err) {
      return { kind: 'unreachable', message: String(err) };
    }
    return res.ok ? undefined : problemOf(res);
  }
}

/** The problem a refusing answer carries: its Tandem error when it has one. */
async function problemOf(res: Response): Promise<ActionProblem> {
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('application/json')) return { kind: 'status', status: res.status };
  try {
    const answer: unknown = await res.json();
    return { kind: 'agent', error: decodeAgentError(answer) };
  } catch {
    // Not the agent's error shape (or cut off): what is known is the status.
    return { kind: 'status', status: res.status };
  }
}
