/**
 * The customer's opt-in local event log (BRIEF, "Audit"; docs/event-log.md):
 * the start with its mode, every change of mode, the end and how, and what
 * happens to invitations, to the system log: on Linux through
 * `logger -t tandem` (util-linux), on Windows the Application log
 * (system/windows-event-sink.ts, ReportEventW). Never any chat text or
 * other content: callers pass only the fixed messages of event-messages.ts.
 */
import { spawn } from 'node:child_process';
import type { EndReason, Mode, TandemErrorCode, TechnicianIdentity } from '@tandem/protocol';
import {
  endedEvent,
  fileNotTransferredEvent,
  fileReceivedEvent,
  fileReceivingEvent,
  fileSentEvent,
  systemInfoRefusedEvent,
  systemInfoSentEvent,
  invitationExpiredEvent,
  modeChangedEvent,
  startedEvent,
  wrongInvitationPasswordEvent,
  type EventLevel,
  type InvitationExpiry,
  type LogEvent,
} from './event-messages.js';
import { windowsEventSink } from './windows/windows-event-sink.js';

/** Writes one event to the system log; rejects when it cannot (the log then stops, once told). */
export type EventSink = (event: LogEvent) => Promise<void>;

/** The syslog priority of each level (RFC 5424 §6.2.1: facility user). */
const PRIORITY: Record<EventLevel, string> = { information: 'user.info', warning: 'user.warning', error: 'user.err' };

/** The sink of `logger` (or another program taking its arguments): `logger -t tandem -p user.info -- TEXT`. */
export function loggerSink(command = 'logger'): EventSink {
  return (event) =>
    new Promise<void>((resolve, reject) => {
      // `--` ends logger's options, so a message can never be read as one.
      const child = spawn(command, ['-t', 'tandem', '-p', PRIORITY[event.level], '--', event.text], { stdio: 'ignore' });
      child.once('error', (err) => reject(new Error(`cannot run ${command} (${err.message})`)));
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`))));
    });
}

/** Options of {@link EventLog}. */
export interface EventLogOptions {
  /** Where events go: by default the Application log on Windows, {@link loggerSink} elsewhere. */
  sink?: EventSink;
  /** Told once when the sink fails. */
  warn: (message: string) => void;
}

/** Writes session events to the system log once enabled. */
export class EventLog {
  readonly #sink: EventSink;
  readonly #warn: (message: string) => void;
  #enabled = false;
  #broken = false;
  /** The last write: each waits for the one before it, so the log keeps their order. */
  #tail: Promise<void> = Promise.resolve();

  constructor(options: EventLogOptions) {
    this.#sink = options.sink ?? (process.platform === 'win32' ? windowsEventSink() : loggerSink());
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

  /** The session started in `mode` with `technician`, through the relay at `relayUrl`. */
  started(sessionId: string, technician: TechnicianIdentity, mode: Mode, relayUrl: string): void {
    this.#write(startedEvent(sessionId, technician, mode, relayUrl));
  }

  /** The mode changed. */
  modeChanged(sessionId: string, mode: Mode): void {
    this.#write(modeChangedEvent(sessionId, mode));
  }

  /** A technician gave a wrong password for an invitation (never the password itself). */
  wrongInvitationPassword(invitationId: string, technician: TechnicianIdentity, count: number, max: number): void {
    this.#write(wrongInvitationPasswordEvent(invitationId, technician, count, max));
  }

  /** An invitation stopped being usable: expired by the customer, too many wrong passwords, lapsed. */
  invitationExpired(invitationId: string, why: InvitationExpiry): void {
    this.#write(invitationExpiredEvent(invitationId, why));
  }

  /** The session ended (`technician` undefined when it ended before one was known). */
  disconnected(sessionId: string, technician: TechnicianIdentity | undefined, how: EndReason | TandemErrorCode): void {
    this.#write(endedEvent(sessionId, technician, how));
  }

  /** A file the customer accepted started to arrive from `technician` (their user name) into `folder`. */
  fileReceiving(sessionId: string, name: string, technician: string, folder: string): void {
    this.#write(fileReceivingEvent(sessionId, name, technician, folder));
  }

  /** A file arrived whole (its hash matched) and is at `path`. */
  fileReceived(sessionId: string, path: string, bytes: number, sha256: string): void {
    this.#write(fileReceivedEvent(sessionId, path, bytes, sha256));
  }

  /** The file at `path` went to `technician` whole. */
  fileSent(sessionId: string, path: string, technician: string, bytes: number, sha256: string): void {
    this.#write(fileSentEvent(sessionId, path, technician, bytes, sha256));
  }

  /** A file was refused, cancelled or failed, `why` in words. */
  fileNotTransferred(sessionId: string, name: string, why: string): void {
    this.#write(fileNotTransferredEvent(sessionId, name, why));
  }

  /** The customer sent the system information `technician` asked for. */
  systemInfoSent(sessionId: string, technician: TechnicianIdentity): void {
    this.#write(systemInfoSentEvent(sessionId, technician));
  }

  /** A system-information request was refused, `why` in words. */
  systemInfoRefused(sessionId: string, technician: TechnicianIdentity, why: string): void {
    this.#write(systemInfoRefusedEvent(sessionId, technician, why));
  }

  /** Waits for the writes under way. */
  async flush(): Promise<void> {
    await this.#tail;
  }

  #write(event: LogEvent): void {
    if (!this.#enabled || this.#broken) return;
    // The chain only ever resolves: a sink that fails is reported here, once, and the log stops.
    this.#tail = this.#tail.then(async () => {
      if (this.#broken) return;
      try {
        await this.#sink(event);
      } catch (err) {
        this.#broken = true;
        this.#warn(`event log: ${err instanceof Error ? err.message : String(err)}; events are not logged`);
      }
    });
  }
}
