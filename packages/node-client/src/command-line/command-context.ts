/**
 * What a command gets from the process: streams, environment and signals,
 * passed in so that commands hold no process-wide state of their own.
 */
import type { Readable } from 'node:stream';
import type { LineOutput } from './line-output.js';

/** The process as a command sees it. */
export interface CommandContext {
  stdin: Readable;
  out: LineOutput;
  env: NodeJS.ProcessEnv;
  /** Registers what to do on SIGINT/SIGTERM. */
  onSignal(handler: () => void): void;
}
