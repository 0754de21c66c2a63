/**
 * The customer's own record of each invitation made on this computer
 * (BRIEF §2): what the agent needs to decide attempts with its own clock,
 * kept outside the invitation file so that editing or copying that file
 * changes nothing. One JSON file per invitation,
 * `$XDG_STATE_HOME/tandem/invitations/ID.json` (or
 * `~/.local/state/tandem/invitations/ID.json`, XDG Base Directory rules),
 * folder 0700, files 0600, written atomically (temporary file + rename),
 * changed under a lock so two processes never lose each other's change.
 *
 * A password-protected invitation's record keeps nothing of the password:
 * the running `tandem invite` holds it in memory for the PAKE, and the
 * handshake is what checks it (an offline-testable hash on disk would only
 * help someone who reads the file guess it).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { TandemError, invitationExpiresAt, type Invitation, type InvitationRelay } from '@tandem/protocol';
import { processRuns, withRecordLock } from './record-lock.js';

/** Why an invitation stopped being usable before its lifetime ended. */
export type ExpiredReason = 'expired-by-customer' | 'too-many-wrong-passwords';

/** One invitation as this computer remembers it. */
export interface InvitationRecord {
  version: 1;
  id: string;
  ticket: string;
  customerName: string;
  passwordProtected: boolean;
  /** The invitation's secret (the PAKE secret when there is no password). */
  secret?: string;
  /** Start, ms since the epoch, by this computer's clock. */
  start: number;
  lifetimeSeconds: number;
  relays: InvitationRelay[];
  /** Wrong passwords so far. */
  wrongAttempts: number;
  /** Wrong passwords at which it expires. */
  maxWrong: number;
  expired: boolean;
  expiredReason?: ExpiredReason;
  /** A session took place: one session per invitation. */
  used: boolean;
  /** The `tandem invite` process holding it, while it runs. */
  holderPid?: number;
  /** The relay the holder holds the ticket on right now (absent while it connects or retries). */
  heldOn?: string;
  /** Where the invitation file was written. */
  file?: string;
}

/** What an invitation's record says about it at a given time. */
export type InvitationStatus = 'open' | 'expired' | 'lapsed' | 'used';

/** The record's status at `now` (this computer's clock). */
export function recordStatus(rec: InvitationRecord, now: number): InvitationStatus {
  if (rec.used) return 'used';
  if (rec.expired) return 'expired';
  if (now >= rec.start + rec.lifetimeSeconds * 1000) return 'lapsed';
  return 'open';
}

/** True when the `tandem invite` holding a record still runs. */
export function holderAlive(pid: number | undefined): boolean {
  return pid !== undefined && processRuns(pid);
}

/** What {@link expireInvitation} did: expired it now, found it expired already, or found it used. */
export type ExpireOutcome = 'expired' | 'already-expired' | 'used';

/**
 * Expires one invitation at once (`tandem expire ID`, the page's "Expire
 * now"): marks the record; the `tandem invite` holding it notices within a
 * second and releases the ticket. A used invitation is left as it is.
 */
export function expireInvitation(store: InvitationStore, id: string): ExpireOutcome {
  let outcome: ExpireOutcome = 'expired';
  store.update(id, (r) => {
    if (r.used) outcome = 'used';
    else if (r.expired) outcome = 'already-expired';
    else {
      r.expired = true;
      r.expiredReason ??= 'expired-by-customer';
    }
  });
  return outcome;
}

/** The record for a new invitation. */
export function newRecord(inv: Invitation, args: { maxWrong: number; file: string; holderPid: number }): InvitationRecord {
  const rec: InvitationRecord = {
    version: 1,
    id: inv.id,
    ticket: inv.ticket,
    customerName: inv.customerName,
    passwordProtected: inv.passwordProtected,
    start: inv.start,
    lifetimeSeconds: inv.lifetimeSeconds,
    relays: inv.relays,
    wrongAttempts: 0,
    maxWrong: args.maxWrong,
    expired: false,
    used: false,
    holderPid: args.holderPid,
    file: args.file,
  };
  if (inv.secret !== undefined) rec.secret = inv.secret;
  return rec;
}

/** Expiry of a record, ms since the epoch. */
export function recordExpiresAt(rec: InvitationRecord): number {
  return invitationExpiresAt(rec);
}

