/**
 * Signalling between a client (technician or customer) and the relay: JSON in
 * WebSocket text frames. Binary frames are end-to-end and opaque to the
 * relay. Everything here is metadata the relay may see; no content.
 *
 * Technician: `auth` (first) → `ready`; `allocate` → `allocated`;
 * `extend` → `extended`; then `paired` when a customer claims the code.
 * Customer: `claim` (first) → `paired`; then `consent` or `refuse`, `mode`.
 * Either: `confirmed` (once, when its end-to-end layer opened: keys confirmed),
 * `abort` (handshake failed), `bye` (ends the session).
 * Relay: `peer-left` when the other side went away, `error` before closing.
 *
 * Invitations turn the roles of waiting around: the customer's agent holds a
 * ticket (`hold` → `holding`) on a connection of its own; a signed-in
 * technician `answer`s it; the relay tells the holder of the `attempt`; the
 * agent either opens a new connection that `join`s the attempt (then both
 * sides get `paired` as with codes) or `decline`s it.
 */
import {
  assertDigits,
  assertObject,
  assertOneOf,
  assertPlainName,
  assertString,
  assertThat,
  optional,
} from './assert.js';
import { CODE, END_REASONS, LIMITS, MODES, type EndReason, type Mode } from './constants.js';
import { ERROR_CODES, TandemError, type TandemErrorCode } from './errors.js';

/** Who a technician is, as the relay vouches for them. */
export interface TechnicianIdentity {
  username: string;
  displayName: string;
  team: string;
}

/** Metadata the customer agrees to share with the relay for the audit. */
export interface CustomerDetails {
  name: string;
  customerNumber: string;
  caseNumber: string;
}

/** Messages a client sends to the relay. */
export type ClientSignal =
  | { t: 'auth'; token: string }
  | { t: 'allocate'; caseNumber?: string; mode: Mode }
  | { t: 'extend' }
  | { t: 'claim'; nameplate: string }
  | { t: 'consent'; customer: CustomerDetails; mode: Mode }
  | { t: 'refuse' }
  | { t: 'mode'; mode: Mode }
  | { t: 'confirmed' }
  | { t: 'abort'; code: TandemErrorCode }
  | { t: 'bye' }
  | { t: 'hold'; ticket: string }
  | { t: 'answer'; ticket: string; mode: Mode; caseNumber?: string }
  | { t: 'join'; ticket: string; attemptId: string }
  | { t: 'decline'; attemptId: string; code: TandemErrorCode; message: string };

/** Messages the relay sends to a client. */
export type RelaySignal =
  | { t: 'ready'; technician: TechnicianIdentity }
  | { t: 'allocated'; nameplate: string; expiresAt: number; serverTime: number }
  | { t: 'extended'; expiresAt: number; serverTime: number }
  | { t: 'paired'; sessionId: string; technician: TechnicianIdentity; caseNumber?: string; mode: Mode }
  | { t: 'peer-left'; reason: EndReason }
  | { t: 'error'; code: TandemErrorCode; message: string }
  | { t: 'holding'; ticket: string }
  | { t: 'attempt'; attemptId: string; technician: TechnicianIdentity; mode: Mode; caseNumber?: string };

/** An invitation's ticket id: at least 128 random bits in base64url. */
const TICKET_RE = /^[A-Za-z0-9_-]{22,64}$/;
/** A relay-chosen attempt id. */
const ATTEMPT_RE = /^[A-Za-z0-9_-]{8,64}$/;

/** Fails unless `value` is an invitation's ticket id, as the relay routes by it (docs/protocol.md, "Invitations"). */
export function assertTicket(value: unknown, name: string): asserts value is string {
  assertThat(typeof value === 'string' && TICKET_RE.test(value), name, 'must be a ticket id (22 to 64 base64url characters)');
}

