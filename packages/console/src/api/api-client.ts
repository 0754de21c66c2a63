/**
 * The console's client for the relay's HTTP API. Same origin, relative
 * `/api/...` paths, `Authorization: Bearer` once signed in. Every failure
 * surfaces as a TandemError whose code the pages translate.
 */
import type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/browser';
import { SECOND_FACTOR_KINDS, TandemError, isTandemErrorCode, type TandemErrorCode } from '@tandem/protocol';
import type { PasskeyInfo, SecondFactorKind, SecondFactorRequirement } from './types.js';
import type { AccountInfo, AuditEventRow, AuditSessionRow, LoginAnswer, NewUser, SetupInfo, SigninInfo, TotpEnrolment, UserAction, UserRow } from './types.js';

/** What the client needs from its surroundings. */
export interface ApiClientOptions {
  /** The current bearer token, if signed in. */
  getToken: () => string | undefined;
  /** Called when a signed-in request is answered 401: the token is no longer valid. */
  onUnauthorized?: () => void;
  /** fetch, injectable; defaults to the global one. */
  fetch?: typeof fetch;
  /** Prefix of every path; '' for the same origin. */
  baseUrl?: string;
}

/**
 * Picks an error code for an HTTP status when the body carries none (a
 * proxy's error page, say). Gateway errors mean the relay is out of reach.
 */
export function codeForStatus(status: number): TandemErrorCode {
  const byStatus: Record<number, TandemErrorCode> = {
    400: 'TANDEM_ERR_BAD_INPUT',
    401: 'TANDEM_ERR_UNAUTHORIZED',
    403: 'TANDEM_ERR_FORBIDDEN',
    404: 'TANDEM_ERR_NOT_FOUND',
    409: 'TANDEM_ERR_CONFLICT',
    413: 'TANDEM_ERR_MESSAGE_TOO_LARGE',
    429: 'TANDEM_ERR_RATE_LIMITED',
    502: 'TANDEM_ERR_RELAY_UNREACHABLE',
    503: 'TANDEM_ERR_RELAY_UNREACHABLE',
    504: 'TANDEM_ERR_RELAY_UNREACHABLE',
  };
  return byStatus[status] ?? 'TANDEM_ERR_INTERNAL';
}

/**
 * `TANDEM_ERR_SECOND_FACTOR` as the relay answers it: the factors the
 * account has, and with a passkey the options (a fresh challenge) for
 * `navigator.credentials.get()`.
 */
export class SecondFactorAsked extends TandemError {
  readonly factors: SecondFactorKind[];
  readonly passkey: PublicKeyCredentialRequestOptionsJSON | undefined;

  constructor(message: string | undefined, factors: SecondFactorKind[], passkey: PublicKeyCredentialRequestOptionsJSON | undefined) {
    super('TANDEM_ERR_SECOND_FACTOR', message);
    this.factors = factors;
    this.passkey = passkey;
  }
}

/** Builds a TandemError from a failed response's status and body text. */
export function errorFromResponse(status: number, bodyText: string): TandemError {
  try {
    const body: unknown = JSON.parse(bodyText);
    if (typeof body === 'object' && body !== null) {
      const { code, message, factors, passkey } = body as { code?: unknown; message?: unknown; factors?: unknown; passkey?: unknown };
      const text = typeof message === 'string' ? message : undefined;
      if (code === 'TANDEM_ERR_SECOND_FACTOR') {
        const kinds = Array.isArray(factors) ? factors.filter((f): f is SecondFactorKind => (SECOND_FACTOR_KINDS as readonly unknown[]).includes(f)) : [];
        const options = typeof passkey === 'object' && passkey !== null && typeof (passkey as { challenge?: unknown }).challenge === 'string' ? (passkey as PublicKeyCredentialRequestOptionsJSON) : undefined;
        return new SecondFactorAsked(text, kinds, options);
      }
      if (isTandemErrorCode(code)) return new TandemError(code, text);
    }
  } catch {
    // Not JSON (a proxy's error page, say): fall back to the status below.
  }
  return new TandemError(codeForStatus(status), `HTTP ${status}`);
}

/** Typed access to the relay's HTTP API. */
export class ApiClient {
  readonly #options: ApiClientOptions;
  readonly #fetch: typeof fetch;

