/**
 * The files channel of one session (CHANNEL.files; messages in
 * file-messages.ts, one transfer's states in file-transfer.ts): offers,
 * requests, answers, the bytes with their flow control, the end-to-end hash
 * check, cancelling. Both roles run the same class; the technician starts
 * transfers (`offer`, `request`), the customer only answers them, each after
 * asking its user (docs/protocol.md, "The files channel").
 *
 * Flow control: a sender has at most FILE_LIMITS.windowBytes unacknowledged
 * and waits while the relay socket's backlog is above
 * FILE_LIMITS.sendHighWaterBytes (a sixteenth of what the screen may queue),
 * so screen updates and input never wait behind more than about a window of
 * file data.
 */
import { TandemError, toTandemError, type TandemErrorCode } from './errors.js';
import { Emitter } from './emitter.js';
import type { Role } from './constants.js';
import { FILE_LIMITS, decodeFileMessage, encodeFileMessage, type FileMessage, type FileRefusal } from './file-messages.js';
import { Transfer, type FileSink, type FileSource, type TransferDirection, type TransferState } from './file-transfer.js';

/** Who did something to a transfer: this end, or the other. */
export type FileActor = 'me' | 'peer';

/** What the channel tells its user interface. */
export type FileEvent =
  /** The peer offers a file: answer with `accept` or `refuse`. */
  | { type: 'file-offer'; id: number; name: string; size: number }
  /** The technician asks for a path on this computer: answer with `approve` or `refuse`. */
  | { type: 'file-request'; id: number; path: string }
  | { type: 'file-progress'; id: number; direction: TransferDirection; name: string; bytes: number; size: number }
  | { type: 'file-sent'; id: number; name: string; path?: string; bytes: number; sha256: string }
  | { type: 'file-received'; id: number; name: string; path: string; bytes: number; sha256: string }
  | { type: 'file-refused'; id: number; name: string; reason: FileRefusal; by: FileActor }
  | { type: 'file-cancelled'; id: number; name: string; direction: TransferDirection; by: FileActor }
  | { type: 'file-failed'; id: number; name: string; direction: TransferDirection; by: FileActor; error: TandemError }
  /** A file could not be closed or its partial copy removed after the transfer stopped (a disk gone): for the person to know. */
  | { type: 'file-warning'; id: number; name: string; message: string };

/** Options of a {@link FileChannel}. */
export interface FileChannelOptions {
  role: Role;
  /** Sends one payload on the files channel (sealed, in order). */
  send(payload: Uint8Array): Promise<void>;
  /** True while the session can carry transfers. */
  isOpen(): boolean;
  /** The relay socket's backlog, bytes. */
  backlog(): number;
  /** Hears every move of every transfer (tests). */
  onTransition?: (from: TransferState, to: TransferState) => void;
}

/** How often a sender looks at the relay socket's backlog while it is high, ms. */
const BACKLOG_POLL_MS = 5;

/** The files channel of one session. */
export class FileChannel {
  readonly #options: FileChannelOptions;
  readonly #emitter = new Emitter<FileEvent>();
  readonly #transfers = new Map<number, Transfer>();
  /** Partial files being removed and files being closed: {@link settled} waits for them. */
  readonly #releasing = new Set<Promise<void>>();
  #nextId = 1;
  #closed = false;

  constructor(options: FileChannelOptions) {
    this.#options = options;
  }

  /** Subscribes to events; returns a function that unsubscribes. */
  onEvent(listener: (event: FileEvent) => void): () => void {
    return this.#emitter.on(listener);
  }

  /** Technician: offers a file of `size` bytes named `name`; returns its id. */
  offer(name: string, size: number, source: FileSource): number {
    this.#assertCanStart('offer a file');
    const t = this.#add(this.#nextId++, 'send', name, 'offered');
    t.size = size;
    t.source = source;
    this.#post({ type: 'offer', id: t.id, name, size });
    return t.id;
  }

