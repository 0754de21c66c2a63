/**
 * The technician's files and system information in the console (issue 11),
 * for one session: files dropped or picked are offered to the customer,
 * paths are asked for, every transfer under way has its progress, each that
 * ended goes into the session's transfer log (protocol's TransferLogEntry,
 * the same fields as the scriptable client's `transfer:` lines), and a
 * system-information request has its answer. It follows the session's
 * files and sysinfo channels; the customer decides each request on their
 * side. React reads {@link ConsoleFiles.view} (a new object per change).
 */
import { safeFileName, TandemError, type FileEvent, type SysinfoEvent, type SysinfoItem, type TechnicianSession, type TransferLogEntry } from '@tandem/protocol';
import { blobSource } from './blob-source.js';
import { downloadSink } from './download-sink.js';

/** The computer the console's files are on, as the transfer log names it: the browser does not say which folder a file came from. */
export const CONSOLE_COMPUTER = 'console';

/** A transfer under way. */
export interface TransferView {
  id: number;
  direction: 'send' | 'receive';
  name: string;
  bytes: number;
  size: number;
  /** When it started here (ms), for the speed. */
  startedAt: number;
}

/** Where the system-information request stands. */
export type SysinfoView =
  | { state: 'none' }
  | { state: 'asked'; id: number }
  | { state: 'received'; items: SysinfoItem[]; at: number }
  | { state: 'refused'; reason: string };

/** What the files pane shows. */
export interface FilesView {
  transfers: TransferView[];
  log: TransferLogEntry[];
  sysinfo: SysinfoView;
}

interface Pending {
  entry: Omit<TransferLogEntry, 'result' | 'at' | 'bytes'>;
  view: TransferView;
}

/** Options of {@link ConsoleFiles}. */
export interface ConsoleFilesOptions {
  /** Hands a received, verified file to the browser (saveBlob in the app). */
  save: (blob: Blob, name: string) => void;
  now?: () => number;
}

/** One session's files and system information. */
export class ConsoleFiles {
  readonly #session: TechnicianSession;
  readonly #save: (blob: Blob, name: string) => void;
  readonly #now: () => number;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Set<() => void>();
  readonly #off: (() => void)[];
  #view: FilesView = { transfers: [], log: [], sysinfo: { state: 'none' } };

  constructor(session: TechnicianSession, options: ConsoleFilesOptions) {
    this.#session = session;
    this.#save = options.save;
    this.#now = options.now ?? Date.now;
    this.#off = [session.files.onEvent((e) => this.#onFile(e)), session.sysinfo.onEvent((e) => this.#onSysinfo(e))];
  }

  /** What to show now. */
  get view(): FilesView {
    return this.#view;
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Offers `file` to the customer (dropped on the session or picked). */
  send(file: File): void {
    const id = this.#session.files.offer(file.name, file.size, blobSource(file));
    this.#track(id, 'send', file.name, file.size, { direction: 'sent', name: file.name, from: { computer: CONSOLE_COMPUTER, folder: '' }, to: { computer: 'customer' } });
  }

  /** Asks the customer for the file at `path` on their computer; once they approve and it arrived whole, the browser downloads it. */
  get(path: string): void {
    const trimmed = path.trim();
    if (trimmed === '') throw new TandemError('TANDEM_ERR_BAD_INPUT', 'name the path of the file on the customer\'s computer');
    const id = this.#session.files.request(trimmed, async (name) => downloadSink(safeFileName(name), this.#save));
    this.#track(id, 'receive', trimmed, 0, { direction: 'received', name: trimmed, from: { computer: 'customer', folder: trimmed }, to: { computer: CONSOLE_COMPUTER } });
  }

  /** Stops one transfer under way. */
  cancel(id: number): void {
    this.#session.files.cancel(id);
  }

  /** Asks the customer for their computer's system information. */
  requestSysinfo(): void {
    const id = this.#session.sysinfo.request();
    this.#set({ sysinfo: { state: 'asked', id } });
  }

  /** Stops following the session. */
  close(): void {
    for (const off of this.#off) off();
    this.#listeners.clear();
  }

  #track(id: number, direction: TransferView['direction'], name: string, size: number, entry: Pending['entry']): void {
    const view = { id, direction, name, bytes: 0, size, startedAt: this.#now() };
    this.#pending.set(id, { entry, view });
    this.#set({ transfers: [...this.#view.transfers, view] });
  }

  #finish(id: number, result: TransferLogEntry['result'], bytes: number, extra: Partial<TransferLogEntry> = {}): void {
    const p = this.#pending.get(id);
    if (p === undefined) return;
    this.#pending.delete(id);
    const entry: TransferLogEntry = { ...p.entry, ...extra, bytes, result, at: new Date(this.#now()).toISOString() };
    this.#set({ transfers: this.#view.transfers.filter((t) => t.id !== id), log: [...this.#view.log, entry] });
  }

  #onFile(event: FileEvent): void {
    switch (event.type) {
      case 'file-progress': {
        if (!this.#pending.has(event.id)) return;
        this.#set({ transfers: this.#view.transfers.map((t) => (t.id === event.id ? { ...t, name: event.name, bytes: event.bytes, size: event.size } : t)) });
        return;
      }
      case 'file-sent':
        this.#finish(event.id, 'ok', event.bytes, { sha256: event.sha256 });
        return;
      case 'file-received':
        this.#finish(event.id, 'ok', event.bytes, { sha256: event.sha256, name: event.name, to: { computer: CONSOLE_COMPUTER, path: event.path } });
        return;
      case 'file-refused':
        this.#finish(event.id, 'refused', 0, { error: event.reason });
        return;
      case 'file-cancelled':
        this.#finish(event.id, 'cancelled', 0, { error: event.by === 'me' ? 'cancelled here' : 'cancelled by the customer' });
        return;
      case 'file-failed':
        this.#finish(event.id, 'failed', 0, { error: `${event.error.code} ${event.error.message}` });
        return;
      case 'file-warning':
      case 'file-offer':
      case 'file-request':
        // A warning concerns the customer's disk; offers and requests come only from the technician's side.
        return;
    }
  }

  #onSysinfo(event: SysinfoEvent): void {
    if (event.type === 'sysinfo') this.#set({ sysinfo: { state: 'received', items: event.items, at: this.#now() } });
    else if (event.type === 'sysinfo-refused') this.#set({ sysinfo: { state: 'refused', reason: event.reason } });
  }

  #set(patch: Partial<FilesView>): void {
    this.#view = { ...this.#view, ...patch };
    for (const listener of [...this.#listeners]) listener();
  }
}
