/**
 * Invitations (BRIEF §2, issue 4): a text file, `.tandem`, that a customer's
 * agent writes and a technician opens, and the equivalent console link. The
 * format is specified in docs/invitation-format.md; this module is its one
 * implementation, shared by the agent (writes, and checks expiry with the
 * customer's own clock) and the console (reads, shows expiry as informative).
 *
 * The checksum only catches accidental edits. Security rests on the PAKE
 * secret (the password, or `Secret`), checked on the customer's computer.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { assertThat } from './assert.js';
import { fromBase64Url, toBase64Url } from './base64url.js';
import { fromUtf8, toHex, utf8 } from './bytes.js';
import { LIMITS } from './constants.js';
import { normaliseRelayOrigin } from './relay-origin.js';
import { TandemError } from './errors.js';
import { platformRandomBytes, type RandomBytes } from './session-code.js';

/** Media type of an invitation file (vendor tree, RFC 6838 §3.2). */
export const INVITATION_MEDIA_TYPE = 'application/vnd.tandem.invitation';
/** File name extension of an invitation file, with its dot. */
export const INVITATION_EXTENSION = '.tandem';
/** The format version this code writes and the newest it reads. */
export const INVITATION_VERSION = 1;
/** The hash route of the console that opens an invitation link: `ORIGIN/#/invitation/DATA`. */
export const INVITATION_LINK_ROUTE = '#/invitation/';

/** Bounds of the invitation format. */
export const INVITATION_LIMITS = {
  /** Largest invitation file, bytes of UTF-8. */
  maxFileBytes: 4096,
  /** Longest invitation link, characters. */
  maxLinkChars: 8192,
  /** Shortest and longest lifetime, seconds (30 days). */
  minLifetimeSeconds: 1,
  maxLifetimeSeconds: 30 * 24 * 3600,
  /** Relay addresses in one invitation. */
  maxRelays: 8,
  /** Longest relay address, characters. */
  maxRelayUrlChars: LIMITS.maxRelayUrlChars,
  /** Random bytes drawn for the ticket and the secret (128 bits each). */
  ticketBytes: 16,
  secretBytes: 16,
  /** Bytes accepted when reading a ticket or secret. */
  minTokenBytes: 16,
  maxTokenBytes: 64,
  /** Random bytes of the local id (hex, so twice as many characters). */
  idBytes: 6,
  /** Hex digits of the truncated SHA-256 checksum. */
  checksumHexDigits: 32,
} as const;

/** A relay address in an invitation, with the SHA-256 fingerprint of a self-signed relay's certificate. */
export interface InvitationRelay {
  /** The relay's origin, `https://host[:port]` (or `http://` behind a TLS proxy). */
  url: string;
  /** 64 lower-case hex digits: SHA-256 of the relay certificate's DER bytes. */
  fingerprint?: string;
}

/** An invitation, as written in a `.tandem` file. */
export interface Invitation {
  version: 1;
  /** Local id the customer uses to list and expire it: 12 lower-case hex digits. */
  id: string;
  /** The ticket the relay routes by: ≥128 random bits, base64url. */
  ticket: string;
  /** The customer's name, as they chose it. */
  customerName: string;
  /** True when the technician must type the customer's password (the PAKE secret). */
  passwordProtected: boolean;
  /** Start time, milliseconds since the epoch, a whole second. */
  start: number;
  /** Lifetime, seconds: it expires at start + lifetime, on the customer's clock. */
  lifetimeSeconds: number;
  /** Relay addresses, tried in this order. */
  relays: InvitationRelay[];
  /** The PAKE secret, ≥128 random bits, base64url: present exactly when not password protected. */
  secret?: string;
}

/** The fields in their fixed order; `Relay` repeats, `Secret` is conditional. */
const FIELDS = ['Tandem-Invitation', 'Id', 'Ticket', 'Customer', 'Password-Protected', 'Start', 'Lifetime', 'Relay', 'Secret', 'Checksum'] as const;
type FieldName = (typeof FIELDS)[number];

