/**
 * The one catalogue of Tandem errors. Every code is stable (scripts and
 * support staff match on it), carries the WebSocket close code used when the
 * error ends a connection and the HTTP status used when it answers a request.
 * `docs/errors.md` lists the same codes; a test keeps the two equal.
 */
export const ERROR_CATALOGUE = {
  TANDEM_ERR_BAD_INPUT: { close: 4400, http: 400, summary: 'A message or argument was malformed or out of range.' },
  TANDEM_ERR_PROTOCOL: { close: 4002, http: 400, summary: 'A peer sent a message that is not valid at this point of the protocol.' },
  TANDEM_ERR_MESSAGE_TOO_LARGE: { close: 1009, http: 413, summary: 'A frame or message exceeded the size limit.' },
  TANDEM_ERR_UNAUTHORIZED: { close: 4401, http: 401, summary: 'The request needs a valid sign-in.' },
  TANDEM_ERR_SIGNIN_FAILED: { close: 4401, http: 401, summary: 'Wrong user name or password.' },
  TANDEM_ERR_SECOND_FACTOR: { close: 4401, http: 401, summary: 'The password is right and the account has a second factor: sign in again with a one-time code from the authenticator app (or a recovery code) or a passkey; the answer lists the factors available (and, with a passkey, a challenge for it).' },
  TANDEM_ERR_ENROLMENT_REQUIRED: { close: 4403, http: 403, summary: 'The relay\'s policy requires a second factor and this account has none yet: this sign-in may only enrol one (an authenticator app or a passkey, on My account) until it has.' },
  TANDEM_ERR_PASSKEY_FAILED: { close: 4400, http: 400, summary: 'The passkey\'s answer could not be verified (made for another site, by a passkey not registered to this account, or for a challenge that expired or was used already); nothing was saved.' },
  TANDEM_ERR_PASSKEY_UNAVAILABLE: { close: 4400, http: 409, summary: 'Passkeys need the relay to be reached by a host name (its --public-url): WebAuthn does not accept an IP address as the relying party ID.' },
  TANDEM_ERR_SIGNIN_LOCKED: { close: 4429, http: 429, summary: 'Too many failed sign-ins for this account or address; wait and retry.' },
  TANDEM_ERR_RATE_LIMITED: { close: 4429, http: 429, summary: 'Too many requests from this address; wait and retry.' },
  TANDEM_ERR_FORBIDDEN: { close: 4403, http: 403, summary: 'The signed-in user may not do this.' },
  TANDEM_ERR_NOT_FOUND: { close: 4404, http: 404, summary: 'No such resource.' },
  TANDEM_ERR_CONFLICT: { close: 4409, http: 409, summary: 'The resource already exists or is in another state.' },
  TANDEM_ERR_SETUP_LINK: { close: 4403, http: 403, summary: 'The one-time set-up link is unknown, used or expired.' },
  TANDEM_ERR_CODE_UNKNOWN: { close: 4404, http: 404, summary: 'No session code with this number is waiting: it was never issued, was already used, or was burnt by a wrong attempt.' },
  TANDEM_ERR_CODE_EXPIRED: { close: 4410, http: 410, summary: 'The session code expired before the customer joined.' },
  TANDEM_ERR_WRONG_CODE: { close: 4411, http: 403, summary: 'The secret part of the session code did not match: the handshake failed and the code is burnt.' },
  TANDEM_ERR_NAMEPLATES_EXHAUSTED: { close: 4503, http: 503, summary: 'The relay has no free session codes right now.' },
  TANDEM_ERR_RECORD_AUTH: { close: 4412, http: 400, summary: 'An encrypted record failed authentication (tampered, replayed, reordered or from another session).' },
  TANDEM_ERR_TRUNCATED: { close: 4413, http: 400, summary: 'The encrypted stream ended without its authenticated close.' },
  TANDEM_ERR_REFUSED: { close: 4420, http: 403, summary: 'The customer refused the session.' },
  TANDEM_ERR_PEER_LOST: { close: 4001, http: 502, summary: 'The other side\'s connection was lost.' },
  TANDEM_ERR_TIMEOUT: { close: 4408, http: 504, summary: 'The other side or the relay did not answer in time.' },
  TANDEM_ERR_RELAY_UNREACHABLE: { close: 4502, http: 502, summary: 'The relay could not be reached.' },
  TANDEM_ERR_TLS_FINGERPRINT: { close: 4495, http: 495, summary: 'The relay\'s TLS certificate does not match the expected fingerprint, or is untrusted and no fingerprint was given.' },
  TANDEM_ERR_TLS_INTERCEPTED: { close: 4495, http: 495, summary: 'The network between this computer and the relay inspects encrypted traffic (a proxy re-signed the relay\'s certificate); ask IT to exempt the relay\'s address from TLS inspection.' },
  TANDEM_ERR_PROXY_AUTH: { close: 4407, http: 407, summary: 'The HTTP proxy asks for a user name and password, and none or wrong ones were given.' },
  TANDEM_ERR_PROXY_AUTH_UNSUPPORTED: { close: 4407, http: 407, summary: 'The HTTP proxy asks for a sign-in scheme Tandem does not speak (Negotiate, NTLM); ask IT to allow the relay\'s address without it, or to enable Basic.' },
  TANDEM_ERR_PROXY_REFUSED: { close: 4502, http: 502, summary: 'The HTTP proxy refused or failed to open a tunnel to the relay.' },
  TANDEM_ERR_RELAY_NOT_CONFIGURED: { close: 4400, http: 400, summary: 'The invitation names none of the relays the technician configured (--relay); sign-ins go only to those, so nothing was contacted.' },
  TANDEM_ERR_INVITATION_INVALID: { close: 4400, http: 400, summary: 'The invitation (file or link) is damaged, incomplete or was edited.' },
  TANDEM_ERR_INVITATION_VERSION: { close: 4426, http: 426, summary: 'The invitation was made by a newer Tandem; update Tandem to open it.' },
  TANDEM_ERR_INVITATION_EXPIRED: { close: 4410, http: 410, summary: 'The invitation has expired or was withdrawn by the customer.' },
  TANDEM_ERR_POLICY_INVALID: { close: 4400, http: 400, summary: 'A local policy file cannot be read or understood; the agent does not run without knowing its policy.' },
  TANDEM_ERR_POLICY_FORBIDS: { close: 4403, http: 403, summary: 'The local policy on the customer\'s computer forbids this.' },
  TANDEM_ERR_AGENT_DAMAGED: { close: 4400, http: 422, summary: 'The downloaded agent\'s file is damaged or incomplete (its integrity check failed); nothing was run: download it again.' },
  TANDEM_ERR_TEMP_UNWRITABLE: { close: 1011, http: 500, summary: 'The agent cannot create or write its private temporary folder (TMPDIR, or the system\'s temporary folder); nothing was run.' },
  TANDEM_ERR_SECURE_DESKTOP: { close: 4423, http: 409, summary: 'The customer\'s Windows shows its secure desktop (a UAC prompt, Ctrl+Alt+Del or the lock screen), which no program of the user can see or control: the picture stands still and input is dropped until the customer closes it.' },
  TANDEM_ERR_FILE_FAILED: { close: 4424, http: 422, summary: 'A file transfer failed (a disk full or unwritable, a file unreadable, or the file arrived damaged); nothing was saved under its name and its partial file was removed.' },
  TANDEM_ERR_CONFIG_INVALID: { close: 4400, http: 400, summary: 'The relay\'s configuration (command line, TANDEM_* environment or --config file) has an unknown key, a value of the wrong type or a bad value; the relay did not start.' },
  TANDEM_ERR_QUEUE_FULL: { close: 4503, http: 503, summary: 'The queue asked for is full; try again later, pick another team, or call the help desk.' },
  TANDEM_ERR_QUEUE_GONE: { close: 4410, http: 410, summary: 'The queue entry is no longer there: it was left, it expired, or its page was closed for longer than the grace period.' },
  TANDEM_ERR_SHUTTING_DOWN: { close: 1001, http: 503, summary: 'The relay is shutting down.' },
  TANDEM_ERR_INTERNAL: { close: 1011, http: 500, summary: 'An unexpected internal error; the process keeps running.' },
} as const satisfies Record<string, { close: number; http: number; summary: string }>;

