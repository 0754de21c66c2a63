/**
 * The customer's side of file transfers (issue 11; README, "Files"): every
 * offer and every request of the technician is a question for the customer,
 * in the order they came, whatever the mode; the local policy refuses them
 * before anyone is asked; files arrive in the files folder (default
 * Downloads/Tandem) under a safe name; stdout gets the fixed lines, the
 * opt-in event log Assist On-site's events. System-information requests are
 * questions of the same queue (one order for everything the customer is
 * asked besides modes), answered the same way. The page and the terminal
 * both show {@link FileDesk.questions} and answer with {@link FileDesk.answer}.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { Emitter, safeFileName, TandemError, toTandemError, type CustomerSession, type FileEvent, type SysinfoEvent, type TechnicianIdentity } from '@tandem/protocol';
import { collectSystemInfo } from '../system/system-info.js';
import { openFileSource, openFolderSink, type LineOutput } from '@tandem/node-client';
import type { EventLog } from '../system/event-log.js';
import type { ConsentPolicy } from './join-controller.js';

const NO_QUESTIONS = 'The technician asked to transfer a file or for system information while neither a page nor the terminal could ask you, so it was refused.';

/** Where received files go unless `--files-dir` says otherwise: a Tandem folder in the user's Downloads. */
export function defaultFilesDir(home = homedir()): string {
  return join(home, 'Downloads', 'Tandem');
}

/** A question waiting for the customer. */
export type FileQuestion =
  | { kind: 'offer'; id: number; name: string; size: number; from: string; folder: string }
  | { kind: 'request'; id: number; path: string; from: string }
  | { kind: 'sysinfo'; id: number; from: string };

/** A transfer under way, for the page's progress bar. */
export interface FileProgress {
  id: number;
  direction: 'send' | 'receive';
  name: string;
  bytes: number;
  size: number;
}

/** Options of {@link FileDesk}. */
export interface FileDeskOptions {
  session: CustomerSession;
  policy: ConsentPolicy;
  /** Where received files go; {@link defaultFilesDir} when absent. */
  filesDir?: string;
  eventLog: EventLog;
  out: LineOutput;
  /**
   * True while an interface can ask the customer (the local page once it
   * shows the session, the terminal once it answers). Before that, a request
   * is refused at once, never left waiting and never granted unasked.
   */
  canAsk: () => boolean;
}

/** The customer's questions and transfers of one session. */
export class FileDesk {
  readonly #session: CustomerSession;
  readonly #policy: ConsentPolicy;
  readonly #dir: string;
  readonly #log: EventLog;
  readonly #out: LineOutput;
  readonly #canAsk: () => boolean;
  readonly #changes = new Emitter<void>();
  readonly #questions: FileQuestion[] = [];
  readonly #progress = new Map<number, FileProgress & { shown: number }>();
  /** What each transfer is called in the log: the safe name received, or the path sent. */
  readonly #names = new Map<number, string>();
  #sessionId = '';

  constructor(options: FileDeskOptions) {
    this.#session = options.session;
    this.#policy = options.policy;
    this.#dir = resolve(options.filesDir ?? defaultFilesDir());
    this.#log = options.eventLog;
    this.#out = options.out;
    this.#canAsk = options.canAsk;
    options.session.onEvent((event) => {
      if (event.type === 'joined') this.#sessionId = event.sessionId;
      if (event.type === 'ended' || event.type === 'failed') this.#clear();
    });
    options.session.files.onEvent((event) => {
      try {
        this.#onEvent(event);
      } catch (err) {
        this.#out.error(toTandemError(err));
      }
      this.#changes.emit();
    });
    options.session.sysinfo.onEvent((event) => {
      this.#onSysinfo(event);
      this.#changes.emit();
    });
  }

  /** Where received files go. */
  get folder(): string {
    return this.#dir;
  }

  /** The questions waiting, oldest first: the first is the one to show. */
  get questions(): readonly FileQuestion[] {
    return this.#questions;
  }

