import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { TandemError, assertObject, assertPlainName, assertString, type PasskeyInfo } from '@tandem/protocol';
import type { AuditLog } from '../audit.js';
import type { Storage } from '../storage.js';

/** How long a WebAuthn challenge may be answered, milliseconds (the ceremony's timeout, WebAuthn §5.4.6: 5 minutes). */
export const CHALLENGE_LIFETIME_MS = 5 * 60_000;
/** Passkeys one account may register. */
export const MAX_PASSKEYS = 20;
/** Longest base64url field of a WebAuthn answer accepted (the request body is capped at 16 KiB anyway). */
const MAX_RESPONSE_FIELD_CHARS = 12_000;
/** Longest name of a passkey. */
export const MAX_PASSKEY_NAME_CHARS = 64;

/** Where the relay is reached: the RP ID is its host name, and the answers must come from its origin. */
export interface RelyingParty {
  /** The name an authenticator shows (the help desk's). */
  name: string;
  /** The relay's public URL (`--public-url`, or the listening address). */
  publicUrl: string;
}

/** What a passkey check at sign-in found: `ok`, or the audit detail of the failure. */
export type PasskeyCheck =
  | 'ok'
  | 'unknown passkey'
  | 'passkey answer made for another site (origin or RP ID)'
  | 'passkey challenge unknown, used or expired' | 'passkey answer not verified' | 'passkey counter did not increase (a cloned authenticator or a replay)';

/**
 * Passkeys (WebAuthn, W3C Web Authentication Level 3, through
 * @simplewebauthn/server) as a second factor: an account registers one or
 * more on My account and signs in with one of them instead of a TOTP code,
 * after its password (not instead of it: the sign-in stays password plus a
 * second factor whatever the factor).
 *
 * Each challenge is stored with the account and the ceremony it is for and
 * spent by the first answer that names it (an atomic delete), so an
 * assertion cannot be used twice; the signature counter of every credential
 * must grow from one sign-in to the next (§6.1.1), so a clone of an
 * authenticator that counts is refused; the answer must come from the
 * relay's own origin and RP ID.
 */
export class Passkeys {
  readonly #storage: Storage;
  readonly #audit: AuditLog;
  readonly #rp: (() => RelyingParty) | undefined;
  readonly #now: () => number;

  /** `relyingParty` is where the relay is reached; without it (the command line) passkeys are listed and removed, never verified. */
  constructor(deps: { storage: Storage; audit: AuditLog; relyingParty?: () => RelyingParty; now?: () => number }) {
    this.#storage = deps.storage;
    this.#audit = deps.audit;
    this.#rp = deps.relyingParty;
    this.#now = deps.now ?? Date.now;
  }