  /** Technician: asks for `path` on the customer's computer; `open` makes the sink once the customer offers it. */
  request(path: string, open: (name: string, size: number) => Promise<FileSink>): number {
    this.#assertCanStart('ask for a file');
    const t = this.#add(this.#nextId++, 'receive', path, 'requested', path);
    t.opener = open;
    this.#post({ type: 'request', id: t.id, path });
    return t.id;
  }

  /** Accepts an offer: `open` makes the sink (a temporary file beside the final one). */
  accept(id: number, open: () => Promise<FileSink>): void {
    const t = this.#get(id);
    if (!t.is('asking')) throw new TandemError('TANDEM_ERR_CONFLICT', `file ${t.name}: no offer waits (it is ${t.state})`);
    this.#open(t, open, 'asking');
  }

  /** Customer: sends the file the technician asked for, as `name` of `size` bytes. */
  approve(id: number, name: string, size: number, source: FileSource): void {
    const t = this.#get(id);
    if (!t.is('approving')) {
      source.close().catch((err: unknown) => this.#warn(t, err));
      throw new TandemError('TANDEM_ERR_CONFLICT', `file ${t.name}: no request waits (it is ${t.state})`);
    }
    t.name = name;
    t.size = size;
    t.source = source;
    t.to('offered');
    this.#post({ type: 'offer', id, name, size });
  }

  /** Refuses an offer or a request. */
  refuse(id: number, reason: FileRefusal): void {
    const t = this.#get(id);
    if (!t.is('asking', 'approving')) throw new TandemError('TANDEM_ERR_CONFLICT', `file ${t.name}: nothing to refuse (it is ${t.state})`);
    t.to('refused');
    this.#post({ type: 'refuse', id, reason });
    this.#emitter.emit({ type: 'file-refused', id, name: t.name, reason, by: 'me' });
  }

  /** Cancels a transfer at any point; nothing of it stays on either side. False when it was already over. */
  cancel(id: number): boolean {
    const t = this.#get(id);
    if (t.final || t.is('saving')) return false;
    this.#stop(t, 'cancelled', 'me', undefined);
    this.#post({ type: 'cancel', id, reason: 'cancelled', message: '' });
    return true;
  }

  /** The transfers not over yet. */
  get active(): number[] {
    return [...this.#transfers.values()].filter((t) => !t.final).map((t) => t.id);
  }

  /** The session is over: every transfer still running stops here, its partial file removed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#transfers.values()) {
      if (!t.final && !t.is('saving')) this.#stop(t, 'failed', 'me', new TandemError('TANDEM_ERR_FILE_FAILED', 'the session ended before the transfer finished'));
    }
  }

  /** Resolves once every partial file of a stopped transfer is removed (a process waits for this before it exits). */
  async settled(): Promise<void> {
    while (this.#releasing.size > 0) await Promise.all([...this.#releasing]);
  }

  /** A record of the files channel arrived; throws TANDEM_ERR_PROTOCOL for what the peer may not send now. */
  receive(payload: Uint8Array): void {
    const m = decodeFileMessage(payload);
    switch (m.type) {
      case 'offer':
        this.#onOffer(m);
        return;
      case 'request': {
        if (this.#options.role !== 'customer') throw new TandemError('TANDEM_ERR_PROTOCOL', 'files: only the technician asks for files');
        this.#assertNew(m.id);
        this.#add(m.id, 'send', m.path, 'approving', m.path);
        this.#emitter.emit({ type: 'file-request', id: m.id, path: m.path });
        return;
      }
      case 'accept': {
        const t = this.#peerTransfer(m.id);
        if (t.is('cancelled', 'failed')) return;
        t.expect(['offered'], 'files: accept');
        t.to('sending');
        this.#pump(t).catch((err: unknown) => this.#failLocal(t, toTandemError(err, 'TANDEM_ERR_FILE_FAILED')));
        return;
      }
      case 'refuse': {
        const t = this.#peerTransfer(m.id);
        if (t.is('cancelled', 'failed')) return;
        t.expect(['offered', 'requested'], 'files: refuse');
        t.to('refused');
        this.#release(t);
        this.#emitter.emit({ type: 'file-refused', id: t.id, name: t.name, reason: m.reason, by: 'peer' });
        return;
      }
      case 'ack': {
        const t = this.#peerTransfer(m.id);
        if (t.is('cancelled', 'failed')) return;
        t.expect(['sending', 'verifying'], 'files: ack');
        if (m.bytes < t.acked || m.bytes > t.bytes) throw new TandemError('TANDEM_ERR_PROTOCOL', `files: ack of ${m.bytes} bytes, ${t.bytes} sent`);
        t.acked = m.bytes;
        this.#emitter.emit({ type: 'file-progress', id: t.id, direction: 'send', name: t.name, bytes: t.acked, size: t.size });
        t.wakeSender();
        return;
      }
      case 'data':
        this.#onData(m.id, m.bytes);
        return;
      case 'done':
        this.#onDone(m.id, m.sha256);
        return;
      case 'saved': {
        const t = this.#peerTransfer(m.id);
        if (t.is('cancelled', 'failed')) return;
        t.expect(['verifying'], 'files: saved');
        t.to('done');
        this.#emitter.emit({ type: 'file-sent', id: t.id, name: t.name, ...(t.path !== undefined ? { path: t.path } : {}), bytes: t.bytes, sha256: t.sha256 ?? '' });
        return;
      }
      case 'cancel': {
        const t = this.#peerTransfer(m.id);
        if (t.final || t.is('saving')) return; // crossed with our own end of it, or too late
        if (m.reason === 'cancelled') this.#stop(t, 'cancelled', 'peer', undefined);
        else this.#stop(t, 'failed', 'peer', new TandemError('TANDEM_ERR_FILE_FAILED', `the other side: ${m.message || 'the transfer failed'}`));
        return;
      }
    }
  }

  #onOffer(m: Extract<FileMessage, { type: 'offer' }>): void {
    if (this.#options.role === 'customer') {
      this.#assertNew(m.id);
      const t = this.#add(m.id, 'receive', m.name, 'asking');
      t.size = m.size;
      this.#emitter.emit({ type: 'file-offer', id: m.id, name: m.name, size: m.size });
      return;
    }
    // The technician hears an offer only as the answer to its request: accepted at once, it asked.
    const t = this.#peerTransfer(m.id);
    if (t.is('cancelled', 'failed')) return;
    t.expect(['requested'], 'files: offer');
    t.name = m.name;
    t.size = m.size;
    const open = t.opener;
    t.opener = undefined;
    if (open === undefined) throw new TandemError('TANDEM_ERR_INTERNAL', `files: request ${t.id} has no sink`);
    this.#open(t, () => open(m.name, m.size), 'requested');
  }

  /** Opens the sink, then accepts; a transfer cancelled meanwhile gets its sink discarded. */
  #open(t: Transfer, open: () => Promise<FileSink>, from: TransferState): void {
    open().then(
      (sink) => {
        if (!t.is(from)) {
          t.sink = sink;
          this.#release(t);
          return;
        }
        t.sink = sink;
        t.to('receiving');
        this.#post({ type: 'accept', id: t.id });
      },
      (err: unknown) => {
        if (!t.is(from)) return;
        this.#failLocal(t, toTandemError(err, 'TANDEM_ERR_FILE_FAILED'));
      },
    );
  }

  #onData(id: number, bytes: Uint8Array): void {
    const t = this.#peerTransfer(id);
    if (t.is('cancelled', 'failed')) return; // in flight when we stopped it
    t.expect(['receiving'], 'files: data');
    const end = t.acked + bytes.length;
    t.acked = end;
    if (end > t.size) throw new TandemError('TANDEM_ERR_PROTOCOL', `files: more bytes than the ${t.size} offered`);
    t.hash(bytes);
    const sink = t.sink as FileSink;
    t.writes = t.writes.then(async () => {
      if (!t.is('receiving', 'saving')) return;
      await sink.write(bytes);
      const before = t.bytes;
      t.bytes += bytes.length;
      if (Math.floor(t.bytes / FILE_LIMITS.ackBytes) > Math.floor(before / FILE_LIMITS.ackBytes) || t.bytes === t.size) {
        this.#post({ type: 'ack', id: t.id, bytes: t.bytes });
        this.#emitter.emit({ type: 'file-progress', id: t.id, direction: 'receive', name: t.name, bytes: t.bytes, size: t.size });
      }
    });
    t.writes.catch((err: unknown) => {
      if (t.is('receiving', 'saving')) this.#failLocal(t, writeError(t, err));
    });
  }

  #onDone(id: number, sha256: string): void {
    const t = this.#peerTransfer(id);
    if (t.is('cancelled', 'failed')) return;
    t.expect(['receiving'], 'files: done');
    if (t.acked !== t.size) throw new TandemError('TANDEM_ERR_PROTOCOL', `files: done after ${t.acked} of ${t.size} bytes`);
    const digest = t.digest();
    t.writes
      .then(async () => {
        if (!t.is('receiving')) return;
        // The hash is compared before the file takes its name: a damaged file is never under it (issue 11).
        if (digest !== sha256) throw new TandemError('TANDEM_ERR_FILE_FAILED', `${t.name} arrived damaged (its SHA-256 differs from the sender's): not saved`);
        t.to('saving');
        const path = await (t.sink as FileSink).commit();
        if (!t.is('saving')) return;
        t.to('done');
        this.#post({ type: 'saved', id: t.id });
        this.#emitter.emit({ type: 'file-received', id: t.id, name: t.name, path, bytes: t.bytes, sha256: digest });
      })
      .catch((err: unknown) => {
        if (t.is('receiving', 'saving')) this.#failLocal(t, writeError(t, err));
      });
  }