/** Characters a name may not hold: controls, line/paragraph separators, bidi embeddings/overrides/isolates (which could disguise the text shown to the other side). */
const FORBIDDEN_NAME_CHARS = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;
const ID_RE = /^[0-9a-f]{12}$/;
const FINGERPRINT_RE = /^[0-9a-f]{64}$/;
const START_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
/** Latest start the format can write: 9999-12-31T23:59:59Z. */
const MAX_START_MS = 253402300799000;

function bad(message: string): TandemError {
  return new TandemError('TANDEM_ERR_INVITATION_INVALID', `invitation: ${message}`);
}

/** Checks a customer name; returns it. `name` is the field's label in messages. */
function checkCustomerName(value: string, name: string): string {
  if (value.length === 0 || value.trim().length === 0) throw bad(`${name} is empty`);
  if (value !== value.trim()) throw bad(`${name} must not start or end with spaces`);
  if (value.length > LIMITS.maxNameChars) throw bad(`${name} is longer than ${LIMITS.maxNameChars} characters`);
  if (FORBIDDEN_NAME_CHARS.test(value)) throw bad(`${name} holds a line break, control or text-direction character`);
  if (value !== value.normalize('NFC')) throw bad(`${name} is not in Unicode normal form C`);
  return value;
}

function checkToken(value: string, label: string): string {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(value);
  } catch (err) {
    throw new TandemError('TANDEM_ERR_INVITATION_INVALID', `invitation: ${label} must be base64url without padding`, { cause: err });
  }
  const { minTokenBytes, maxTokenBytes } = INVITATION_LIMITS;
  if (bytes.length < minTokenBytes || bytes.length > maxTokenBytes) {
    throw bad(`${label} must hold ${minTokenBytes * 8} to ${maxTokenBytes * 8} bits, it holds ${bytes.length * 8}`);
  }
  return value;
}

/** Validates every field of an in-memory invitation (what encode writes and parse returns). */
function checkInvitation(inv: Invitation): void {
  if (typeof inv !== 'object' || inv === null) throw bad('must be an object');
  // The object may come from anywhere in memory: its type says version 1, the check makes sure.
  const version: number = INVITATION_VERSION;
  if (inv.version !== version) throw bad(`version must be ${version}`);
  if (typeof inv.id !== 'string' || !ID_RE.test(inv.id)) throw bad('Id must be 12 lower-case hex digits');
  if (typeof inv.ticket !== 'string') throw bad('Ticket must be a string');
  checkToken(inv.ticket, 'Ticket');
  if (typeof inv.customerName !== 'string') throw bad('Customer must be a string');
  checkCustomerName(inv.customerName, 'Customer');
  if (typeof inv.passwordProtected !== 'boolean') throw bad('Password-Protected must be a boolean');
  if (!Number.isInteger(inv.start) || inv.start < 0 || inv.start > MAX_START_MS || inv.start % 1000 !== 0) {
    throw bad('Start must be a whole second between 1970 and 9999');
  }
  const { minLifetimeSeconds, maxLifetimeSeconds, maxRelays } = INVITATION_LIMITS;
  if (!Number.isInteger(inv.lifetimeSeconds) || inv.lifetimeSeconds < minLifetimeSeconds || inv.lifetimeSeconds > maxLifetimeSeconds) {
    throw bad(`Lifetime must be a whole number of seconds from ${minLifetimeSeconds} to ${maxLifetimeSeconds}`);
  }
  if (!Array.isArray(inv.relays) || inv.relays.length === 0) throw bad('at least one Relay is needed');
  if (inv.relays.length > maxRelays) throw bad(`at most ${maxRelays} Relay lines are allowed`);
  const seen = new Set<string>();
  inv.relays.forEach((r, i) => {
    const origin = normaliseRelayOrigin(r.url, `invitation: Relay ${i + 1}`, 'TANDEM_ERR_INVITATION_INVALID');
    if (origin !== r.url) throw bad(`Relay ${i + 1} must be written as its origin, ${origin}`);
    if (seen.has(origin)) throw bad(`Relay ${origin} is listed twice`);
    seen.add(origin);
    if (r.fingerprint !== undefined && (typeof r.fingerprint !== 'string' || !FINGERPRINT_RE.test(r.fingerprint))) {
      throw bad(`the fingerprint of Relay ${i + 1} must be 64 lower-case hex digits (SHA-256)`);
    }
  });
  if (inv.passwordProtected) {
    if (inv.secret !== undefined) throw bad('Secret must not be present when Password-Protected is yes (the password is the secret)');
  } else {
    if (inv.secret === undefined) throw bad('Secret is missing: an invitation without a password needs one');
    if (typeof inv.secret !== 'string') throw bad('Secret must be a string');
    checkToken(inv.secret, 'Secret');
  }
}

