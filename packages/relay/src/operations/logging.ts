/**
 * The relay's structured log: JSON lines through Fastify's own logger
 * (pino), with a request id on every request's lines, to stderr or to
 * `--log-file` (stdout keeps the relay's documented lines `fingerprint:`,
 * `setup:`, `listening:`, which scripts read). No line carries a secret: the
 * request serializer logs the path without its query, and pino's redaction
 * masks every header and body field that holds one ({@link REDACTED_PATHS});
 * bodies are logged at `trace` only. A session code never reaches the relay
 * whole (it sees the nameplate), so it cannot be logged.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { pino, type DestinationStream } from 'pino';
import { TandemError } from '@tandem/protocol';

/** The levels `--log-level` takes, most severe first (`silent` logs nothing). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** One log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];
/** The level without `--log-level`. */
export const DEFAULT_LOG_LEVEL: LogLevel = 'info';

/** What replaces a redacted value. */
export const REDACTED = '[redacted]';

/**
 * Fields that can hold a secret wherever they are logged: request headers
 * (bearer tokens, cookies, a proxy's credentials) and the body fields of
 * the API that carry passwords, set-up tokens, second-factor and recovery
 * codes (docs/protocol.md).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.headers["sec-websocket-protocol"]',
  'res.headers["set-cookie"]',
  'body.password',
  'body.currentPassword',
  'body.newPassword',
  'body.token',
  'body.totp',
  'body.code',
  'body.recoveryCode',
  'body.secret',
  'body.ticket',
  'token',
  'password',
] as const;

/** Checks a `--log-level` value. */
export function parseLogLevel(text: string, name = '--log-level'): LogLevel {
  if (!(LOG_LEVELS as readonly string[]).includes(text)) throw new TandemError('TANDEM_ERR_BAD_INPUT', `${name}: must be one of ${LOG_LEVELS.join(', ')}`);
  return text as LogLevel;
}

/** Where the log goes, and what reopens it (SIGHUP, after logrotate moved the file). */
export interface LogDestination {
  stream: DestinationStream;
  reopen(): void;
}

/** Synchronous destination: stderr, or `file` appended to (created 0600). Synchronous, so nothing is lost at exit. */
export function logDestination(file: string | undefined): LogDestination {
  const boom = file === undefined ? pino.destination({ fd: 2, sync: true }) : pino.destination({ dest: file, sync: true, append: true, mode: 0o600 });
  return {
    stream: boom,
    reopen: () => {
      if (file !== undefined) boom.reopen();
    },
  };
}

interface LoggedRequest {
  method: string;
  url: string;
  headers: Record<string, unknown>;
  ip: string;
}

/** Fastify's logger options for a level and destination. */
export function loggerOptions(level: LogLevel, destination: LogDestination): Pick<FastifyServerOptions, 'logger' | 'genReqId'> {
  return {
    logger: {
      level,
      stream: destination.stream,
      base: { service: 'tandem-relay' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // "level":"info" rather than 30: read by people and by log shippers alike.
      formatters: { level: (name: string) => ({ level: name }) },
      redact: { paths: [...REDACTED_PATHS], censor: REDACTED },
      serializers: {
        req: (req: LoggedRequest) => ({
          method: req.method,
          // The query is dropped: a path of the API never carries a secret, a query might one day.
          path: req.url.split('?')[0],
          headers: req.headers,
          remoteAddress: req.ip,
        }),
      },
    },
    // A fresh id for each request, never the client's: one line of a request leads to all its others.
    // Logged as `reqId` (Fastify's label) on every line of the request.
    genReqId: () => randomUUID(),
  };
}

/** At `trace`, each request's parsed body is logged (redacted as above): for finding what a client really sent. */
export function installBodyTrace(app: FastifyInstance): void {
  app.addHook('preHandler', async (req) => {
    if (req.body !== undefined && req.log.level === 'trace') req.log.trace({ body: req.body }, 'request body');
  });
}