  /** Sends the file within its window, then `done` with its hash. */
  async #pump(t: Transfer): Promise<void> {
    const source = t.source as FileSource;
    try {
      for (;;) {
        while (t.is('sending') && (t.bytes - t.acked >= FILE_LIMITS.windowBytes || this.#options.backlog() > FILE_LIMITS.sendHighWaterBytes)) {
          if (t.bytes - t.acked >= FILE_LIMITS.windowBytes) await new Promise<void>((resolve) => (t.wake = resolve));
          else await new Promise((resolve) => setTimeout(resolve, BACKLOG_POLL_MS));
        }
        if (!t.is('sending')) return;
        const chunk = await source.read(FILE_LIMITS.chunkBytes);
        if (!t.is('sending')) return;
        if (chunk.length === 0) break;
        if (t.bytes + chunk.length > t.size) throw new TandemError('TANDEM_ERR_FILE_FAILED', `${t.name} grew while it was being sent`);
        t.hash(chunk);
        t.bytes += chunk.length;
        await this.#options.send(encodeFileMessage({ type: 'data', id: t.id, bytes: chunk }));
      }
      if (t.bytes !== t.size) throw new TandemError('TANDEM_ERR_FILE_FAILED', `${t.name} shrank while it was being sent`);
      const digest = t.digest();
      t.sha256 = digest;
      t.to('verifying');
      this.#release(t);
      this.#post({ type: 'done', id: t.id, sha256: digest });
    } catch (err) {
      if (!t.final) this.#failLocal(t, toTandemError(err, 'TANDEM_ERR_FILE_FAILED'));
    }
  }