/** `$XDG_STATE_HOME/tandem/invitations`, or `~/.local/state/tandem/invitations`. */
export function invitationsDir(env: NodeJS.ProcessEnv, home = homedir()): string {
  const xdg = env.XDG_STATE_HOME;
  if (xdg !== undefined && xdg !== '' && isAbsolute(xdg)) return join(xdg, 'tandem', 'invitations');
  return join(home, '.local', 'state', 'tandem', 'invitations');
}

const ID_RE = /^[0-9a-f]{12}$/;

function parseRecord(text: string, path: string): InvitationRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `invitation record ${path}: not JSON (damaged?)`, { cause: err });
  }
  // Records of older versions carry `passwordVerifier`, an scrypt hash of the password that nothing
  // used: ignored, and gone from the file at the next write.
  const fields = typeof value === 'object' && value !== null ? value : {};
  const { passwordVerifier: _oldVerifier, ...r } = fields as Partial<InvitationRecord> & { passwordVerifier?: unknown };
  const ok =
    r.version === 1 && typeof r.id === 'string' && ID_RE.test(r.id) &&
    typeof r.ticket === 'string' && typeof r.customerName === 'string' && typeof r.passwordProtected === 'boolean' &&
    Number.isInteger(r.start) && Number.isInteger(r.lifetimeSeconds) && Array.isArray(r.relays) &&
    Number.isInteger(r.wrongAttempts) && Number.isInteger(r.maxWrong) && typeof r.expired === 'boolean' && typeof r.used === 'boolean' &&
    (r.holderPid === undefined || Number.isInteger(r.holderPid)) && (r.heldOn === undefined || typeof r.heldOn === 'string');
  if (!ok) throw new TandemError('TANDEM_ERR_BAD_INPUT', `invitation record ${path}: missing or malformed fields (damaged?)`);
  return r as InvitationRecord;
}

/** The folder of invitation records. */
export class InvitationStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** The store at the documented location for this environment. */
  static fromEnv(env: NodeJS.ProcessEnv): InvitationStore {
    return new InvitationStore(invitationsDir(env));
  }

  /** The record file of `id`. */
  pathOf(id: string): string {
    if (!ID_RE.test(id)) throw new TandemError('TANDEM_ERR_BAD_INPUT', `invitation id: ${JSON.stringify(id)} is not 12 hex digits`);
    return join(this.dir, `${id}.json`);
  }

  /** Writes a record atomically, 0600. */
  save(rec: InvitationRecord): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const path = this.pathOf(rec.id);
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(rec, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, path);
  }

  /** Reads a record; TANDEM_ERR_NOT_FOUND when there is none. */
  load(id: string): InvitationRecord {
    const path = this.pathOf(id);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new TandemError('TANDEM_ERR_NOT_FOUND', `no invitation ${id} on this computer (see tandem invitations)`);
      throw new TandemError('TANDEM_ERR_BAD_INPUT', `invitation record ${path}: cannot be read (${(err as Error).message})`, { cause: err });
    }
    return parseRecord(text, path);
  }

  /**
   * Re-reads a record, changes it and writes it back, holding the record's
   * lock (record-lock.ts) so that another process's change in between is
   * never lost; returns the new record.
   */
  update(id: string, change: (rec: InvitationRecord) => void): InvitationRecord {
    return withRecordLock(this.pathOf(id), () => {
      const rec = this.load(id);
      change(rec);
      this.save(rec);
      return rec;
    });
  }

  /** Every record, oldest first; damaged ones are reported through `onBad` and skipped. */
  list(onBad: (error: TandemError) => void = () => undefined): InvitationRecord[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new TandemError('TANDEM_ERR_BAD_INPUT', `invitations folder ${this.dir}: cannot be read (${(err as Error).message})`, { cause: err });
    }
    const out: InvitationRecord[] = [];
    for (const name of names) {
      const id = /^([0-9a-f]{12})\.json$/.exec(name)?.[1];
      if (id === undefined) continue;
      try {
        out.push(this.load(id));
      } catch (err) {
        onBad(err instanceof TandemError ? err : new TandemError('TANDEM_ERR_BAD_INPUT', String(err)));
      }
    }
    return out.sort((a, b) => a.start - b.start);
  }
}