/** A stable error code, `TANDEM_ERR_*`. */
export type TandemErrorCode = keyof typeof ERROR_CATALOGUE;

/** All error codes, in catalogue order. */
export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as TandemErrorCode[];

/** True when `value` is a known error code. */
export function isTandemErrorCode(value: unknown): value is TandemErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CATALOGUE, value);
}

/** An error with a stable code, the close code and HTTP status that go with it. */
export class TandemError extends Error {
  /** Stable code, `TANDEM_ERR_*`. */
  readonly code: TandemErrorCode;
  /** WebSocket close code to use when this error ends a connection. */
  readonly closeCode: number;
  /** HTTP status to use when this error answers a request. */
  readonly httpStatus: number;

  constructor(code: TandemErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? ERROR_CATALOGUE[code].summary, options);
    this.name = 'TandemError';
    this.code = code;
    this.closeCode = ERROR_CATALOGUE[code].close;
    this.httpStatus = ERROR_CATALOGUE[code].http;
  }

  /** The JSON shape sent to peers: `{ code, message }`. */
  toJSON(): { code: TandemErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** Wraps anything thrown into a TandemError, keeping TandemErrors as they are. */
export function toTandemError(err: unknown, fallback: TandemErrorCode = 'TANDEM_ERR_INTERNAL'): TandemError {
  if (err instanceof TandemError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new TandemError(fallback, message, { cause: err });
}