  /** Something failed here (a disk, a read, a hash): the peer is told why, in words. */
  #failLocal(t: Transfer, error: TandemError): void {
    this.#stop(t, 'failed', 'me', error);
    this.#post({ type: 'cancel', id: t.id, reason: 'failed', message: error.message.slice(0, FILE_LIMITS.maxMessageChars) });
  }

  /** Moves a transfer to its end, removes its partial file, says so. */
  #stop(t: Transfer, state: 'cancelled' | 'failed', by: FileActor, error: TandemError | undefined): void {
    t.to(state);
    t.opener = undefined;
    // Told once the partial file is gone, so whoever hears it may exit at once without leaving it behind.
    this.#release(t, () => {
      if (error === undefined) this.#emitter.emit({ type: 'file-cancelled', id: t.id, name: t.name, direction: t.direction, by });
      else this.#emitter.emit({ type: 'file-failed', id: t.id, name: t.name, direction: t.direction, by, error });
    });
  }

  /**
   * Closes the source, or discards the sink of a file that did not take its
   * name, then calls `after`. A file that cannot be closed or removed is a
   * `file-warning`: the transfer is over either way.
   */
  #release(t: Transfer, after?: () => void): void {
    const source = t.source;
    t.source = undefined;
    const sink = t.sink;
    const discard = sink !== undefined && !t.is('done', 'saving');
    if (discard) t.sink = undefined;
    const released = Promise.all([
      source?.close(),
      // After the writes under way: a write finishing after the removal would leave the temporary file behind.
      discard ? t.writes.then(() => sink.discard(), () => sink.discard()) : undefined,
    ]).then(
      () => undefined,
      (err: unknown) => this.#warn(t, err),
    );
    this.#releasing.add(released);
    const done = (): void => {
      this.#releasing.delete(released);
      after?.();
    };
    released.then(done, done);
  }

  #warn(t: Transfer, err: unknown): void {
    this.#emitter.emit({ type: 'file-warning', id: t.id, name: t.name, message: err instanceof Error ? err.message : String(err) });
  }

  /** Sends without waiting; a record that cannot be sent means the session is failing, which stops every transfer. */
  #post(message: FileMessage): void {
    if (!this.#options.isOpen()) return;
    this.#options.send(encodeFileMessage(message)).catch(() => this.close());
  }

  #assertCanStart(what: string): void {
    if (this.#options.role !== 'technician') throw new TandemError('TANDEM_ERR_PROTOCOL', `only the technician can ${what}`);
    if (this.#closed || !this.#options.isOpen()) throw new TandemError('TANDEM_ERR_PROTOCOL', `cannot ${what}: the session is not active`);
  }

  #add(id: number, direction: TransferDirection, name: string, initial: TransferState, path?: string): Transfer {
    const t = new Transfer({ id, direction, name, initial, ...(path !== undefined ? { path } : {}), ...(this.#options.onTransition ? { onTransition: this.#options.onTransition } : {}) });
    this.#transfers.set(id, t);
    return t;
  }

  #assertNew(id: number): void {
    if (this.#transfers.has(id)) throw new TandemError('TANDEM_ERR_PROTOCOL', `files: transfer ${id} already exists`);
  }

  #peerTransfer(id: number): Transfer {
    const t = this.#transfers.get(id);
    if (t === undefined) throw new TandemError('TANDEM_ERR_PROTOCOL', `files: no transfer ${id}`);
    return t;
  }

  #get(id: number): Transfer {
    const t = this.#transfers.get(id);
    if (t === undefined) throw new TandemError('TANDEM_ERR_NOT_FOUND', `no file transfer ${id}`);
    return t;
  }
}

/** A failed write as the customer and the technician read it: the disk's own reason first. */
function writeError(t: Transfer, err: unknown): TandemError {
  const code = (err as { code?: unknown } | null)?.code;
  if (err instanceof TandemError) return err;
  const reason: Partial<Record<string, string>> = { ENOSPC: 'the disk is full', EDQUOT: 'the disk quota is used up', EACCES: 'the folder cannot be written', EROFS: 'the disk is read-only' };
  const why = typeof code === 'string' ? reason[code] : undefined;
  const detail = err instanceof Error ? err.message : String(err);
  const failed: TandemErrorCode = 'TANDEM_ERR_FILE_FAILED';
  return new TandemError(failed, `${t.name} could not be saved: ${why ?? detail}${why !== undefined ? ` (${code as string})` : ''}`, { cause: err });
}