/** Fails unless `value` is a relay-chosen attempt id. */
export function assertAttempt(value: unknown, name: string): asserts value is string {
  assertThat(typeof value === 'string' && ATTEMPT_RE.test(value), name, 'must be an attempt id (8 to 64 base64url characters)');
}

function parseJson(text: unknown, name: string): Record<string, unknown> {
  assertString(text, name, LIMITS.maxSignalBytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `${name}: not valid JSON`, { cause: err });
  }
  assertObject(value, name);
  assertString(value.t, `${name}.t`, 32);
  return value;
}

/**
 * The customer's details, wherever they arrive (the consent signal, the
 * encrypted consent, the consent page's form): names shown to technicians and
 * administrators, so no control or bidirectional-text characters.
 */
export function parseCustomerDetails(value: unknown, name: string): CustomerDetails {
  assertObject(value, name);
  assertPlainName(value.name, `${name}.name`, LIMITS.maxNameChars);
  assertPlainName(value.customerNumber, `${name}.customerNumber`, LIMITS.maxNumberChars);
  assertPlainName(value.caseNumber, `${name}.caseNumber`, LIMITS.maxNumberChars);
  return { name: value.name, customerNumber: value.customerNumber, caseNumber: value.caseNumber };
}

/**
 * A technician as the relay vouches for them: shown on the customer's
 * consent page, so a hostile relay cannot dress a name up with control or
 * bidirectional-text characters either.
 */
export function parseTechnicianIdentity(value: unknown, name: string): TechnicianIdentity {
  assertObject(value, name);
  assertPlainName(value.username, `${name}.username`, LIMITS.maxUserNameChars, 1);
  assertPlainName(value.displayName, `${name}.displayName`, LIMITS.maxNameChars);
  assertPlainName(value.team, `${name}.team`, LIMITS.maxNameChars);
  return { username: value.username, displayName: value.displayName, team: value.team };
}

/** Parses and validates a client's signalling message (relay side). */
export function parseClientSignal(text: unknown): ClientSignal {
  const m = parseJson(text, 'signal');
  switch (m.t) {
    case 'auth':
      assertString(m.token, 'signal.token', 256, 1);
      return { t: 'auth', token: m.token };
    case 'allocate': {
      const caseNumber = optional(m.caseNumber, (v): asserts v is string => assertString(v, 'signal.caseNumber', LIMITS.maxNumberChars));
      assertOneOf(m.mode, 'signal.mode', MODES);
      return caseNumber === undefined ? { t: 'allocate', mode: m.mode } : { t: 'allocate', caseNumber, mode: m.mode };
    }
    case 'extend':
      return { t: 'extend' };
    case 'claim':
      assertDigits(m.nameplate, 'signal.nameplate', CODE.minNameplateDigits, CODE.maxNameplateDigits);
      return { t: 'claim', nameplate: m.nameplate };
    case 'consent':
      assertOneOf(m.mode, 'signal.mode', MODES);
      return { t: 'consent', customer: parseCustomerDetails(m.customer, 'signal.customer'), mode: m.mode };
    case 'refuse':
      return { t: 'refuse' };
    case 'mode':
      assertOneOf(m.mode, 'signal.mode', MODES);
      return { t: 'mode', mode: m.mode };
    case 'confirmed':
      return { t: 'confirmed' };
    case 'abort':
      assertOneOf(m.code, 'signal.code', ERROR_CODES);
      return { t: 'abort', code: m.code };
    case 'bye':
      return { t: 'bye' };
    case 'hold':
      assertTicket(m.ticket, 'signal.ticket');
      return { t: 'hold', ticket: m.ticket };
    case 'answer': {
      assertTicket(m.ticket, 'signal.ticket');
      assertOneOf(m.mode, 'signal.mode', MODES);
      const caseNumber = optional(m.caseNumber, (v): asserts v is string => assertString(v, 'signal.caseNumber', LIMITS.maxNumberChars));
      return caseNumber === undefined ? { t: 'answer', ticket: m.ticket, mode: m.mode } : { t: 'answer', ticket: m.ticket, mode: m.mode, caseNumber };
    }
    case 'join':
      assertTicket(m.ticket, 'signal.ticket');
      assertAttempt(m.attemptId, 'signal.attemptId');
      return { t: 'join', ticket: m.ticket, attemptId: m.attemptId };
    case 'decline':
      assertAttempt(m.attemptId, 'signal.attemptId');
      assertOneOf(m.code, 'signal.code', ERROR_CODES);
      assertString(m.message, 'signal.message', 1000);
      return { t: 'decline', attemptId: m.attemptId, code: m.code, message: m.message };
    default:
      throw new TandemError('TANDEM_ERR_BAD_INPUT', `signal.t: unknown message type ${JSON.stringify(m.t)}`);
  }
}

