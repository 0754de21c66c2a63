import { createHash, randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { TandemError, assertString, type SecondFactorKind, type TandemErrorCode } from '@tandem/protocol';
import type { AuditLog } from './audit.js';
import type { Storage } from './storage.js';

/** Issuer named in the authenticator app (the otpauth URI's `issuer`). */
export const TOTP_ISSUER = 'Tandem';
/** Recovery codes issued at enrolment. */
export const RECOVERY_CODES = 10;
/**
 * Time steps either side of now a TOTP code is accepted for (RFC 6238 §5.2
 * recommends at most one step of network delay): one 30 s step back and
 * forward, in seconds.
 */
const TOLERANCE_S = 30;

/** Second factors an account can sign in with, as `TANDEM_ERR_SECOND_FACTOR` lists them (defined in the protocol). */
export type { SecondFactorKind };

/**
 * The answer to a sign-in that needs a second factor: `{code, message,
 * factors}`, and `passkey`, the options for `navigator.credentials.get()`
 * (a fresh challenge), when the account has passkeys.
 */
export class SecondFactorNeeded extends TandemError {
  readonly factors: SecondFactorKind[];
  readonly passkey: PublicKeyCredentialRequestOptionsJSON | undefined;

  constructor(factors: SecondFactorKind[], passkey?: PublicKeyCredentialRequestOptionsJSON) {
    super('TANDEM_ERR_SECOND_FACTOR');
    this.factors = factors;
    this.passkey = passkey;
  }

  override toJSON(): { code: TandemErrorCode; message: string; factors: SecondFactorKind[]; passkey?: PublicKeyCredentialRequestOptionsJSON } {
    return { ...super.toJSON(), factors: this.factors, ...(this.passkey ? { passkey: this.passkey } : {}) };
  }
}

/** A TOTP enrolment waiting for its confirmation code. */
export interface TotpEnrolment {
  /** The secret, base32, for typing in by hand. */
  secret: string;
  /** `otpauth://totp/Tandem:NAME?secret=…&issuer=Tandem` (the Key Uri Format authenticator apps read). */
  otpauthUrl: string;
  /** The URI as a QR code, an SVG `data:` URL. */
  qr: string;
}

/** A second-factor check against an account's row. */
export interface FactorRow {
  username: string;
  totpSecret: string | null;
  totpLastStep: number | null;
  recoveryHashes: string;
}

/** What a check found: `ok`, or the audit detail of the failure. */
export type FactorCheck = 'ok' | 'wrong one-time code' | 'replayed one-time code' | 'wrong recovery code';

function hashCode(code: string): string {
  return createHash('sha256').update(code.toUpperCase().replace(/[^A-Z0-9]/g, ''), 'utf8').digest('hex');
}

/** A recovery code: 16 base32 characters (80 random bits) in groups of four. */
function newRecoveryCode(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = randomBytes(16);
  const chars = [...bytes].map((b) => alphabet[b & 31]).join('');
  return chars.match(/.{4}/g)?.join('-') ?? chars;
}

/**
 * TOTP (RFC 6238, through otplib) and recovery codes. Secrets are kept in the
 * account's row as they are: the relay must compute codes from them.
 * Recovery codes carry 80 random bits, so a plain SHA-256 keeps them
 * (as tokens are): a leaked database does not give usable ones.
 */
export class SecondFactors {
  readonly #storage: Storage;
  readonly #audit: AuditLog;
  readonly #now: () => number;

  constructor(deps: { storage: Storage; audit: AuditLog; now?: () => number }) {
    this.#storage = deps.storage;
    this.#audit = deps.audit;
    this.#now = deps.now ?? Date.now;
  }

  /** The factors an account's row has. */
  static factorsOf(row: FactorRow): ('totp' | 'recovery')[] {
    if (row.totpSecret === null) return [];
    return row.recoveryHashes === '' ? ['totp'] : ['totp', 'recovery'];
  }

  /** Starts a TOTP enrolment: a fresh secret, kept pending until {@link confirmTotp}. */
  async startTotp(username: string): Promise<TotpEnrolment> {
    const secret = generateSecret();
    await this.#storage.db.updateTable('users').set({ totp_pending: secret }).where('username', '=', username).execute();
    return enrolment(username, secret);
  }

  /**
   * Confirms the pending enrolment with a code computed from it (proof the
   * app holds the secret): the secret replaces any earlier one, the step is
   * spent, and fresh recovery codes are returned, once, in the clear.
   */
  async confirmTotp(username: string, code: unknown, actor: string): Promise<string[]> {
    assertString(code, 'code', 64, 1);
    const row = await this.#storage.db.selectFrom('users').select(['totp_pending']).where('username', '=', username).executeTakeFirst();
    const pending = row?.totp_pending ?? null;
    if (pending === null) throw new TandemError('TANDEM_ERR_CONFLICT', 'No authenticator enrolment is waiting; start again.');
    const step = await this.#totpStep(pending, code);
    if (step === undefined) throw new TandemError('TANDEM_ERR_BAD_INPUT', 'code: does not match; check the time of the device and type the current code.');
    return this.#enable(username, pending, step, actor);
  }

  /** Enrols TOTP at once, without a confirmation code (`tandem-relay user totp`, for scripts). */
  async enrolDirect(username: string, actor: string): Promise<{ otpauthUrl: string; recoveryCodes: string[] }> {
    const secret = generateSecret();
    const recoveryCodes = await this.#enable(username, secret, null, actor);
    return { otpauthUrl: otpauthUrl(username, secret), recoveryCodes };
  }

  /**
   * Checks a code given at sign-in: six digits are a TOTP code, accepted
   * once (its time step must be after the last accepted one, written
   * atomically so two sign-ins with one code cannot both pass); anything else
   * is tried as a recovery code, spent on use.
   */
  async check(row: FactorRow, code: string): Promise<FactorCheck> {
    if (row.totpSecret === null) return 'ok';
    if (/^\d{6}$/.test(code)) {
      const step = await this.#totpStep(row.totpSecret, code);
      if (step === undefined) return 'wrong one-time code';
      const spent = await this.#storage.db
        .updateTable('users')
        .set({ totp_last_step: step })
        .where('username', '=', row.username)
        .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
        .executeTakeFirst();
      return Number(spent.numUpdatedRows) === 1 ? 'ok' : 'replayed one-time code';
    }
    const hash = hashCode(code);
    const hashes = row.recoveryHashes.split(' ').filter((h) => h !== '');
    if (!hashes.includes(hash)) return 'wrong recovery code';
    const left = hashes.filter((h) => h !== hash).join(' ');
    const spent = await this.#storage.db
      .updateTable('users')
      .set({ recovery_hashes: left })
      .where('username', '=', row.username)
      .where('recovery_hashes', '=', row.recoveryHashes)
      .executeTakeFirst();
    if (Number(spent.numUpdatedRows) !== 1) return 'wrong recovery code';
    await this.#audit.event({ kind: 'recovery-code-used', username: row.username, detail: `left=${left === '' ? 0 : left.split(' ').length}` });
    return 'ok';
  }

  /** The time step `code` is valid for (within the tolerance), or undefined. */
  async #totpStep(secret: string, code: string): Promise<number | undefined> {
    if (!/^\d{6}$/.test(code)) return undefined;
    const result = await verify({ secret, token: code, epoch: Math.floor(this.#now() / 1000), epochTolerance: TOLERANCE_S });
    return result.valid && 'timeStep' in result ? result.timeStep : undefined;
  }

  async #enable(username: string, secret: string, step: number | null, actor: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
    await this.#storage.db
      .updateTable('users')
      .set({ totp_secret: secret, totp_pending: null, totp_last_step: step, recovery_hashes: codes.map(hashCode).join(' ') })
      .where('username', '=', username)
      .execute();
    await this.#audit.event({ kind: 'totp-enrolled', username, detail: `by=${actor}` });
    return codes;
  }
}

/** The otpauth URI of `username`'s secret (Key Uri Format). */
export function otpauthUrl(username: string, secret: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: username, secret });
}

async function enrolment(username: string, secret: string): Promise<TotpEnrolment> {
  const url = otpauthUrl(username, secret);
  const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { secret, otpauthUrl: url, qr: `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}` };
}
