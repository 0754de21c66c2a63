/**
 * The operator's endpoints: `/healthz` (the process answers), `/readyz`
 * (it can take on new sessions: every {@link ReadinessCheck} passes and it
 * is not draining) and `/metrics` (Prometheus). A load balancer polls the
 * first two, so they are open to all and say nothing but a few words;
 * `/metrics` answers only whom {@link metricsAllowed} lets in
 * (docs/operations.md, "Metrics").
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { TandemError } from '@tandem/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { METRICS_CONTENT_TYPE, type RelayMetrics } from './metrics.js';
import { runCheck, type ReadinessCheck } from './readiness.js';

/** What the health routes need. */
export interface HealthDeps {
  metrics: RelayMetrics;
  checks: readonly ReadinessCheck[];
  /** True while the relay drains or closes: not ready for new sessions. */
  draining: () => boolean;
  /** A bearer token that lets any address read `/metrics` (from `--metrics-token-file`). */
  metricsToken?: string | undefined;
}

/** The answer of `/readyz`. */
export interface Readiness {
  ready: boolean;
  draining: boolean;
  checks: Record<string, 'ok' | 'failed'>;
}

const HEALTH_SCHEMA = {
  summary: 'The process is alive',
  tags: ['operations'],
  response: { 200: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } }, required: ['status'] } },
} as const;

const READINESS_BODY = {
  type: 'object',
  properties: {
    ready: { type: 'boolean' },
    draining: { type: 'boolean' },
    checks: { type: 'object', additionalProperties: { type: 'string', enum: ['ok', 'failed'] } },
  },
  required: ['ready', 'draining', 'checks'],
} as const;

const READY_SCHEMA = {
  summary: 'Ready for new sessions: database (and Redis, with several nodes) reachable, not draining',
  tags: ['operations'],
  response: { 200: READINESS_BODY, 503: READINESS_BODY },
} as const;

const METRICS_SCHEMA = {
  summary: 'Prometheus metrics (text exposition format); loopback only, or with the metrics bearer token',
  tags: ['operations'],
  produces: ['text/plain'],
  response: { 200: { type: 'string', description: 'Prometheus text format 0.0.4' } },
} as const;

function isLoopback(address: string | undefined): boolean {
  if (address === undefined || isIP(address) === 0) return false;
  const v4 = address.replace(/^::ffff:/i, '');
  return address === '::1' || (isIP(v4) === 4 && v4.startsWith('127.'));
}

function sameSecret(a: string, b: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Who may read `/metrics`: a request with the metrics token as its bearer
 * token, from anywhere; without one, a request whose connection comes from
 * the loopback address and that carries no `X-Forwarded-For` or `Forwarded`
 * header: a reverse proxy on the same machine adds one, so its clients are
 * not taken for local ones. The metrics hold no code, name or address, but
 * their figures (sessions, sign-in failures) are still the operator's.
 */
export function metricsAllowed(req: FastifyRequest, token: string | undefined): boolean {
  const header = req.headers.authorization;
  if (token !== undefined && header !== undefined) {
    const match = /^Bearer (\S{1,512})$/.exec(header);
    return match?.[1] !== undefined && sameSecret(match[1], token);
  }
  const forwarded = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
  return !forwarded && isLoopback(req.raw.socket.remoteAddress);
}

/** Registers `/healthz`, `/readyz` and `/metrics`. */
export function registerHealthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  app.get('/healthz', { schema: HEALTH_SCHEMA }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', { schema: READY_SCHEMA }, async (req, reply) => {
    const draining = deps.draining();
    const results = await Promise.all(deps.checks.map(async (c) => [c, await runCheck(c)] as const));
    const checks: Record<string, 'ok' | 'failed'> = {};
    for (const [check, result] of results) {
      checks[check.name] = result.ok ? 'ok' : 'failed';
      if (!result.ok) req.log.warn({ check: check.name, reason: result.reason }, 'readiness check failed');
    }
    const ready = !draining && results.every(([, r]) => r.ok);
    const body: Readiness = { ready, draining, checks };
    return reply.status(ready ? 200 : 503).send(body);
  });

  app.get('/metrics', { schema: METRICS_SCHEMA }, async (req, reply) => {
    if (!metricsAllowed(req, deps.metricsToken)) {
      throw new TandemError('TANDEM_ERR_FORBIDDEN', 'The metrics are served to the loopback address, or with the metrics token (docs/operations.md).');
    }
    return reply.header('content-type', METRICS_CONTENT_TYPE).send(await deps.metrics.render());
  });
}
