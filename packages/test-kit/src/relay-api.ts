/**
 * The relay's HTTP API as tests call it (docs/protocol.md, "Relay HTTP
 * API"): any request with any body or header ({@link api}), and typed calls
 * for what tests need again and again: signing in, the first administrator,
 * the audit. Answers are read with small typed readers over protocol's
 * api-types, so a relay that answers something else fails the test with a
 * clear message instead of passing an `any` along.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import {
  ACCOUNT_ROLES,
  AUDIT_EVENT_KINDS,
  END_REASONS,
  MODES,
  assertBoolean,
  assertInteger,
  assertObject,
  assertOneOf,
  assertString,
  type AccountInfo,
  type AuditEvent,
  type AuditEventKind,
  type AuditSession,
  type LoginAnswer,
  type UserSummary,
} from '@tandem/protocol';

/** A strong test password: every account a test adds has it unless the test gives another. */
export const PASSWORD = 'correct horse battery staple';

/** A JSON object as it came over the wire: every field still to be checked. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** An HTTP answer. */
export interface ApiAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body when it is a JSON object (every answer of the API is); undefined for anything else (CSV, HTML, nothing). */
  json: JsonObject | undefined;
}

/** Options of {@link api}: a bearer token, a body as JSON or as raw text, extra headers. */
export interface ApiOptions {
  token?: string;
  body?: unknown;
  /** Sent as it is (malformed JSON, a huge body); wins over `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
}

/** Calls the relay's HTTP API (self-signed certificates accepted: tests pin by fingerprint elsewhere). */
export function api(relay: { url: string }, method: string, path: string, options: ApiOptions = {}): Promise<ApiAnswer> {
  const url = new URL(path, relay.url);
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method, headers, rejectUnauthorized: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json: jsonObject(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** `text` as a JSON object, or undefined when it is not one. */
function jsonObject(text: string): JsonObject | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Not JSON (CSV, HTML, an empty body): callers read `body`.
    return undefined;
  }
  return isJsonObject(value) ? value : undefined;
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The answer's JSON object, or an error naming what was asked and what came back. */
function answerObject(answer: ApiAnswer, what: string): JsonObject {
  if (answer.status !== 200 || answer.json === undefined) throw new Error(`${what}: HTTP ${answer.status} ${answer.body.slice(0, 500)}`);
  return answer.json;
}

/** The `code` of an error answer (`{ code, message }`, docs/errors.md); an error when the answer has none. */
export function errorCode(answer: ApiAnswer): string {
  const code = answer.json?.code;
  if (typeof code !== 'string') throw new Error(`expected an error answer, got HTTP ${answer.status} ${answer.body.slice(0, 500)}`);
  return code;
}

/** The answer to `POST /api/auth/login`. */
export function readLogin(answer: ApiAnswer): LoginAnswer {
  const json = answerObject(answer, 'sign-in');
  assertString(json.token, 'login.token', 256, 1);
  return { token: json.token, user: readAccount(json.user, 'login.user') };
}

/** The set-up link of an account the answer (`POST /api/users`) created. */
export function readSetupLink(answer: ApiAnswer): string {
  const json = answerObject(answer, 'add user');
  assertString(json.setupLink, 'setupLink', 2000, 1);
  return json.setupLink;
}

/** The rows of `GET /api/users`. */
export function readUsers(answer: ApiAnswer): UserSummary[] {
  const json = answerObject(answer, 'users');
  return arrayOf(json.users, 'users').map((u, i) => {
    const name = `users[${i}]`;
    assertObject(u, name);
    assertInteger(u.createdAt, `${name}.createdAt`, 0, Number.MAX_SAFE_INTEGER);
    assertBoolean(u.hasPassword, `${name}.hasPassword`);
    assertBoolean(u.disabled, `${name}.disabled`);
    assertBoolean(u.locked, `${name}.locked`);
    assertInteger(u.signins, `${name}.signins`, 0, Number.MAX_SAFE_INTEGER);
    return { ...readAccount(u, name), createdAt: u.createdAt, hasPassword: u.hasPassword, disabled: u.disabled, locked: u.locked, signins: u.signins, secondFactors: arrayOf(u.secondFactors, `${name}.secondFactors`).map((f, j) => oneOf(f, `${name}.secondFactors[${j}]`, ['totp', 'recovery'] as const)) };
  });
}

/** The rows of `GET /api/audit/sessions`. */
export function readAuditSessions(answer: ApiAnswer): AuditSession[] {
  const json = answerObject(answer, 'audit sessions');
  return arrayOf(json.sessions, 'sessions').map((row, i) => readAuditSession(row, `sessions[${i}]`));
}

/** The rows of `GET /api/audit/events`. */
export function readAuditEvents(answer: ApiAnswer): AuditEvent[] {
  const json = answerObject(answer, 'audit events');
  return arrayOf(json.events, 'events').map((row, i) => {
    const name = `events[${i}]`;
    assertObject(row, name);
    assertInteger(row.id, `${name}.id`, 0, Number.MAX_SAFE_INTEGER);
    assertOneOf(row.kind, `${name}.kind`, AUDIT_EVENT_KINDS);
    assertString(row.detail, `${name}.detail`, 100_000);
    return {
      id: row.id,
      at: time(row.at, `${name}.at`),
      kind: row.kind,
      username: nullable(row.username, `${name}.username`, readText),
      address: nullable(row.address, `${name}.address`, readText),
      sessionId: nullable(row.sessionId, `${name}.sessionId`, readText),
      detail: row.detail,
    };
  });
}

/** Signs in and returns the bearer token. */
export async function login(relay: { url: string }, username: string, password = PASSWORD): Promise<string> {
  return readLogin(await api(relay, 'POST', '/api/auth/login', { body: { username, password } })).token;
}

/** Completes the first-start set-up link, so `admin` can sign in with `password`; returns the admin's token. */
export async function createAdmin(relay: { url: string; setupLink: string | undefined }, password = PASSWORD): Promise<{ username: string; password: string; token: string }> {
  const token = relay.setupLink?.split('/#/setup/')[1];
  if (token === undefined) throw new Error(`relay printed no setup link (${relay.setupLink ?? 'none'})`);
  const set = await api(relay, 'POST', '/api/setup/complete', { body: { token, password } });
  if (set.status !== 200) throw new Error(`setup failed: ${set.body}`);
  return { username: 'admin', password, token: await login(relay, 'admin', password) };
}

/** Every audit session row, as an admin sees them. */
export async function auditSessions(relay: { url: string }, adminToken: string): Promise<AuditSession[]> {
  return readAuditSessions(await api(relay, 'GET', '/api/audit/sessions?limit=100000', { token: adminToken }));
}

/** The audit session row for `sessionId`, as an admin sees it (undefined until the relay wrote it). */
export async function auditSession(relay: { url: string }, adminToken: string, sessionId: string): Promise<AuditSession | undefined> {
  return (await auditSessions(relay, adminToken)).find((s) => s.sessionId === sessionId);
}

/** Audit events (of one `kind`, or all), as an admin sees them. */
export async function auditEvents(relay: { url: string }, adminToken: string, kind?: AuditEventKind): Promise<AuditEvent[]> {
  const events = readAuditEvents(await api(relay, 'GET', '/api/audit/events?limit=100000', { token: adminToken }));
  return events.filter((e) => kind === undefined || e.kind === kind);
}

function readAuditSession(row: unknown, name: string): AuditSession {
  assertObject(row, name);
  const text = (field: string): string => readText(row[field], `${name}.${field}`);
  assertOneOf(row.modeRequested, `${name}.modeRequested`, MODES);
  return {
    sessionId: text('sessionId'),
    nameplate: text('nameplate'),
    technicianUsername: text('technicianUsername'),
    technicianAddress: text('technicianAddress'),
    customerName: nullable(row.customerName, `${name}.customerName`, readText),
    customerNumber: nullable(row.customerNumber, `${name}.customerNumber`, readText),
    caseNumber: nullable(row.caseNumber, `${name}.caseNumber`, readText),
    customerAddress: text('customerAddress'),
    modeRequested: row.modeRequested,
    modeAtStart: nullable(row.modeAtStart, `${name}.modeAtStart`, (v, n) => oneOf(v, n, MODES)),
    lastMode: nullable(row.lastMode, `${name}.lastMode`, (v, n) => oneOf(v, n, MODES)),
    createdAt: time(row.createdAt, `${name}.createdAt`),
    startedAt: nullable(row.startedAt, `${name}.startedAt`, time),
    endedAt: nullable(row.endedAt, `${name}.endedAt`, time),
    endReason: nullable(row.endReason, `${name}.endReason`, (v, n) => oneOf(v, n, END_REASONS)),
  };
}

function readAccount(value: unknown, name: string): AccountInfo {
  assertObject(value, name);
  assertOneOf(value.role, `${name}.role`, ACCOUNT_ROLES);
  const account: AccountInfo = { username: readText(value.username, `${name}.username`), displayName: readText(value.displayName, `${name}.displayName`), role: value.role, team: readText(value.team, `${name}.team`) };
  if (value.enrolmentRequired !== undefined) {
    if (value.enrolmentRequired !== true) throw new Error(`${name}.enrolmentRequired: not true`);
    account.enrolmentRequired = true;
  }
  return account;
}

function arrayOf(value: unknown, name: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${name}: not an array`);
  const items: unknown[] = value;
  return items;
}

function readText(value: unknown, name: string): string {
  assertString(value, name, 100_000);
  return value;
}

function time(value: unknown, name: string): number {
  assertInteger(value, name, 0, Number.MAX_SAFE_INTEGER);
  return value;
}

function oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): T {
  assertOneOf(value, name, allowed);
  return value;
}

function nullable<T>(value: unknown, name: string, read: (value: unknown, name: string) => T): T | null {
  return value === null ? null : read(value, name);
}