  /** The transfers under way. */
  get transfers(): FileProgress[] {
    return [...this.#progress.values()].map(({ shown, ...p }) => (void shown, p));
  }

  /** Hears every change of the questions or transfers. */
  onChange(listener: () => void): () => void {
    return this.#changes.on(listener);
  }

  /** Answers the question `id`: yes receives the file or sends the path asked for; no refuses. */
  answer(id: number, yes: boolean, kind: FileQuestion['kind'] = this.#questions.find((q) => q.id === id)?.kind ?? 'offer'): void {
    const index = this.#questions.findIndex((q) => q.id === id && (q.kind === 'sysinfo') === (kind === 'sysinfo'));
    if (index < 0) throw new TandemError('TANDEM_ERR_CONFLICT', 'that file question is no longer waiting (the technician cancelled it, or it was answered)');
    const [q] = this.#questions.splice(index, 1) as [FileQuestion];
    const files = this.#session.files;
    if (q.kind === 'sysinfo') {
      this.#answerSysinfo(q.id, yes);
    } else if (!yes) {
      files.refuse(id, 'declined');
      this.#log.fileNotTransferred(this.#sessionId, q.kind === 'offer' ? q.name : q.path, 'the customer refused it');
    } else if (q.kind === 'offer') {
      files.accept(id, () => openFolderSink(this.#dir, q.name));
      this.#log.fileReceiving(this.#sessionId, safeFileName(q.name), q.from, this.#dir);
    } else {
      this.#send(q);
    }
    this.#changes.emit();
  }

  /** Cancels every transfer under way (`/cancel`, the page's Cancel); false when there was none. */
  cancelAll(): boolean {
    const ids = this.#session.files.active.filter((id) => !this.#questions.some((q) => q.id === id && q.kind !== 'sysinfo'));
    for (const id of ids) this.#session.files.cancel(id);
    return ids.length > 0;
  }

  /** Cancels one transfer (the page's Cancel on its progress bar). */
  cancel(id: number): void {
    if (!this.#session.files.cancel(id)) throw new TandemError('TANDEM_ERR_CONFLICT', 'that transfer is already over');
  }

  #send(q: Extract<FileQuestion, { kind: 'request' }>): void {
    const files = this.#session.files;
    openFileSource(q.path).then(
      (opened) => {
        if (this.#tooLarge(opened.size)) {
          // The customer said yes, but the file is over the local policy's cap: it does not leave.
          files.refuse(q.id, 'too-large');
          this.#out.say(`${q.path} is ${opened.size} bytes; the local policy allows files of at most ${this.#policy.maxFileBytes} bytes, so it was not sent.`);
          this.#log.fileNotTransferred(this.#sessionId, q.path, 'it is larger than the local policy allows');
          opened.source.close().catch((err: unknown) => this.#out.error(toTandemError(err)));
          return;
        }
        this.#names.set(q.id, q.path);
        try {
          files.approve(q.id, opened.name, opened.size, opened.source);
        } catch (err) {
          this.#out.error(toTandemError(err));
        }
      },
      (err: unknown) => {
        this.#out.error(toTandemError(err));
        files.refuse(q.id, 'unavailable');
        this.#log.fileNotTransferred(this.#sessionId, q.path, 'it cannot be read');
      },
    );
  }

  #answerSysinfo(id: number, yes: boolean): void {
    const sysinfo = this.#session.sysinfo;
    const technician = this.#session.technician as TechnicianIdentity;
    if (!yes) {
      sysinfo.refuse(id, 'declined');
      this.#log.systemInfoRefused(this.#sessionId, technician, 'the customer refused it');
      return;
    }
    collectSystemInfo().then(
      (items) => {
        sysinfo.send(id, items);
        this.#out.event('sysinfo-sent');
        this.#log.systemInfoSent(this.#sessionId, technician);
      },
      (err: unknown) => {
        this.#out.error(toTandemError(err));
        sysinfo.refuse(id, 'failed');
      },
    );
  }

  #onSysinfo(event: SysinfoEvent): void {
    if (event.type !== 'sysinfo-request') return;
    const technician = this.#session.technician as TechnicianIdentity;
    if (!this.#policy.allows('system-info')) {
      this.#session.sysinfo.refuse(event.id, 'policy');
      this.#out.say('The technician asked for this computer\'s system information; the local policy forbids it, so it was refused automatically.');
      this.#log.systemInfoRefused(this.#sessionId, technician, 'the local policy forbids it');
      return;
    }
    if (!this.#canAsk()) {
      this.#session.sysinfo.refuse(event.id, 'failed');
      this.#out.say(NO_QUESTIONS);
      this.#log.systemInfoRefused(this.#sessionId, technician, 'the customer could not be asked');
      return;
    }
    this.#questions.push({ kind: 'sysinfo', id: event.id, from: this.#technician() });
    this.#out.event('sysinfo-request');
  }

  /** True when the local policy caps file sizes below `size` bytes. */
  #tooLarge(size: number): boolean {
    const cap = this.#policy.maxFileBytes;
    return cap !== undefined && size > cap;
  }

  #technician(): string {
    return this.#session.technician?.username ?? 'unknown';
  }

