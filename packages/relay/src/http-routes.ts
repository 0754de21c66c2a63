import {
  ACCOUNT_ROLES,
  LIMITS,
  PROTOCOL_LABEL,
  TandemError,
  assertObject,
  assertOneOf,
  assertPlainName,
  assertString,
  optional,
  toTandemError,
  type AccountRole,
  type HelpDeskInfo,
  type RelayInfo,
} from '@tandem/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Accounts, PublicUser } from './accounts.js';
import type { AuditLog } from './audit.js';
import { consoleSetupLinkUrl } from './config.js';

/** What the API routes need. */
export interface ApiDeps {
  accounts: Accounts;
  audit: AuditLog;
  /** The relay's version string. */
  version: string;
  tls: boolean;
  fingerprint?: string | undefined;
  /** The help desk the support page shows, when the relay has one. */
  helpDesk?: HelpDeskInfo;
  publicUrl: () => string;
  /** The client's address for a request (socket, or X-Forwarded-For with --trust-proxy). */
  addressOf: (req: FastifyRequest) => string;
}

/** Longest set-up token accepted (they are 43 characters). */
const SETUP_TOKEN_MAX_CHARS = 128;

/** The bearer token of a request (`Authorization: Bearer TOKEN`), if it has a well-formed one. */
export function bearer(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  const match = header === undefined ? null : /^Bearer ([A-Za-z0-9_-]{1,256})$/.exec(header);
  return match?.[1];
}

function optionalName(value: unknown, name: string): string | undefined {
  return optional(value, (v): asserts v is string => assertPlainName(v, name, LIMITS.maxNameChars));
}

function parseLimit(query: unknown): number {
  const raw = (query as Record<string, unknown> | undefined)?.limit;
  if (raw === undefined) return 500;
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^\d{1,6}$/.test(raw) || n < 1 || n > 100_000) {
    throw new TandemError('TANDEM_ERR_BAD_INPUT', 'limit: must be an integer between 1 and 100000');
  }
  return n;
}

/** Answers every error as `{code, message}` with the error's HTTP status. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    let error: TandemError;
    if (err instanceof TandemError) error = err;
    else if (err.statusCode === 413) error = new TandemError('TANDEM_ERR_MESSAGE_TOO_LARGE', 'The request body is too large.');
    else if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) error = new TandemError('TANDEM_ERR_BAD_INPUT', err.message);
    else {
      // Details stay in the relay's log; the client learns only that it failed.
      console.error('internal error:', toTandemError(err));
      error = new TandemError('TANDEM_ERR_INTERNAL', 'Internal error.');
    }
    void reply.status(error.httpStatus).send(error.toJSON());
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send(new TandemError('TANDEM_ERR_NOT_FOUND', `No such resource: ${req.method} ${req.url.slice(0, 200)}`).toJSON());
  });
}

/** Registers the JSON API of docs/protocol.md under /api. */
export function registerApiRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { accounts, audit } = deps;

  const signedIn = async (req: FastifyRequest): Promise<PublicUser> => accounts.authenticate(bearer(req));
  const admin = async (req: FastifyRequest): Promise<PublicUser> => {
    const user = await signedIn(req);
    if (user.role !== 'admin') throw new TandemError('TANDEM_ERR_FORBIDDEN', 'Only administrators may do this.');
    return user;
  };
  const csv = (reply: FastifyReply, name: string, body: string): FastifyReply =>
    reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(body);

  app.addHook('onSend', async (req, reply) => {
    if (req.url.startsWith('/api/')) void reply.header('cache-control', 'no-store');
  });

  app.get('/api/info', async (): Promise<RelayInfo> => ({
    version: deps.version,
    protocol: PROTOCOL_LABEL,
    tls: deps.tls,
    ...(deps.fingerprint ? { fingerprint: deps.fingerprint } : {}),
    ...(deps.helpDesk ? { helpDesk: deps.helpDesk } : {}),
  }));

  app.post('/api/auth/login', async (req) => {
    assertObject(req.body, 'body');
    return accounts.login(req.body.username, req.body.password, deps.addressOf(req), req.body.totp, req.body.passkey);
  });

  app.post('/api/auth/logout', async (req) => {
    const token = bearer(req);
    await accounts.authenticateForEnrolment(token);
    // authenticateForEnrolment refuses a missing token, so there is one to revoke.
    if (token !== undefined) await accounts.logout(token);
    return {};
  });

  // A sign-in that may only enrol a second factor learns so here (enrolmentRequired), as the console checks every few seconds.
  app.get('/api/me', async (req) => accounts.authenticateForEnrolment(bearer(req)));

  // A set-up token is a password-equivalent: it travels in request bodies only, never in a
  // path or query, which reverse proxies write to their access logs. The link the admin hands
  // out keeps it in the URL fragment (ORIGIN/#/setup/TOKEN), which browsers never send.
  app.post('/api/setup/describe', async (req) => {
    assertObject(req.body, 'body');
    assertString(req.body.token, 'token', SETUP_TOKEN_MAX_CHARS, 1);
    return accounts.describeSetupLink(req.body.token);
  });

  app.post('/api/setup/complete', async (req) => {
    assertObject(req.body, 'body');
    assertString(req.body.token, 'token', SETUP_TOKEN_MAX_CHARS, 1);
    const displayName = optionalName(req.body.displayName, 'displayName');
    await accounts.completeSetup(req.body.token, req.body.password, displayName);
    return {};
  });

  app.get('/api/users', async (req) => {
    await admin(req);
    return { users: await accounts.listUsers() };
  });

  app.post('/api/users', async (req) => {
    const actor = await admin(req);
    assertObject(req.body, 'body');
    const { username, role } = req.body;
    assertString(username, 'username', LIMITS.maxUserNameChars, 1);
    assertOneOf<AccountRole>(role, 'role', ACCOUNT_ROLES);
    const displayName = optionalName(req.body.displayName, 'displayName');
    const team = optionalName(req.body.team, 'team');
    await accounts.addUser({ username, role, displayName, team }, actor.username);
    const token = await accounts.createSetupLink(username);
    return { setupLink: consoleSetupLinkUrl(deps.publicUrl(), token) };
  });

  app.get('/api/audit/sessions', async (req) => {
    await admin(req);
    return { sessions: await audit.listSessions(parseLimit(req.query)) };
  });

  app.get('/api/audit/sessions.csv', async (req, reply) => {
    await admin(req);
    return csv(reply, 'tandem-sessions.csv', await audit.sessionsCsv());
  });

  app.get('/api/audit/events', async (req) => {
    await admin(req);
    return { events: await audit.listEvents(parseLimit(req.query)) };
  });

  app.get('/api/audit/events.csv', async (req, reply) => {
    await admin(req);
    return csv(reply, 'tandem-events.csv', await audit.eventsCsv());
  });
}
