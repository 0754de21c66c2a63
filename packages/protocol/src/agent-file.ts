/**
 * The downloadable agent's file (docs/agent-file.md): one executable per
 * platform, with the relay's stamp and an integrity trailer at its end.
 *
 *   [ executable (Node's single executable application) ]
 *   [ stamp: UTF-8 JSON, padded with spaces; empty when not stamped ]
 *   [ trailer: TRAILER_BYTES ]
 *   [ Authenticode certificate table: only on a signed Windows file ]
 *
 * The trailer holds the SHA-256 of everything before it. On a Windows (PE)
 * file the two header fields that Authenticode signing rewrites, the
 * CheckSum and the certificate table's directory entry, count as zeros in
 * that digest, exactly as Authenticode itself leaves them out (Microsoft's
 * "Windows Authenticode Portable Executable Signature Format", "Calculating
 * the PE Image Hash"); the certificate table itself is appended after the
 * trailer, where the directory entry says. So a relay can stamp the built
 * file (a new stamp and a new trailer, the executable untouched) and then
 * sign it, and the agent still checks every other byte.
 *
 * The digest detects damage (a truncated or altered download), not an
 * attacker: whoever can change the file can write a matching trailer.
 * Authenticity is the Authenticode signature's job.
 *
 * This module is the one implementation of the layout, for the build, the
 * relay and the agent. It does no I/O and no hashing of its own (it is
 * isomorphic): callers pass a file reader and a SHA-256 factory (node:crypto
 * in Node, which is about ten times faster than a JavaScript SHA-256 on the
 * hundred megabytes of an agent).
 */
import { assertPlainName } from './assert.js';
import { fromUtf8, toHex, utf8 } from './bytes.js';
import { LIMITS } from './constants.js';
import { TandemError } from './errors.js';
import { normaliseRelayOrigin } from './relay-origin.js';

/** Sizes and markers of the layout. */
export const AGENT_FILE = {
  /** Bytes of the trailer: digest (32), stamp length (4), format version (4), magic (16). */
  trailerBytes: 56,
  /** The last 16 bytes of the trailer. */
  magic: 'TANDEM AGENT END',
  /** The format version this code writes and reads. */
  version: 1,
  /** Largest stamp, bytes. */
  maxStampBytes: 4096,
  /** The stamp is padded so that the file up to its trailer's end is a multiple of this (Authenticode appends its table at such an offset). */
  alignment: 8,
  /** Bytes of the file's beginning that {@link peHashExclusions} looks at. */
  headBytes: 4096,
} as const;

/** What a relay stamps into the agents it serves, so that the customer types nothing but the code. */
export interface AgentStamp {
  /** The relay's origin (its public URL). */
  relay: string;
  /** SHA-256 of the relay's certificate, 64 lower-case hex digits, when it is self-signed. */
  fingerprint?: string;
  /** The help desk's name, shown on the agent's page. */
  helpDesk?: string;
}

/** A byte range of the file. */
export interface ByteRange {
  offset: number;
  length: number;
}

/** An incremental SHA-256 (node:crypto's Hash has this shape). */
export interface Sha256 {
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
}

/** Random access to a file: its size and reads of exact ranges (short only past its end). */
export interface AgentFileReader {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** What {@link verifyAgentFile} found in an intact file. */
export interface AgentFileInfo {
  /** Length of the executable part (before the stamp). */
  executableLength: number;
  /** Where the trailer begins. */
  trailerStart: number;
  /** Where the trailer ends (the file's end, or the start of its certificate table). */
  contentEnd: number;
  /** The stamp, when a relay stamped it. */
  stamp?: AgentStamp;
  /** The trailer's digest, lower-case hex (an ETag for the file, for example). */
  digest: string;
  /** True for a Windows (PE) file. */
  pe: boolean;
  /** True when the PE file carries a certificate table (an Authenticode signature). */
  signed: boolean;
}

const damaged = (what: string): TandemError =>
  new TandemError('TANDEM_ERR_AGENT_DAMAGED', `this Tandem file is damaged or incomplete (${what}); download it again`);

const MAGIC = utf8(AGENT_FILE.magic);

/** Bytes read per step when hashing a file. */
const CHUNK_BYTES = 4 * 1024 * 1024;

function u16(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
}

function u32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16) | ((bytes[at + 3] ?? 0) << 24)) >>> 0;
}