  #onEvent(event: FileEvent): void {
    const files = this.#session.files;
    switch (event.type) {
      case 'file-offer': {
        if (!this.#policy.allows('file-transfer')) {
          // Forbidden by the local policy: refused at once, the customer is never asked.
          files.refuse(event.id, 'policy');
          this.#out.say(`The technician offered the file ${JSON.stringify(event.name)}; the local policy forbids file transfer, so it was refused automatically.`);
          this.#log.fileNotTransferred(this.#sessionId, event.name, 'the local policy forbids file transfer');
          return;
        }
        if (this.#tooLarge(event.size)) {
          // Over the local policy's size cap: refused at once, the customer is never asked.
          files.refuse(event.id, 'too-large');
          this.#out.say(`The technician offered the file ${JSON.stringify(event.name)} (${event.size} bytes); the local policy allows files of at most ${this.#policy.maxFileBytes} bytes, so it was refused automatically.`);
          this.#log.fileNotTransferred(this.#sessionId, event.name, 'it is larger than the local policy allows');
          return;
        }
        if (!this.#canAsk()) {
          this.#refuseUnasked(event.id, event.name);
          return;
        }
        this.#questions.push({ kind: 'offer', id: event.id, name: event.name, size: event.size, from: this.#technician(), folder: this.#dir });
        this.#out.event('file-offer', event.name, String(event.size));
        return;
      }
      case 'file-request': {
        if (!this.#policy.allows('file-transfer')) {
          files.refuse(event.id, 'policy');
          this.#out.say(`The technician asked for ${JSON.stringify(event.path)}; the local policy forbids file transfer, so it was refused automatically.`);
          this.#log.fileNotTransferred(this.#sessionId, event.path, 'the local policy forbids file transfer');
          return;
        }
        if (!this.#canAsk()) {
          this.#refuseUnasked(event.id, event.path);
          return;
        }
        this.#questions.push({ kind: 'request', id: event.id, path: event.path, from: this.#technician() });
        this.#out.event('file-request', event.path);
        return;
      }
      case 'file-progress': {
        const p = this.#progress.get(event.id) ?? { id: event.id, direction: event.direction, name: event.name, bytes: 0, size: event.size, shown: -1 };
        p.bytes = event.bytes;
        this.#progress.set(event.id, p);
        const percent = event.size === 0 ? 100 : Math.floor((event.bytes * 100) / event.size);
        if (percent !== p.shown) {
          p.shown = percent;
          this.#out.event('file-progress', event.name, String(event.bytes), String(event.size));
        }
        return;
      }
      case 'file-received':
        this.#progress.delete(event.id);
        this.#out.event('file-received', event.path, String(event.bytes), event.sha256);
        this.#log.fileReceived(this.#sessionId, event.path, event.bytes, event.sha256);
        return;
      case 'file-sent': {
        this.#progress.delete(event.id);
        const path = this.#names.get(event.id) ?? event.name;
        this.#out.event('file-sent', path, String(event.bytes), event.sha256);
        this.#log.fileSent(this.#sessionId, path, this.#technician(), event.bytes, event.sha256);
        return;
      }
      case 'file-refused':
        return;
      case 'file-warning':
        this.#out.say(`warning: ${event.name}: ${event.message}`);
        return;
      case 'file-cancelled':
        this.#forget(event.id);
        this.#out.event('file-cancelled', event.name);
        this.#log.fileNotTransferred(this.#sessionId, this.#names.get(event.id) ?? event.name, event.by === 'me' ? 'the customer cancelled it' : 'the technician cancelled it');
        return;
      case 'file-failed':
        this.#forget(event.id);
        this.#out.error(event.error);
        this.#out.event('file-failed', event.name);
        this.#log.fileNotTransferred(this.#sessionId, this.#names.get(event.id) ?? event.name, `it failed (${event.error.message})`);
        return;
    }
  }

  #refuseUnasked(id: number, name: string): void {
    this.#session.files.refuse(id, 'unavailable');
    this.#out.say(NO_QUESTIONS);
    this.#log.fileNotTransferred(this.#sessionId, name, 'the customer could not be asked');
  }

  /** A transfer that stopped: its progress bar and any question about it go. */
  #forget(id: number): void {
    this.#progress.delete(id);
    const index = this.#questions.findIndex((q) => q.id === id && q.kind !== 'sysinfo');
    if (index >= 0) this.#questions.splice(index, 1);
  }

  #clear(): void {
    this.#questions.length = 0;
    this.#progress.clear();
    this.#changes.emit();
  }
}
