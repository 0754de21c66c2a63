/**
 * The answer of an HTTP proxy to CONNECT (RFC 9110 §9.3.6, RFC 9112 §4):
 * a status line and header fields up to the empty line, read as bytes
 * arrive in pieces of any size. After a 2xx the connection is the tunnel:
 * bytes past the empty line belong to the relay, and the caller refuses
 * them (the relay cannot speak before our TLS ClientHello).
 */
import { TandemError } from '@tandem/protocol';

/** The most bytes of a proxy's answer head we read before giving up on it. */
export const MAX_PROXY_HEAD_BYTES = 16 * 1024;

/** A complete answer head. */
export interface ProxyResponseHead {
  /** The status line as sent, e.g. `HTTP/1.1 200 Connection established`. */
  statusLine: string;
  status: number;
  /** Header fields, names lower-cased, each value in arrival order. */
  headers: Map<string, string[]>;
  /** Bytes after the head. */
  rest: Buffer;
}

/** Reads one answer head; `push` returns it once the empty line arrived. */
export class ProxyResponseReader {
  #buffered: Buffer = Buffer.alloc(0);
  readonly #what: string;

  /** `what` names the proxy in messages. */
  constructor(what: string) {
    this.#what = what;
  }

  /** Adds bytes; returns the head when complete, undefined while more are needed. */
  push(chunk: Buffer): ProxyResponseHead | undefined {
    // Search from a little before the new bytes: the CRLFCRLF may straddle pieces.
    const from = Math.max(0, this.#buffered.length - 3);
    this.#buffered = Buffer.concat([this.#buffered, chunk]);
    const end = this.#buffered.indexOf('\r\n\r\n', from, 'latin1');
    if (end < 0) {
      if (this.#buffered.length > MAX_PROXY_HEAD_BYTES) throw this.#bad(`its answer's head is longer than ${MAX_PROXY_HEAD_BYTES} bytes`);
      return undefined;
    }
    if (end > MAX_PROXY_HEAD_BYTES) throw this.#bad(`its answer's head is longer than ${MAX_PROXY_HEAD_BYTES} bytes`);
    const lines = this.#buffered.subarray(0, end).toString('latin1').split('\r\n');
    const statusLine = lines[0] ?? '';
    const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine);
    if (m === null) throw this.#bad(`it answered ${JSON.stringify(statusLine.slice(0, 80))}, not an HTTP status line`);
    const headers = new Map<string, string[]>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw this.#bad(`its answer has a malformed header line ${JSON.stringify(line.slice(0, 80))}`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const list = headers.get(name) ?? [];
      list.push(line.slice(colon + 1).trim());
      headers.set(name, list);
    }
    return { statusLine, status: Number(m[1]), headers, rest: this.#buffered.subarray(end + 4) };
  }

  #bad(message: string): TandemError {
    return new TandemError('TANDEM_ERR_PROXY_REFUSED', `the proxy ${this.#what} did not answer CONNECT as HTTP: ${message}`);
  }
}

/**
 * The authentication schemes a 407's Proxy-Authenticate fields offer
 * (RFC 9110 §11.7.1, §11.6.1: a field may hold several challenges, each a
 * scheme token followed by parameters), in order, as sent (`Basic`,
 * `Negotiate`, `NTLM`).
 */
export function offeredSchemes(head: ProxyResponseHead): string[] {
  const out: string[] = [];
  for (const value of head.headers.get('proxy-authenticate') ?? []) {
    // A challenge starts with a token not followed by `=` (which would make it an auth-param).
    for (const m of value.matchAll(/(?:^|,)\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)(?=\s+[^=,\s]|\s*,|\s*$)/g)) {
      const scheme = m[1] ?? '';
      if (scheme !== '' && !out.some((s) => s.toLowerCase() === scheme.toLowerCase())) out.push(scheme);
    }
  }
  return out;
}