function putU32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value & 0xff;
  bytes[at + 1] = (value >>> 8) & 0xff;
  bytes[at + 2] = (value >>> 16) & 0xff;
  bytes[at + 3] = (value >>> 24) & 0xff;
}

/** Where a PE file's CheckSum and certificate-table entry are, and what that entry says. */
interface PeHeader {
  checksum: ByteRange;
  certEntry: ByteRange;
  certOffset: number;
  certSize: number;
}

/**
 * The PE header fields Authenticode signing rewrites, from the file's first
 * bytes (PE/COFF specification: `e_lfanew` at 0x3C, "PE\0\0", the 20-byte
 * COFF header, then the optional header with CheckSum at +64 and the data
 * directories at +96 for PE32 or +112 for PE32+, the certificate table being
 * directory 4). Undefined for anything that is not a PE file.
 */
function peHeader(head: Uint8Array): PeHeader | undefined {
  if (head[0] !== 0x4d || head[1] !== 0x5a) return undefined;
  const pe = u32(head, 0x3c);
  if (pe + 24 + 112 + 5 * 8 > head.length) return undefined;
  if (head[pe] !== 0x50 || head[pe + 1] !== 0x45 || head[pe + 2] !== 0 || head[pe + 3] !== 0) return undefined;
  const optional = pe + 24;
  const magic = u16(head, optional);
  const directories = magic === 0x20b ? optional + 112 : magic === 0x10b ? optional + 96 : -1;
  if (directories < 0) return undefined;
  const entry = directories + 4 * 8;
  return { checksum: { offset: optional + 64, length: 4 }, certEntry: { offset: entry, length: 8 }, certOffset: u32(head, entry), certSize: u32(head, entry + 4) };
}

/** The ranges that count as zeros in the digest: a PE file's CheckSum and certificate-table entry; nothing for other files. */
export function peHashExclusions(head: Uint8Array): ByteRange[] {
  const header = peHeader(head);
  return header === undefined ? [] : [header.checksum, header.certEntry];
}

/**
 * SHA-256 over a file's bytes in order, with `exclusions` counted as zeros.
 * Feed it the bytes from offset 0 on, in chunks of any size.
 */
export class AgentDigest {
  readonly #hash: Sha256;
  readonly #exclusions: readonly ByteRange[];
  #position = 0;

  constructor(hash: Sha256, exclusions: readonly ByteRange[]) {
    this.#hash = hash;
    this.#exclusions = exclusions;
  }

  /** Bytes hashed so far. */
  get position(): number {
    return this.#position;
  }

  /** Hashes the next bytes of the file. */
  update(chunk: Uint8Array): void {
    const start = this.#position;
    const end = start + chunk.length;
    const hit = this.#exclusions.some((r) => r.offset < end && r.offset + r.length > start);
    if (!hit) {
      this.#hash.update(chunk);
    } else {
      // A copy (new Uint8Array copies; a Node Buffer's slice() would not): the caller's bytes stay as they are.
      const copy = new Uint8Array(chunk);
      for (const r of this.#exclusions) {
        const from = Math.max(r.offset, start);
        const to = Math.min(r.offset + r.length, end);
        if (from < to) copy.fill(0, from - start, to - start);
      }
      this.#hash.update(copy);
    }
    this.#position = end;
  }

  /** The digest. */
  digest(): Uint8Array {
    return this.#hash.digest();
  }
}

