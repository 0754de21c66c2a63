/**
 * What the downloaded agent's start (bootstrap.ts, the executable's main
 * script) hands to the agent's code once its own file is checked and its
 * parts are in the private folder, and what it gets back. The agent's code
 * is a second bundle (`agent/dist/bundle/agent.cjs` in that folder, built
 * from agent-executable.ts) loaded from there, so that it finds sharp, the
 * page's files and i18next where the repository keeps them.
 */
import type { AgentStamp } from '@tandem/protocol';
import type { ProcessIo } from '@tandem/node-client';
import type { RemovalChoice } from '../system/removal-choice.js';

/** Where the agent's bundle is inside the private folder (the page's files are found relative to it). */
export const AGENT_BUNDLE_PATH = 'agent/dist/bundle/agent.cjs';

/** One run of the downloaded agent. */
export interface DownloadedAgentRun {
  /** The arguments after the program (none: a double-click). */
  argv: readonly string[];
  /** The program's name in help and messages (its file's name). */
  program: string;
  /** The relay's stamp, when a relay stamped the file. */
  stamp?: AgentStamp;
  /** Whether the file is removed when the agent ends (on by default; `join` arms it). */
  removal: RemovalChoice;
  /** The process: streams, environment, signals (SIGHUP too: the window closed). */
  io: ProcessIo;
}

/** What the agent's bundle exports. */
export interface DownloadedAgentModule {
  /** Runs the command line; resolves with the exit code. */
  runDownloadedAgent(run: DownloadedAgentRun): Promise<number>;
}
