/**
 * What each attempt to reach a relay did, step by step, for the diagnostic
 * report (issue 12): DNS, TCP, the proxy's status line, TLS and the
 * certificate seen, the WebSocket upgrade. One trace per command, passed to
 * the transports that fill it in; it holds host names, addresses, status
 * lines and fingerprints only, never a credential.
 */

/** One relay through one route. */
export interface RouteAttempt {
  /** The relay's URL. */
  relay: string;
  /** `DIRECT` or `PROXY host:port`. */
  route: string;
  /** `name → address`, or the lookup's error. */
  dns?: string;
  /** `connected to ADDRESS:PORT in N ms`, or the error and when. */
  tcp?: string;
  /** The proxy's status line to CONNECT. */
  proxyStatus?: string;
  /** `ok (TLSv1.3)`, or why it was refused. */
  tls?: string;
  /** SHA-256 of the certificate the relay's side presented, colon form. */
  fingerprint?: string;
  /** `HTTP 101`, or the status that refused it. */
  upgrade?: string;
  /** The attempt's end: `connected`, or the error code and message. */
  result?: string;
}

/** The attempts of one command, in order. */
export class ConnectionTrace {
  readonly #attempts: RouteAttempt[] = [];
  /** At most this many attempts are kept (a long-running agent retries forever). */
  static readonly MAX_ATTEMPTS = 200;

  /** Starts recording an attempt; the transport fills in the returned record. */
  begin(relay: string, route: string): RouteAttempt {
    const attempt: RouteAttempt = { relay, route };
    this.#attempts.push(attempt);
    if (this.#attempts.length > ConnectionTrace.MAX_ATTEMPTS) this.#attempts.shift();
    return attempt;
  }

  /** Records the WebSocket upgrade's answer on the latest attempt to `relay`. */
  noteUpgrade(relay: string, text: string): void {
    const latest = this.#attempts.findLast((a) => a.relay === relay);
    if (latest !== undefined) latest.upgrade = text;
  }

  /** A copy of the attempts so far. */
  attempts(): RouteAttempt[] {
    return this.#attempts.map((a) => ({ ...a }));
  }
}