function formatStart(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

/** The lines before `Checksum`: the canonical form the checksum covers. */
function bodyLines(inv: Invitation): string[] {
  const lines = [
    `Tandem-Invitation: ${inv.version}`,
    `Id: ${inv.id}`,
    `Ticket: ${inv.ticket}`,
    `Customer: ${inv.customerName}`,
    `Password-Protected: ${inv.passwordProtected ? 'yes' : 'no'}`,
    `Start: ${formatStart(inv.start)}`,
    `Lifetime: ${inv.lifetimeSeconds}`,
  ];
  for (const r of inv.relays) lines.push(r.fingerprint === undefined ? `Relay: ${r.url}` : `Relay: ${r.url} ${r.fingerprint}`);
  if (inv.secret !== undefined) lines.push(`Secret: ${inv.secret}`);
  return lines;
}

/** SHA-256 over a domain label and the canonical lines (each ending in LF), truncated. */
function checksumOf(lines: string[]): string {
  const digest = sha256(utf8(`tandem-invitation-checksum\n${lines.join('\n')}\n`));
  return toHex(digest).slice(0, INVITATION_LIMITS.checksumHexDigits);
}

/**
 * Makes a new invitation: a fresh id, ticket and (without a password) secret
 * from `random` (default: the platform CSPRNG), starting at `now` rounded
 * down to the second. The name is trimmed and put in Unicode NFC; relay
 * addresses are reduced to their origins and fingerprints to lower-case hex.
 */
export function createInvitation(args: {
  customerName: string;
  relays: InvitationRelay[];
  lifetimeSeconds: number;
  passwordProtected: boolean;
  now: number;
  random?: RandomBytes;
}): Invitation {
  if (typeof args !== 'object' || args === null) throw bad('createInvitation needs its arguments');
  const random = args.random ?? platformRandomBytes;
  if (typeof args.customerName !== 'string') throw bad('customerName must be a string');
  const customerName = checkCustomerName(args.customerName.trim().normalize('NFC'), 'customerName');
  assertThat(Number.isInteger(args.now) && args.now >= 0 && args.now <= MAX_START_MS, 'now', 'must be a time in milliseconds since the epoch');
  assertThat(Array.isArray(args.relays), 'relays', 'must be an array');
  const relays = args.relays.map((r, i): InvitationRelay => {
    assertThat(typeof r === 'object' && r !== null, `relays[${i}]`, 'must be an object');
    const url = normaliseRelayOrigin(r.url, `relays[${i}].url`, 'TANDEM_ERR_INVITATION_INVALID');
    if (r.fingerprint === undefined) return { url };
    assertThat(typeof r.fingerprint === 'string', `relays[${i}].fingerprint`, 'must be a string');
    const fingerprint = r.fingerprint.replace(/:/g, '').toLowerCase();
    assertThat(FINGERPRINT_RE.test(fingerprint), `relays[${i}].fingerprint`, 'must be a SHA-256 fingerprint (64 hex digits)');
    return { url, fingerprint };
  });
  const inv: Invitation = {
    version: INVITATION_VERSION,
    id: toHex(random(INVITATION_LIMITS.idBytes)),
    ticket: toBase64Url(random(INVITATION_LIMITS.ticketBytes)),
    customerName,
    passwordProtected: args.passwordProtected,
    start: Math.floor(args.now / 1000) * 1000,
    lifetimeSeconds: args.lifetimeSeconds,
    relays,
  };
  if (args.passwordProtected === false) inv.secret = toBase64Url(random(INVITATION_LIMITS.secretBytes));
  checkInvitation(inv);
  return inv;
}

/** The `.tandem` file text: UTF-8, LF line ends, fields in fixed order, ending with `Checksum`. */
export function encodeInvitation(inv: Invitation): string {
  checkInvitation(inv);
  const lines = bodyLines(inv);
  lines.push(`Checksum: ${checksumOf(lines)}`);
  return `${lines.join('\n')}\n`;
}

/** Reads the version on the header line, so a newer file is named as such before anything else. */
function readHeader(firstLine: string | undefined): void {
  const v = /^Tandem-Invitation: (.*)$/.exec(firstLine ?? '')?.[1];
  if (v === undefined) throw bad('this is not a Tandem invitation (the first line must be "Tandem-Invitation: 1")');
  if (!/^[1-9][0-9]{0,5}$/.test(v)) throw bad(`the version on the first line must be a whole number, got ${JSON.stringify(v)}`);
  if (Number(v) > INVITATION_VERSION) {
    throw new TandemError('TANDEM_ERR_INVITATION_VERSION', `invitation: this invitation was made by a newer Tandem (format version ${v}); this Tandem reads version ${INVITATION_VERSION}: update Tandem to open it`);
  }
}

function parseStart(value: string, line: number): number {
  const ms = Date.parse(value);
  if (!START_RE.test(value) || !Number.isFinite(ms) || formatStart(ms) !== value) {
    throw bad(`Start (line ${line}) must be a UTC time like 2025-06-01T09:30:00Z, got ${JSON.stringify(value)}`);
  }
  return ms;
}

/**
 * Parses a `.tandem` file strictly: every field present once (`Relay` one or
 * more times, consecutively), in the fixed order, nothing unknown, every
 * value well formed, and the checksum matching. A UTF-8 byte order mark and
 * CRLF line ends (an editor on Windows) are accepted. Throws TandemError
 * TANDEM_ERR_BAD_INPUT whose message names the field and line.
 */
export function parseInvitation(text: string): Invitation {
  if (typeof text !== 'string') throw bad('the invitation must be text');
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  readHeader(/^[^\r\n]*/.exec(body.slice(0, 64))?.[0]);
  if (utf8(body).length > INVITATION_LIMITS.maxFileBytes) throw bad(`the file is larger than ${INVITATION_LIMITS.maxFileBytes} bytes, so it is not an invitation Tandem wrote`);
  // Trailing line ends carry nothing; an editor may add one more.
  const lines = body.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n');
  const values = new Map<FieldName, { value: string; line: number }>();
  const relays: InvitationRelay[] = [];
  let lastIndex = -1;
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (i === 0) {
      if (raw !== `Tandem-Invitation: ${INVITATION_VERSION}`) throw bad(`line 1 must be exactly "Tandem-Invitation: ${INVITATION_VERSION}"`);
      lastIndex = 0;
      return;
    }
    // [^\n], not ".": a stray CR or U+2028 then reaches the field's own check, which names it.
    const m = /^([A-Za-z][A-Za-z-]*): ([^\n]+)$/.exec(raw);
    if (!m) {
      if (raw.trim() === '') throw bad(`line ${line} is empty; an invitation has no blank lines`);
      if (/^[A-Za-z][A-Za-z-]*:\s*$/.test(raw)) throw bad(`field ${raw.replace(/:.*$/, '')} (line ${line}) has no value`);
      throw bad(`line ${line} is not "Name: value": ${JSON.stringify(raw.slice(0, 40))}`);
    }
    const [, name = '', value = ''] = m;
    const index = (FIELDS as readonly string[]).indexOf(name);
    if (index === 0) throw bad(`the Tandem-Invitation header appears again on line ${line}`);
    if (index < 0) throw bad(`unknown field ${JSON.stringify(name)} on line ${line}`);
    const field = name as FieldName;
    if (field === 'Relay' ? index < lastIndex : index <= lastIndex) {
      if (values.has(field)) throw bad(`field ${field} appears more than once (line ${line})`);
      if (field === 'Relay' && relays.length > 0) throw bad(`field Relay (line ${line}) is out of order: Relay lines come together, before ${FIELDS[lastIndex]}`);
      throw bad(`field ${field} (line ${line}) is out of order: it must come before ${FIELDS[lastIndex]}`);
    }
    lastIndex = index;
    if (field === 'Relay') {
      const parts = value.split(' ');
      if (parts.length > 2) throw bad(`Relay (line ${line}) must be "URL" or "URL FINGERPRINT"`);
      const url = normaliseRelayOrigin(parts[0], `invitation: Relay (line ${line})`, 'TANDEM_ERR_INVITATION_INVALID');
      if (url !== parts[0]) throw bad(`Relay (line ${line}) must be written as its origin, ${url}`);
      const fp = parts[1];
      if (fp !== undefined && !FINGERPRINT_RE.test(fp)) throw bad(`the fingerprint of Relay (line ${line}) must be 64 lower-case hex digits (SHA-256)`);
      if (relays.some((r) => r.url === url)) throw bad(`Relay ${url} (line ${line}) is listed twice`);
      if (relays.length >= INVITATION_LIMITS.maxRelays) throw bad(`at most ${INVITATION_LIMITS.maxRelays} Relay lines are allowed (line ${line})`);
      relays.push(fp === undefined ? { url } : { url, fingerprint: fp });
    } else {
      values.set(field, { value, line });
    }
  });
  const get = (field: FieldName): { value: string; line: number } => {
    const v = values.get(field);
    if (v === undefined) throw bad(`field ${field} is missing`);
    return v;
  };
  const id = get('Id');
  if (!ID_RE.test(id.value)) throw bad(`Id (line ${id.line}) must be 12 lower-case hex digits`);
  const ticket = get('Ticket');
  checkToken(ticket.value, `Ticket (line ${ticket.line})`);
  const customer = get('Customer');
  checkCustomerName(customer.value, `Customer (line ${customer.line})`);
  const pp = get('Password-Protected');
  if (pp.value !== 'yes' && pp.value !== 'no') throw bad(`Password-Protected (line ${pp.line}) must be yes or no`);
  const start = get('Start');
  const startMs = parseStart(start.value, start.line);
  const lifetime = get('Lifetime');
  const { minLifetimeSeconds, maxLifetimeSeconds } = INVITATION_LIMITS;
  if (!/^[1-9][0-9]*$/.test(lifetime.value) || Number(lifetime.value) < minLifetimeSeconds || Number(lifetime.value) > maxLifetimeSeconds) {
    throw bad(`Lifetime (line ${lifetime.line}) must be a whole number of seconds from ${minLifetimeSeconds} to ${maxLifetimeSeconds}`);
  }
  if (relays.length === 0) throw bad('field Relay is missing: at least one relay address is needed');
  const secret = values.get('Secret');
  if (pp.value === 'yes' && secret !== undefined) throw bad(`Secret (line ${secret.line}) must not be present when Password-Protected is yes`);
  if (pp.value === 'no' && secret === undefined) throw bad('field Secret is missing (an invitation without a password carries one)');
  if (secret !== undefined) checkToken(secret.value, `Secret (line ${secret.line})`);
  const checksum = get('Checksum');
  if (checksum.line !== lines.length) throw bad('Checksum must be the last line');
  if (!/^[0-9a-f]{32}$/.test(checksum.value)) throw bad(`Checksum (line ${checksum.line}) must be 32 lower-case hex digits`);
  const inv: Invitation = {
    version: INVITATION_VERSION,
    id: id.value,
    ticket: ticket.value,
    customerName: customer.value,
    passwordProtected: pp.value === 'yes',
    start: startMs,
    lifetimeSeconds: Number(lifetime.value),
    relays,
  };
  if (secret !== undefined) inv.secret = secret.value;
  if (checksumOf(bodyLines(inv)) !== checksum.value) {
    throw bad('the checksum does not match: the file was changed after Tandem wrote it, or damaged on the way; ask the customer for a fresh copy');
  }
  return inv;
}