/** Parses and validates a relay's signalling message (client side). */
export function parseRelaySignal(text: unknown): RelaySignal {
  const m = parseJson(text, 'relay signal');
  const time = (v: unknown, name: string): number => {
    assertThat(typeof v === 'number' && Number.isFinite(v) && v >= 0, name, 'must be a timestamp');
    return v;
  };
  switch (m.t) {
    case 'ready':
      return { t: 'ready', technician: parseTechnicianIdentity(m.technician, 'relay signal.technician') };
    case 'allocated':
      assertDigits(m.nameplate, 'relay signal.nameplate', CODE.minNameplateDigits, CODE.maxNameplateDigits);
      return { t: 'allocated', nameplate: m.nameplate, expiresAt: time(m.expiresAt, 'relay signal.expiresAt'), serverTime: time(m.serverTime, 'relay signal.serverTime') };
    case 'extended':
      return { t: 'extended', expiresAt: time(m.expiresAt, 'relay signal.expiresAt'), serverTime: time(m.serverTime, 'relay signal.serverTime') };
    case 'paired': {
      assertString(m.sessionId, 'relay signal.sessionId', 64, 1);
      assertOneOf(m.mode, 'relay signal.mode', MODES);
      const technician = parseTechnicianIdentity(m.technician, 'relay signal.technician');
      const caseNumber = optional(m.caseNumber, (v): asserts v is string => assertString(v, 'relay signal.caseNumber', LIMITS.maxNumberChars));
      const base = { t: 'paired' as const, sessionId: m.sessionId, technician, mode: m.mode };
      return caseNumber === undefined ? base : { ...base, caseNumber };
    }
    case 'peer-left':
      assertOneOf(m.reason, 'relay signal.reason', END_REASONS);
      return { t: 'peer-left', reason: m.reason };
    case 'error':
      assertOneOf(m.code, 'relay signal.code', ERROR_CODES);
      assertString(m.message, 'relay signal.message', 1000);
      return { t: 'error', code: m.code, message: m.message };
    case 'holding':
      assertTicket(m.ticket, 'relay signal.ticket');
      return { t: 'holding', ticket: m.ticket };
    case 'attempt': {
      assertAttempt(m.attemptId, 'relay signal.attemptId');
      assertOneOf(m.mode, 'relay signal.mode', MODES);
      const technician = parseTechnicianIdentity(m.technician, 'relay signal.technician');
      const caseNumber = optional(m.caseNumber, (v): asserts v is string => assertString(v, 'relay signal.caseNumber', LIMITS.maxNumberChars));
      const base = { t: 'attempt' as const, attemptId: m.attemptId, technician, mode: m.mode };
      return caseNumber === undefined ? base : { ...base, caseNumber };
    }
    default:
      throw new TandemError('TANDEM_ERR_BAD_INPUT', `relay signal.t: unknown message type ${JSON.stringify(m.t)}`);
  }
}

/** Serialises a signalling message. */
export function encodeSignal(message: ClientSignal | RelaySignal): string {
  return JSON.stringify(message);
}