  constructor(options: ApiClientOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** Sends one request; resolves with the raw response when it succeeded. */
  async #send(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = this.#options.getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await this.#fetch(`${this.#options.baseUrl ?? ''}${path}`, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        credentials: 'same-origin',
        cache: 'no-store',
      });
    } catch (err) {
      throw new TandemError('TANDEM_ERR_RELAY_UNREACHABLE', err instanceof Error ? err.message : String(err), { cause: err });
    }
    if (!response.ok) {
      const error = errorFromResponse(response.status, await response.text());
      if (token && error.code === 'TANDEM_ERR_UNAUTHORIZED') this.#options.onUnauthorized?.();
      throw error;
    }
    return response;
  }

  async #json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.#send(method, path, body);
    const text = await response.text();
    if (text === '') return {} as T;
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new TandemError('TANDEM_ERR_PROTOCOL', `${path}: the relay answered with invalid JSON`, { cause: err });
    }
  }

  /** POST /api/auth/login, with a TOTP or recovery code, or a passkey's answer, as the second factor. */
  login(username: string, password: string, totp?: string, passkey?: AuthenticationResponseJSON): Promise<LoginAnswer> {
    const second = passkey ? { passkey } : totp ? { totp } : {};
    return this.#json('POST', '/api/auth/login', { username, password, ...second });
  }

  /** GET /api/me/passkeys: the signed-in user's passkeys. */
  async myPasskeys(): Promise<PasskeyInfo[]> {
    return (await this.#json<{ passkeys: PasskeyInfo[] }>('GET', '/api/me/passkeys')).passkeys ?? [];
  }

  /** POST /api/me/passkeys/options: the options for `navigator.credentials.create()`. */
  passkeyOptions(): Promise<PublicKeyCredentialCreationOptionsJSON> {
    return this.#json('POST', '/api/me/passkeys/options', {});
  }

  /** POST /api/me/passkeys: registers the passkey the authenticator made, under `name`. */
  addPasskey(name: string, response: RegistrationResponseJSON): Promise<PasskeyInfo> {
    return this.#json('POST', '/api/me/passkeys', { name, response });
  }

  /** PATCH /api/me/passkeys/ID: renames a passkey. */
  async renamePasskey(id: string, name: string): Promise<void> {
    await this.#json('PATCH', `/api/me/passkeys/${encodeURIComponent(id)}`, { name });
  }

  /** DELETE /api/me/passkeys/ID: removes a passkey. */
  async removePasskey(id: string): Promise<void> {
    await this.#json('DELETE', `/api/me/passkeys/${encodeURIComponent(id)}`);
  }

  /** GET /api/policy/second-factor (admin): who must have a second factor. */
  async secondFactorPolicy(): Promise<SecondFactorRequirement> {
    return (await this.#json<{ require: SecondFactorRequirement }>('GET', '/api/policy/second-factor')).require;
  }

  /** PUT /api/policy/second-factor (admin). */
  async setSecondFactorPolicy(require: SecondFactorRequirement): Promise<void> {
    await this.#json('PUT', '/api/policy/second-factor', { require });
  }

  /** POST /api/me/totp/start: a new authenticator secret, its otpauth URI and QR code (pending until confirmed). */
  startTotp(): Promise<TotpEnrolment> {
    return this.#json('POST', '/api/me/totp/start', {});
  }

  /** POST /api/me/totp/confirm: confirms the enrolment with a code from the app; answers the recovery codes (shown once). */
  async confirmTotp(code: string): Promise<string[]> {
    return (await this.#json<{ recoveryCodes: string[] }>('POST', '/api/me/totp/confirm', { code })).recoveryCodes ?? [];
  }

  /** POST /api/auth/logout. */
  async logout(): Promise<void> {
    await this.#json('POST', '/api/auth/logout', {});
  }

  /** GET /api/me. */
  me(): Promise<AccountInfo> {
    return this.#json('GET', '/api/me');
  }

  /** POST /api/setup/describe: the token goes in the body, never in a URL a proxy would log. */
  setupInfo(token: string): Promise<SetupInfo> {
    return this.#json('POST', '/api/setup/describe', { token });
  }

  /** POST /api/setup/complete: sets the password; the link is spent. */
  async completeSetup(token: string, password: string, displayName?: string): Promise<void> {
    const body = displayName ? { token, password, displayName } : { token, password };
    await this.#json('POST', '/api/setup/complete', body);
  }

  /** GET /api/users (admin). */
  async listUsers(): Promise<UserRow[]> {
    return (await this.#json<{ users: UserRow[] }>('GET', '/api/users')).users ?? [];
  }

  /** POST /api/users (admin): answers the one-time set-up link. */
  async addUser(user: NewUser): Promise<string> {
    return (await this.#json<{ setupLink: string }>('POST', '/api/users', user)).setupLink;
  }

  /** POST /api/users/NAME/ACTION (admin): disable, enable, unlock, revoke-signins. */
  async userAction(username: string, action: UserAction): Promise<void> {
    await this.#json('POST', `/api/users/${encodeURIComponent(username)}/${action}`, {});
  }

  /** POST /api/users/NAME/reset (admin): answers the new one-time set-up link. */
  async resetUser(username: string): Promise<string> {
    return (await this.#json<{ setupLink: string }>('POST', `/api/users/${encodeURIComponent(username)}/reset`, {})).setupLink;
  }

  /** DELETE /api/users/NAME (admin). */
  async deleteUser(username: string): Promise<void> {
    await this.#json('DELETE', `/api/users/${encodeURIComponent(username)}`);
  }

  /** GET /api/me/signins: the signed-in user's open sign-ins. */
  async mySignins(): Promise<SigninInfo[]> {
    return (await this.#json<{ signins: SigninInfo[] }>('GET', '/api/me/signins')).signins ?? [];
  }

  /** POST /api/me/password: changes the signed-in user's password (the current one required). */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await this.#json('POST', '/api/me/password', { currentPassword, newPassword });
  }

  /** GET /api/audit/sessions (admin). */
  async auditSessions(limit = 500): Promise<AuditSessionRow[]> {
    return (await this.#json<{ sessions: AuditSessionRow[] }>('GET', `/api/audit/sessions?limit=${limit}`)).sessions ?? [];
  }

  /** GET /api/audit/events (admin). */
  async auditEvents(limit = 500): Promise<AuditEventRow[]> {
    return (await this.#json<{ events: AuditEventRow[] }>('GET', `/api/audit/events?limit=${limit}`)).events ?? [];
  }

  /** Fetches a signed-in download (the CSV exports) as a Blob. */
  async download(path: string): Promise<Blob> {
    return (await this.#send('GET', path)).blob();
  }
}