/** The trailer for `digest` over a file whose stamp has `stampLength` bytes. */
export function encodeTrailer(digest: Uint8Array, stampLength: number): Uint8Array {
  if (digest.length !== 32) throw new TandemError('TANDEM_ERR_INTERNAL', 'agent file: the digest must be 32 bytes');
  const out = new Uint8Array(AGENT_FILE.trailerBytes);
  out.set(digest, 0);
  putU32(out, 32, stampLength);
  putU32(out, 36, AGENT_FILE.version);
  out.set(MAGIC, 40);
  return out;
}

/**
 * The stamp's bytes for an executable of `executableLength` bytes: the
 * JSON, then spaces up to the alignment (an unstamped file has spaces only,
 * or nothing).
 */
export function encodeStamp(stamp: AgentStamp | undefined, executableLength: number): Uint8Array {
  const json = stamp === undefined ? new Uint8Array(0) : utf8(JSON.stringify(checkStamp(stamp, 'TANDEM_ERR_BAD_INPUT')));
  const used = executableLength + json.length + AGENT_FILE.trailerBytes;
  const pad = (AGENT_FILE.alignment - (used % AGENT_FILE.alignment)) % AGENT_FILE.alignment;
  const out = new Uint8Array(json.length + pad).fill(0x20);
  out.set(json, 0);
  if (out.length > AGENT_FILE.maxStampBytes) throw new TandemError('TANDEM_ERR_BAD_INPUT', `agent stamp: longer than ${AGENT_FILE.maxStampBytes} bytes`);
  return out;
}

/** Validates a stamp's fields; `code` is what a bad one is (bad input to the relay, damage in a file). */
function checkStamp(value: unknown, code: 'TANDEM_ERR_BAD_INPUT' | 'TANDEM_ERR_AGENT_DAMAGED'): AgentStamp {
  const bad = (what: string): TandemError => (code === 'TANDEM_ERR_AGENT_DAMAGED' ? damaged(`its stamp ${what}`) : new TandemError(code, `agent stamp: ${what}`));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('is not an object');
  const fields = value as Record<string, unknown>;
  for (const key of Object.keys(fields)) if (key !== 'relay' && key !== 'fingerprint' && key !== 'helpDesk') throw bad(`has an unknown field ${JSON.stringify(key)}`);
  let relay: string;
  try {
    relay = normaliseRelayOrigin(fields.relay, 'relay');
  } catch (err) {
    throw bad(`names no relay address (${err instanceof Error ? err.message : String(err)})`);
  }
  const stamp: AgentStamp = { relay };
  if (fields.fingerprint !== undefined) {
    if (typeof fields.fingerprint !== 'string' || !/^[0-9a-f]{64}$/.test(fields.fingerprint)) throw bad('has a fingerprint that is not 64 lower-case hex digits');
    stamp.fingerprint = fields.fingerprint;
  }
  if (fields.helpDesk !== undefined) {
    try {
      assertPlainName(fields.helpDesk, 'helpDesk', LIMITS.maxNameChars, 1);
    } catch (err) {
      throw bad(`has an unusable help-desk name (${err instanceof Error ? err.message : String(err)})`);
    }
    stamp.helpDesk = fields.helpDesk;
  }
  return stamp;
}