/**
 * The console link equivalent to the file: `ORIGIN/#/invitation/DATA`, DATA
 * being the file text in base64url. Everything, secret included, is in the
 * fragment, which browsers never send to a server (RFC 3986 §3.5). The link
 * names the relay's origin, not the console's path on it (CONSOLE_PATH): the
 * relay's support page at `/` forwards a `#/…` fragment to the console, so
 * one link opens on relays from before the console moved to `/console/` and
 * after.
 */
export function invitationLink(inv: Invitation, consoleOrigin: string): string {
  const origin = normaliseRelayOrigin(consoleOrigin, 'consoleOrigin', 'TANDEM_ERR_INVITATION_INVALID');
  return `${origin}/${INVITATION_LINK_ROUTE}${toBase64Url(utf8(encodeInvitation(inv)))}`;
}

/** Parses the DATA part of an invitation link (what follows `#/invitation/`). */
export function parseInvitationLinkData(data: string): Invitation {
  if (typeof data !== 'string' || data.length === 0) throw bad('the link carries no invitation');
  let text: string;
  try {
    text = fromUtf8(fromBase64Url(data));
  } catch (err) {
    throw new TandemError('TANDEM_ERR_INVITATION_INVALID', 'invitation: the link is damaged (its invitation part is not valid base64url UTF-8); copy the whole link again', { cause: err });
  }
  return parseInvitation(text);
}

