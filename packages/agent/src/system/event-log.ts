/**
 * The customer's opt-in local event log (BRIEF, "Audit"): connect and
 * disconnect, the mode at start and every change, to the system log through
 * `logger -t tandem` (util-linux). Never any chat text or other content:
 * callers pass only the fixed messages built here.
 */
import { spawn } from 'node:child_process';
import type { EndReason, Mode, TandemErrorCode, TechnicianIdentity } from '@tandem/protocol';

/** Options of {@link EventLog}. */
export interface EventLogOptions {
  /** The logger program, `logger` by default (tests pass another). */
  command?: string;
  /** Told once when the logger cannot run. */
  warn: (message: string) => void;
}

/** Writes session events to the system log once enabled. */
export class EventLog {
  readonly #command: string;
  readonly #warn: (message: string) => void;
  #enabled = false;
  #broken = false;
  #pending = new Set<Promise<void>>();

  constructor(options: EventLogOptions) {
    this.#command = options.command ?? 'logger';
    this.#warn = options.warn;
  }

  /** Turns logging on (the consent checkbox or `--event-log`). */
  enable(): void {
    this.#enabled = true;
  }

  /** True once enabled. */
  get enabled(): boolean {
    return this.#enabled;
  }

  /** Connected to a technician. */
  connected(sessionId: string, technician: TechnicianIdentity, relayUrl: string): void {
    this.#write(`connected: session ${sessionId} with technician ${technician.username} (${technician.displayName}, ${technician.team}) via ${relayUrl}`);
  }

  /** The session started in `mode`. */
  started(sessionId: string, mode: Mode): void {
    this.#write(`session ${sessionId} started in mode ${mode}`);
  }

  /** The mode changed. */
  modeChanged(sessionId: string, mode: Mode): void {
    this.#write(`session ${sessionId} mode changed to ${mode}`);
  }

  /** A technician gave a wrong password for an invitation (never the password itself). */
  wrongInvitationPassword(invitationId: string, technician: TechnicianIdentity, count: number, max: number): void {
    this.#write(`invitation ${invitationId}: wrong password from technician ${technician.username} (${count} of ${max})`);
  }

  /** An invitation stopped being usable: expired by the customer, too many wrong passwords, lapsed. */
  invitationExpired(invitationId: string, why: string): void {
    this.#write(`invitation ${invitationId} expired (${why})`);
  }

  /** The session ended. */
  disconnected(sessionId: string, how: EndReason | TandemErrorCode): void {
    this.#write(`disconnected: session ${sessionId} ended (${how})`);
  }

  /** Waits for the writes under way. */
  async flush(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  #write(message: string): void {
    if (!this.#enabled || this.#broken) return;
    const done = new Promise<void>((resolve) => {
      // `--` ends logger's options, so a message can never be read as one.
      const child = spawn(this.#command, ['-t', 'tandem', '--', message], { stdio: 'ignore' });
      child.once('error', (err) => {
        this.#broken = true;
        this.#warn(`event log: cannot run ${this.#command} (${err.message}); events are not logged`);
        resolve();
      });
      child.once('exit', (code) => {
        if (code !== 0 && !this.#broken) {
          this.#broken = true;
          this.#warn(`event log: ${this.#command} exited with ${code}; events are not logged`);
        }
        resolve();
      });
    });
    this.#pending.add(done);
    // `done` only ever resolves (a logger that fails is reported above, once).
    done.then(() => this.#pending.delete(done), () => this.#pending.delete(done));
  }
}