  /** The passkeys of `username`, oldest first. */
  async list(username: string): Promise<PasskeyInfo[]> {
    const rows = await this.#storage.db.selectFrom('passkeys').selectAll().where('username', '=', username).orderBy('created_at').execute();
    return rows.map((r) => ({ id: r.credential_id, name: r.name, createdAt: Number(r.created_at), lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at) }));
  }

  /** The accounts that have at least one passkey. */
  async owners(): Promise<Set<string>> {
    const rows = await this.#storage.db.selectFrom('passkeys').select('username').distinct().execute();
    return new Set(rows.map((r) => r.username));
  }

  /** True when `username` has at least one passkey. */
  async has(username: string): Promise<boolean> {
    const row = await this.#storage.db.selectFrom('passkeys').select('credential_id').where('username', '=', username).executeTakeFirst();
    return row !== undefined;
  }

  /** The options for `navigator.credentials.create()` (through @simplewebauthn/browser), its challenge stored. */
  async registrationOptions(username: string, displayName: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const { rpId, name } = this.#party();
    const existing = await this.#credentials(username);
    if (existing.length >= MAX_PASSKEYS) throw new TandemError('TANDEM_ERR_CONFLICT', `An account may have at most ${MAX_PASSKEYS} passkeys; remove one first.`);
    const options = await generateRegistrationOptions({
      rpName: name,
      rpID: rpId,
      userName: username,
      userDisplayName: displayName,
      userID: await this.#userHandle(username),
      attestationType: 'none',
      // The same authenticator twice would be one factor counted as two.
      excludeCredentials: existing.map((c) => ({ id: c.credential_id, transports: splitTransports(c.transports) })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
      timeout: CHALLENGE_LIFETIME_MS,
    });
    await this.#storeChallenge(options.challenge, username, 'register');
    return options;
  }

  /**
   * Registers the passkey an authenticator created for the challenge of
   * {@link registrationOptions}; TANDEM_ERR_PASSKEY_FAILED when the answer
   * does not verify (another origin, a spent challenge, a bad attestation).
   */
  async register(username: string, nameValue: unknown, response: unknown, actor: string): Promise<PasskeyInfo> {
    assertPlainName(nameValue, 'name', MAX_PASSKEY_NAME_CHARS, 1);
    const name = nameValue.trim();
    assertResponse(response);
    const { rpId, origin } = this.#party();
    let verified;
    try {
      verified = await verifyRegistrationResponse({
        response: response as unknown as RegistrationResponseJSON,
        expectedChallenge: (challenge) => this.#spendChallenge(challenge, username, 'register'),
        expectedOrigin: origin,
        expectedRPID: rpId,
        requireUserVerification: false,
      });
    } catch (err) {
      throw new TandemError('TANDEM_ERR_PASSKEY_FAILED', `The new passkey could not be verified: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    if (!verified.verified) throw new TandemError('TANDEM_ERR_PASSKEY_FAILED');
    const { credential } = verified.registrationInfo;
    const createdAt = this.#now();
    try {
      await this.#storage.db
        .insertInto('passkeys')
        .values({
          credential_id: credential.id,
          username,
          name,
          public_key: Buffer.from(credential.publicKey).toString('base64url'),
          counter: credential.counter,
          transports: (credential.transports ?? []).join(','),
          created_at: createdAt,
          last_used_at: null,
        })
        .execute();
    } catch (err) {
      // The primary key: this credential is registered already (to this or another account).
      throw new TandemError('TANDEM_ERR_CONFLICT', 'This passkey is registered already.', { cause: err });
    }
    await this.#audit.event({ kind: 'passkey-added', username, detail: `by=${actor} name=${name}` });
    return { id: credential.id, name, createdAt, lastUsedAt: null };
  }

  /** Removes one passkey of `username`; TANDEM_ERR_NOT_FOUND when it has none of that ID. */
  async remove(username: string, id: unknown, actor: string): Promise<void> {
    assertCredentialId(id);
    const row = await this.#storage.db.selectFrom('passkeys').select('name').where('credential_id', '=', id).where('username', '=', username).executeTakeFirst();
    if (!row) throw new TandemError('TANDEM_ERR_NOT_FOUND', 'No such passkey.');
    await this.#storage.db.deleteFrom('passkeys').where('credential_id', '=', id).where('username', '=', username).execute();
    await this.#audit.event({ kind: 'passkey-removed', username, detail: `by=${actor} name=${row.name}` });
  }

  /** Renames one passkey of `username`. */
  async rename(username: string, id: unknown, nameValue: unknown): Promise<void> {
    assertCredentialId(id);
    assertPlainName(nameValue, 'name', MAX_PASSKEY_NAME_CHARS, 1);
    const done = await this.#storage.db.updateTable('passkeys').set({ name: nameValue.trim() }).where('credential_id', '=', id).where('username', '=', username).executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) throw new TandemError('TANDEM_ERR_NOT_FOUND', 'No such passkey.');
  }

  /**
   * The options for `navigator.credentials.get()` at sign-in, once the
   * password was right (only then: the credential IDs are the account's),
   * or undefined when the account has no passkey or the relay is reached by
   * an address WebAuthn does not accept.
   */
  async signinOptions(username: string): Promise<PublicKeyCredentialRequestOptionsJSON | undefined> {
    const credentials = await this.#credentials(username);
    const party = this.#partyOrUndefined();
    if (credentials.length === 0 || party === undefined) return undefined;
    const options = await generateAuthenticationOptions({
      rpID: party.rpId,
      allowCredentials: credentials.map((c) => ({ id: c.credential_id, transports: splitTransports(c.transports) })),
      userVerification: 'preferred',
      timeout: CHALLENGE_LIFETIME_MS,
    });
    await this.#storeChallenge(options.challenge, username, 'signin');
    return options;
  }

  /**
   * Checks an assertion given at sign-in (`passkey` of POST /api/auth/login)
   * for `username`: a passkey of that account, a signature over a challenge
   * handed to that account and not spent, from the relay's origin and RP ID,
   * with a counter above the last one accepted (written atomically, so two
   * sign-ins with one assertion cannot both pass).
   */
  async check(username: string, response: unknown): Promise<PasskeyCheck> {
    assertResponse(response);
    const id = response.id;
    const row = await this.#storage.db.selectFrom('passkeys').selectAll().where('credential_id', '=', id).where('username', '=', username).executeTakeFirst();
    if (!row) return 'unknown passkey';
    const party = this.#partyOrUndefined();
    if (party === undefined) return 'passkey answer not verified';
    let spent = false;
    let result;
    try {
      result = await verifyAuthenticationResponse({
        response: response as unknown as AuthenticationResponseJSON,
        expectedChallenge: async (challenge) => (spent = await this.#spendChallenge(challenge, username, 'signin')),
        expectedOrigin: party.origin,
        expectedRPID: party.rpId,
        credential: { id: row.credential_id, publicKey: Buffer.from(row.public_key, 'base64url'), counter: Number(row.counter), transports: splitTransports(row.transports) },
        requireUserVerification: false,
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : '';
      if (/counter value/i.test(message)) return 'passkey counter did not increase (a cloned authenticator or a replay)';
      if (/origin|RP ID/i.test(message)) return 'passkey answer made for another site (origin or RP ID)';
      return spent ? 'passkey answer not verified' : 'passkey challenge unknown, used or expired';
    }
    if (!result.verified) return 'passkey answer not verified';
    const counter = result.authenticationInfo.newCounter;
    // Authenticators that keep no counter always send 0 (§6.1.1): then only the challenge guards against replay.
    const updated = await this.#storage.db
      .updateTable('passkeys')
      .set({ counter, last_used_at: this.#now() })
      .where('credential_id', '=', id)
      .where((eb) => (counter === 0 ? eb('counter', '=', 0) : eb('counter', '<', counter)))
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1 ? 'ok' : 'passkey counter did not increase (a cloned authenticator or a replay)';
  }

  /** Forgets every passkey and challenge of `username` (reset, delete). */
  async clear(username: string): Promise<void> {
    await this.#storage.db.deleteFrom('passkeys').where('username', '=', username).execute();
    await this.#storage.db.deleteFrom('webauthn_challenges').where('username', '=', username).execute();
  }

  #credentials(username: string): Promise<{ credential_id: string; transports: string }[]> {
    return this.#storage.db.selectFrom('passkeys').select(['credential_id', 'transports']).where('username', '=', username).execute();
  }

  async #userHandle(username: string): Promise<Uint8Array<ArrayBuffer>> {
    const db = this.#storage.db;
    const row = await db.selectFrom('users').select('webauthn_user_id').where('username', '=', username).executeTakeFirst();
    if (!row) throw new TandemError('TANDEM_ERR_NOT_FOUND', `no user ${username}`);
    if (row.webauthn_user_id !== null) return new Uint8Array(Buffer.from(row.webauthn_user_id, 'base64url'));
    // A random handle, never the user name: §14.6.1 wants no personal data in it.
    const handle = randomBytes(16).toString('base64url');
    await db.updateTable('users').set({ webauthn_user_id: handle }).where('username', '=', username).where('webauthn_user_id', 'is', null).execute();
    const again = await db.selectFrom('users').select('webauthn_user_id').where('username', '=', username).executeTakeFirst();
    return new Uint8Array(Buffer.from(again?.webauthn_user_id ?? handle, 'base64url'));
  }

  async #storeChallenge(challenge: string, username: string, purpose: 'register' | 'signin'): Promise<void> {
    const db = this.#storage.db;
    const now = this.#now();
    await db.deleteFrom('webauthn_challenges').where('expires_at', '<=', now).execute();
    await db.insertInto('webauthn_challenges').values({ challenge, username, purpose, expires_at: now + CHALLENGE_LIFETIME_MS }).execute();
  }

  /** Spends a challenge: true for the one answer whose delete hit its row (unexpired, this account, this ceremony). */
  async #spendChallenge(challenge: string, username: string, purpose: 'register' | 'signin'): Promise<boolean> {
    const deleted = await this.#storage.db
      .deleteFrom('webauthn_challenges')
      .where('challenge', '=', challenge)
      .where('username', '=', username)
      .where('purpose', '=', purpose)
      .where('expires_at', '>', this.#now())
      .executeTakeFirst();
    return Number(deleted.numDeletedRows) === 1;
  }

  #partyOrUndefined(): { rpId: string; origin: string; name: string } | undefined {
    if (this.#rp === undefined) return undefined;
    const { publicUrl, name } = this.#rp();
    const url = new URL(publicUrl);
    const rpId = url.hostname.replace(/^\[|\]$/g, '');
    // WebAuthn §5.1.4.1 (and every browser) refuses an IP address as the RP ID: only a host name (localhost included) will do.
    if (rpId === '' || isIP(rpId) !== 0) return undefined;
    return { rpId, origin: url.origin, name };
  }

  #party(): { rpId: string; origin: string; name: string } {
    const party = this.#partyOrUndefined();
    if (party === undefined) throw new TandemError('TANDEM_ERR_PASSKEY_UNAVAILABLE');
    return party;
  }
}

function splitTransports(text: string): AuthenticatorTransportFuture[] {
  return text === '' ? [] : text.split(',');
}

type AuthenticatorTransportFuture = NonNullable<RegistrationResponseJSON['response']['transports']>[number];

function assertCredentialId(value: unknown): asserts value is string {
  assertString(value, 'id', 1024, 1);
  if (!/^[A-Za-z0-9_-]+$/.test(value)) throw new TandemError('TANDEM_ERR_BAD_INPUT', 'id: must be a base64url credential ID');
}

/** Fails unless `value` looks like a WebAuthn answer in JSON (the library checks the rest). */
function assertResponse(value: unknown): asserts value is { id: string; response: Record<string, unknown> } {
  assertObject(value, 'passkey');
  assertCredentialId(value.id);
  assertObject(value.response, 'passkey.response');
  assertString(value.type, 'passkey.type', 32, 1);
  for (const [key, field] of Object.entries(value.response)) {
    if (typeof field === 'string') assertString(field, `passkey.response.${key}`, MAX_RESPONSE_FIELD_CHARS);
  }
}
