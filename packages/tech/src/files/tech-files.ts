/**
 * The technician's file transfers in `tandem tech session` and
 * `tandem tech invitation` (README, "Files"): `/send FILE` and `/get PATH`
 * on the session's files channel, their stdout lines, and the session's
 * transfer log, one `transfer: {JSON}` line per transfer that ended (which
 * file, from which folder on which computer, to where, size, hash, result).
 */
import { dirname, resolve } from 'node:path';
import { hostname } from 'node:os';
import { TandemError, type FileEvent, type TechnicianSession, type TransferLogEntry } from '@tandem/protocol';
import { openFileSource, openFolderSink, type LineOutput } from '@tandem/node-client';

interface Pending {
  label: string;
  entry: Omit<TransferLogEntry, 'result' | 'at' | 'bytes'>;
  shown: number;
  done: () => void;
}

/** The transfers of the driver's current session. */
export class TechFiles {
  readonly #out: LineOutput;
  readonly #filesDir: string;
  readonly #computer = hostname();
  readonly #pending = new Map<number, Pending>();
  #session: TechnicianSession | undefined;
  #unsubscribe: () => void = () => undefined;

  constructor(out: LineOutput, filesDir: string) {
    this.#out = out;
    this.#filesDir = resolve(filesDir);
  }

  /** Follows `session`'s files channel (a renewed code's session replaces the one before). */
  attach(session: TechnicianSession): void {
    this.#unsubscribe();
    this.#session = session;
    this.#unsubscribe = session.files.onEvent((event) => this.#onEvent(event));
  }

  /** `/send FILE`: resolves once the customer has it, refused it, or the transfer stopped. */
  async send(file: string): Promise<void> {
    const session = this.#current();
    const path = resolve(file);
    const opened = await openFileSource(path);
    let id: number;
    try {
      id = session.files.offer(opened.name, opened.size, opened.source);
    } catch (err) {
      await opened.source.close();
      throw err;
    }
    await this.#track(id, opened.name, { direction: 'sent', name: opened.name, from: { computer: this.#computer, folder: dirname(path) }, to: { computer: 'customer' } });
  }

  /** `/get PATH`: resolves once the file is saved in the files folder, refused, or stopped. */
  async get(path: string): Promise<void> {
    const session = this.#current();
    const id = session.files.request(path, (name) => openFolderSink(this.#filesDir, name));
    await this.#track(id, path, { direction: 'received', name: path, from: { computer: 'customer', folder: path }, to: { computer: this.#computer } });
  }

  /** `/cancel`: stops every transfer under way; TANDEM_ERR_NOT_FOUND when there is none. */
  cancel(): void {
    const session = this.#current();
    const ids = session.files.active;
    if (ids.length === 0) throw new TandemError('TANDEM_ERR_NOT_FOUND', 'no file transfer to cancel');
    for (const id of ids) session.files.cancel(id);
  }

  #current(): TechnicianSession {
    if (this.#session === undefined) throw new TandemError('TANDEM_ERR_PROTOCOL', 'no session');
    return this.#session;
  }

  #track(id: number, label: string, entry: Pending['entry']): Promise<void> {
    return new Promise<void>((done) => this.#pending.set(id, { label, entry, shown: -1, done }));
  }

  #finish(id: number, p: Pending, result: TransferLogEntry['result'], bytes: number, extra: Partial<TransferLogEntry> = {}): void {
    this.#pending.delete(id);
    const entry: TransferLogEntry = { ...p.entry, ...extra, bytes, result, at: new Date().toISOString() };
    this.#out.line(`transfer: ${JSON.stringify(entry)}`);
    p.done();
  }

  #onEvent(event: FileEvent): void {
    if (event.type === 'file-warning') {
      this.#out.say(`warning: ${event.name}: ${event.message}`);
      return;
    }
    const p = this.#pending.get(event.id);
    if (p === undefined) return;
    switch (event.type) {
      case 'file-progress': {
        // One line per whole percent at most: a script can follow it without a flood.
        const percent = event.size === 0 ? 100 : Math.floor((event.bytes * 100) / event.size);
        if (percent === p.shown) return;
        p.shown = percent;
        this.#out.event('file-progress', p.label, String(event.bytes), String(event.size));
        return;
      }
      case 'file-sent':
        this.#out.event('file-sent', event.name, String(event.bytes), event.sha256);
        this.#finish(event.id, p, 'ok', event.bytes, { sha256: event.sha256 });
        return;
      case 'file-received':
        this.#out.event('file-received', event.path, String(event.bytes), event.sha256);
        this.#finish(event.id, p, 'ok', event.bytes, { sha256: event.sha256, name: event.name, to: { computer: this.#computer, path: event.path } });
        return;
      case 'file-refused':
        this.#out.event('file-refused', p.label);
        this.#finish(event.id, p, 'refused', 0, { error: event.reason });
        return;
      case 'file-cancelled':
        this.#out.event('file-cancelled', p.label);
        this.#finish(event.id, p, 'cancelled', 0, { error: event.by === 'me' ? 'cancelled here' : 'cancelled by the customer' });
        return;
      case 'file-failed':
        this.#out.error(event.error);
        this.#out.event('file-failed', p.label);
        this.#finish(event.id, p, 'failed', 0, { error: `${event.error.code} ${event.error.message}` });
        return;
      case 'file-offer':
      case 'file-request':
        return;
    }
  }
}