/** Parses a link made by {@link invitationLink}; the origin may be any console's. */
export function parseInvitationLink(link: string): Invitation {
  if (typeof link !== 'string') throw bad('the link must be text');
  const trimmed = link.trim();
  if (trimmed.length > INVITATION_LIMITS.maxLinkChars) throw bad(`the link is longer than ${INVITATION_LIMITS.maxLinkChars} characters`);
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch (err) {
    throw new TandemError('TANDEM_ERR_INVITATION_INVALID', 'invitation: this is not a link', { cause: err });
  }
  if (!url.hash.startsWith(INVITATION_LINK_ROUTE)) throw bad(`this is not an invitation link (its part after # must start with ${INVITATION_LINK_ROUTE.slice(1)})`);
  return parseInvitationLinkData(url.hash.slice(INVITATION_LINK_ROUTE.length));
}

/** Parses what a technician pasted or dropped: either the file text or a link. */
export function readInvitation(input: string): Invitation {
  if (typeof input !== 'string') throw bad('the invitation must be text');
  const start = input.replace(/^\uFEFF/, '').trimStart();
  return start.startsWith('Tandem-Invitation:') ? parseInvitation(input) : parseInvitationLink(input);
}

/** When the invitation expires, ms since the epoch: start + lifetime. */
export function invitationExpiresAt(inv: Pick<Invitation, 'start' | 'lifetimeSeconds'>): number {
  return inv.start + inv.lifetimeSeconds * 1000;
}

/**
 * True when the invitation has lapsed at `now`. Only the customer's computer,
 * with its own clock, decides; on the technician's side this is informative.
 */
export function isInvitationExpired(inv: Pick<Invitation, 'start' | 'lifetimeSeconds'>, now: number): boolean {
  assertThat(typeof now === 'number' && Number.isFinite(now), 'now', 'must be a time in milliseconds');
  return now >= invitationExpiresAt(inv);
}
