/**
 * The relay's Prometheus metrics (prom-client), one registry per relay: no
 * metric carries a session code, a nameplate, a name, a token or an
 * address. Labels take values from closed lists only (end reasons, audit
 * event kinds, session kinds), so a client cannot grow the series either.
 * Most figures are read from the audit log as it is written (an
 * {@link AuditObserver}), so a session is counted exactly as it is audited.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { END_REASONS, type AuditEventKind } from '@tandem/protocol';
import type { AuditObserver } from '../audit.js';
import type { AuditSessionsTable } from '../storage.js';

/** The pairing outcomes counted by `tandem_pairing_outcomes_total`: paired, or the audit event that said why not. */
export const PAIRING_OUTCOMES = ['paired', 'code-unknown', 'code-expired', 'code-failed', 'code-rate-limited', 'invitation-unknown', 'invitation-failed'] as const;
/** One pairing outcome. */
export type PairingOutcome = (typeof PAIRING_OUTCOMES)[number];

/** The content type of the text exposition format, for the `/metrics` answer. */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

function isPairingOutcome(kind: string): kind is PairingOutcome {
  return (PAIRING_OUTCOMES as readonly string[]).includes(kind);
}

/** The relay's metrics and the hooks that feed them. */
export class RelayMetrics implements AuditObserver {
  readonly registry = new Registry();
  readonly #started: Counter;
  readonly #ended: Counter<'reason'>;
  readonly #outcomes: Counter<'outcome'>;
  readonly #forwarded: Counter;
  readonly #signinFailures: Counter;
  readonly #auditWrite: Histogram;

  /** `activeSessions` is read at each scrape (the live sessions of this node). */
  constructor(activeSessions: () => number) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'tandem_sessions_active',
      help: 'Paired sessions this relay node is forwarding now.',
      registers,
      collect(this: Gauge) {
        this.set(activeSessions());
      },
    });
    this.#started = new Counter({ name: 'tandem_sessions_started_total', help: 'Sessions the customer consented to (audited as started).', registers });
    this.#ended = new Counter({ name: 'tandem_sessions_ended_total', help: 'Paired sessions ended, by end reason.', labelNames: ['reason'], registers });
    this.#outcomes = new Counter({
      name: 'tandem_pairing_outcomes_total',
      help: 'Claims of a session code or joins of an invitation: paired, or the audited reason they were refused.',
      labelNames: ['outcome'],
      registers,
    });
    this.#forwarded = new Counter({ name: 'tandem_forwarded_bytes_total', help: 'Bytes of end-to-end records forwarded between the two sides of sessions.', registers });
    this.#signinFailures = new Counter({ name: 'tandem_signin_failures_total', help: 'Failed sign-ins, including those refused while a lock lasts.', registers });
    this.#auditWrite = new Histogram({
      name: 'tandem_audit_write_seconds',
      help: 'Time to commit one batch of audit writes.',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    // Every series exists from the start, at zero, so a rate() over a fresh relay is defined.
    for (const reason of END_REASONS) this.#ended.inc({ reason }, 0);
    for (const outcome of PAIRING_OUTCOMES) this.#outcomes.inc({ outcome }, 0);
  }

  /** Bytes forwarded by a session. */
  forwarded(bytes: number): void {
    this.#forwarded.inc(bytes);
  }

  /** The text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** {@link AuditObserver}: an event row was queued (a tally's repeats count one each). */
  event(kind: AuditEventKind): void {
    if (kind === 'signin-failed') this.#signinFailures.inc();
    else if (isPairingOutcome(kind)) this.#outcomes.inc({ outcome: kind });
  }

  /** {@link AuditObserver}: a session row was queued; one not already ended is a pairing. */
  sessionCreated(row: AuditSessionsTable): void {
    if (row.end_reason === null) this.#outcomes.inc({ outcome: 'paired' });
  }

  /** {@link AuditObserver}: a session row is updated. */
  sessionUpdated(patch: Partial<AuditSessionsTable>): void {
    if (typeof patch.started_at === 'number') this.#started.inc();
    if (patch.end_reason !== undefined && patch.end_reason !== null) this.#ended.inc({ reason: patch.end_reason });
  }

  /** {@link AuditObserver}: a batch of audit writes committed (or failed) after `seconds`. */
  committed(seconds: number): void {
    this.#auditWrite.observe(seconds);
  }
}