/** The stamp in `bytes` (the stamp region), or undefined for an unstamped file. */
export function decodeStamp(bytes: Uint8Array): AgentStamp | undefined {
  let text: string;
  try {
    text = fromUtf8(bytes).trim();
  } catch {
    // Not UTF-8: reported as the damage it is.
    throw damaged('its stamp is not UTF-8');
  }
  if (text === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Not JSON: reported as the damage it is.
    throw damaged('its stamp is not JSON');
  }
  return checkStamp(value, 'TANDEM_ERR_AGENT_DAMAGED');
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** Reads exactly `length` bytes at `offset`, or reports the file as cut short. */
async function readExactly(file: AgentFileReader, offset: number, length: number): Promise<Uint8Array> {
  const bytes = await file.read(offset, length);
  if (bytes.length !== length) throw damaged('it ends early');
  return bytes;
}

/** Hashes `[0, end)` of `file` into a new {@link AgentDigest}. */
export async function digestRange(file: AgentFileReader, end: number, sha256: () => Sha256, exclusions: readonly ByteRange[]): Promise<Uint8Array> {
  const digest = new AgentDigest(sha256(), exclusions);
  while (digest.position < end) {
    const length = Math.min(CHUNK_BYTES, end - digest.position);
    digest.update(await readExactly(file, digest.position, length));
  }
  return digest.digest();
}

/**
 * Checks an agent file: its trailer is there, the digest over everything
 * before it matches, and its stamp (if any) is well-formed. Throws
 * TANDEM_ERR_AGENT_DAMAGED saying what is wrong.
 */
export async function verifyAgentFile(file: AgentFileReader, sha256: () => Sha256): Promise<AgentFileInfo> {
  const size = file.size;
  if (size < AGENT_FILE.trailerBytes) throw damaged('it is far too short');
  const head = await file.read(0, Math.min(AGENT_FILE.headBytes, size));
  const header = peHeader(head);
  let contentEnd = size;
  let signed = false;
  if (header !== undefined && header.certOffset > 0 && header.certSize > 0) {
    // A signed Windows file: the trailer ends where the certificate table begins.
    if (header.certOffset + header.certSize > size || header.certOffset < AGENT_FILE.trailerBytes) throw damaged('its signature lies outside the file');
    contentEnd = header.certOffset;
    signed = true;
  }
  // Up to alignment - 1 zero bytes of padding may stand before a certificate table.
  const lookBack = Math.min(contentEnd, AGENT_FILE.trailerBytes + AGENT_FILE.alignment - 1);
  const tail = await readExactly(file, contentEnd - lookBack, lookBack);
  let end = tail.length;
  while (signed && end > AGENT_FILE.trailerBytes && tail[end - 1] === 0 && tail.length - end < AGENT_FILE.alignment - 1) end--;
  const trailer = tail.subarray(end - AGENT_FILE.trailerBytes, end);
  contentEnd -= tail.length - end;
  if (!sameBytes(trailer.subarray(40, 56), MAGIC)) throw damaged('its end is missing');
  const version = u32(trailer, 36);
  if (version !== AGENT_FILE.version) throw damaged(`its trailer has format version ${version}, not ${AGENT_FILE.version}`);
  const stampLength = u32(trailer, 32);
  const trailerStart = contentEnd - AGENT_FILE.trailerBytes;
  if (stampLength > AGENT_FILE.maxStampBytes || stampLength > trailerStart) throw damaged('its stamp length is out of range');
  const expected = trailer.slice(0, 32);
  const actual = await digestRange(file, trailerStart, sha256, peHashExclusions(head));
  if (!sameBytes(actual, expected)) throw damaged('its checksum does not match');
  const executableLength = trailerStart - stampLength;
  const stamp = decodeStamp(await readExactly(file, executableLength, stampLength));
  return {
    executableLength,
    trailerStart,
    contentEnd,
    ...(stamp !== undefined ? { stamp } : {}),
    digest: toHex(expected),
    pe: header !== undefined,
    signed,
  };
}

/**
 * What follows an executable whose bytes went into `digest` (an
 * {@link AgentDigest} with the executable's {@link peHashExclusions}): its
 * stamp and trailer, to append to it.
 */
export function agentFileTail(digest: AgentDigest, stamp: AgentStamp | undefined): Uint8Array {
  const stampBytes = encodeStamp(stamp, digest.position);
  digest.update(stampBytes);
  const trailer = encodeTrailer(digest.digest(), stampBytes.length);
  const out = new Uint8Array(stampBytes.length + trailer.length);
  out.set(stampBytes, 0);
  out.set(trailer, stampBytes.length);
  return out;
}
