import x11 from 'x11';
import type { X11Client, X11Display, X11Event, X11Fixes } from 'x11';
import { TandemError } from '@tandem/protocol';
import { CLIPBOARD_LIMITS, type TextClipboard } from './clipboard.js';

/** X protocol constants (X11 protocol encoding, ICCCM §2). */
const INPUT_ONLY = 2;
const PROPERTY_CHANGE_MASK = 0x400000;
const ATOM_ATOM = 4;
const ATOM_STRING = 31;
const ANY_PROPERTY_TYPE = 0;
const PROP_REPLACE = 0;
/** How long a selection owner has to answer a ConvertSelection. */
const CONVERT_TIMEOUT_MS = 3_000;

/** Calls an x11 request and resolves with its reply; `return true` tells x11 the error was handled. */
function call<T>(fn: (cb: (err: Error | null, result: T) => unknown) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, result) => {
    if (err) reject(err);
    else resolve(result);
    return true;
  }));
}

/** Latin-1 for the ICCCM STRING target: characters beyond U+00FF become `?`, never mangled bytes. */
function toLatin1(text: string): Buffer {
  return Buffer.from(Array.from(text, (c) => (c.codePointAt(0) ?? 0) > 0xff ? '?' : c).join(''), 'latin1');
}

/** Options of {@link X11Clipboard.open}. */
export interface X11ClipboardOptions {
  /** X display, e.g. ":0"; default $DISPLAY. */
  display?: string;
}

/**
 * The X11 CLIPBOARD selection (ICCCM §2) as a {@link TextClipboard}: the
 * agent owns it through a window of its own to write text (answering
 * SelectionRequest for TARGETS, UTF8_STRING and STRING), converts it to
 * UTF8_STRING to read it, and hears changes through XFIXES
 * SelectSelectionInput.
 *
 * Bound: text travels in one property, never INCR (ICCCM §2.7.2). The bound
 * is the smaller of {@link CLIPBOARD_LIMITS} and what one request carries on
 * this server ({@link X11Clipboard.maxBytes}); longer text is refused with
 * TANDEM_ERR_MESSAGE_TOO_LARGE on write (the clipboard keeps what it had)
 * and on read (an owner offering INCR), never cut short.
 */
export class X11Clipboard implements TextClipboard {
  readonly #X: X11Client;
  readonly #win: number;
  readonly #atoms: Record<'CLIPBOARD' | 'UTF8_STRING' | 'TARGETS' | 'INCR' | 'TANDEM_CLIP', number>;
  readonly #fixesEvent: number;
  /** UTF-8 bytes in one property: the server's request length less the ChangeProperty header. */
  readonly maxBytes: number;
  #owned: string | undefined = undefined;
  #pending: ((property: number) => void) | undefined = undefined;
  readonly #listeners = new Set<() => void>();
  #closed = false;

  private constructor(X: X11Client, win: number, atoms: Record<'CLIPBOARD' | 'UTF8_STRING' | 'TARGETS' | 'INCR' | 'TANDEM_CLIP', number>, fixesEvent: number, maxBytes: number) {
    this.#X = X;
    this.#win = win;
    this.#atoms = atoms;
    this.#fixesEvent = fixesEvent;
    this.maxBytes = maxBytes;
  }

  /** Connects to the display, makes the window that owns and receives the selection, and listens for changes. */
  static async open(opts: X11ClipboardOptions = {}): Promise<X11Clipboard> {
    const display = opts.display ?? process.env.DISPLAY;
    if (!display) throw new TandemError('TANDEM_ERR_BAD_INPUT', 'display: no X display given and $DISPLAY is not set');
    const d = await call<X11Display>((cb) => x11.createClient({ display, shm: false }, cb).on('error', (err) => cb(err, undefined as unknown as X11Display)));
    const X = d.client;
    const screen = d.screen[0];
    if (!screen) {
      X.terminate();
      throw new TandemError('TANDEM_ERR_INTERNAL', `display ${display}: no screen`);
    }
    const intern = (name: string): Promise<number> => call<number>((cb) => X.InternAtom(false, name, cb));
    const atoms = {
      CLIPBOARD: await intern('CLIPBOARD'),
      UTF8_STRING: await intern('UTF8_STRING'),
      TARGETS: await intern('TARGETS'),
      INCR: await intern('INCR'),
      TANDEM_CLIP: await intern('TANDEM_CLIP'),
    };
    let fixes: X11Fixes;
    try {
      fixes = await call<X11Fixes>((cb) => X.require('fixes', cb));
    } catch (err) {
      X.terminate();
      throw new TandemError('TANDEM_ERR_INTERNAL', `display ${display}: the XFIXES extension is missing (${(err as Error).message})`);
    }
    const win = X.AllocID();
    X.CreateWindow(win, screen.root, 0, 0, 1, 1, 0, 0, INPUT_ONLY, 0, { eventMask: PROPERTY_CHANGE_MASK });
    const m = fixes.SelectionEventMask;
    fixes.SelectSelectionInput(win, atoms.CLIPBOARD, m.SetSelectionOwner | m.SelectionWindowDestroy | m.SelectionClientClose);
    const maxBytes = Math.min(CLIPBOARD_LIMITS.maxTextUnits * 3, d.max_request_length * 4 - 24);
    const clip = new X11Clipboard(X, win, atoms, (fixes as unknown as { firstEvent: number }).firstEvent, maxBytes);
    X.on('event', (ev) => clip.#onEvent(ev));
    // Errors of requests without replies (a requestor window gone before we answered) are not fatal.
    X.on('error', () => undefined);
    return clip;
  }

  /** Calls `listener` whenever another program takes the CLIPBOARD; returns a function that stops it. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async readText(): Promise<string | undefined> {
    if (this.#closed) throw new TandemError('TANDEM_ERR_INTERNAL', 'the clipboard is closed');
    const a = this.#atoms;
    const owner = await call<number>((cb) => this.#X.GetSelectionOwner(a.CLIPBOARD, cb));
    if (owner === 0) return undefined;
    if (owner === this.#win) return this.#owned;
    const property = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending = undefined;
        reject(new TandemError('TANDEM_ERR_TIMEOUT', `the clipboard's owner did not answer within ${CONVERT_TIMEOUT_MS} ms`));
      }, CONVERT_TIMEOUT_MS);
      this.#pending = (p) => {
        clearTimeout(timer);
        this.#pending = undefined;
        resolve(p);
      };
      this.#X.ConvertSelection(this.#win, a.CLIPBOARD, a.UTF8_STRING, a.TANDEM_CLIP, 0);
    });
    if (property === 0) return undefined;
    const prop = await call<{ type: number; format: number; bytesAfter: number; data: Buffer }>((cb) =>
      this.#X.GetProperty(1, this.#win, a.TANDEM_CLIP, ANY_PROPERTY_TYPE, 0, Math.ceil(this.maxBytes / 4), cb));
    if (prop.type === a.INCR || prop.bytesAfter > 0) {
      this.#X.DeleteProperty(this.#win, a.TANDEM_CLIP);
      throw new TandemError('TANDEM_ERR_MESSAGE_TOO_LARGE', `the clipboard's text is longer than ${this.maxBytes} bytes, the most the agent takes: it was not read`);
    }
    if (prop.type !== a.UTF8_STRING && prop.type !== ATOM_STRING) return undefined;
    const text = prop.type === ATOM_STRING ? prop.data.toString('latin1') : prop.data.toString('utf8');
    if (text.length > CLIPBOARD_LIMITS.maxTextUnits) {
      throw new TandemError('TANDEM_ERR_MESSAGE_TOO_LARGE', `the clipboard's text is longer than ${CLIPBOARD_LIMITS.maxTextUnits} characters: it was not read`);
    }
    return text;
  }

  async writeText(text: string): Promise<void> {
    if (this.#closed) throw new TandemError('TANDEM_ERR_INTERNAL', 'the clipboard is closed');
    const bytes = Buffer.byteLength(text, 'utf8');
    if (text.length > CLIPBOARD_LIMITS.maxTextUnits || bytes > this.maxBytes) {
      throw new TandemError('TANDEM_ERR_MESSAGE_TOO_LARGE', `clipboard text of ${bytes} bytes is longer than ${this.maxBytes}, the most the clipboard takes: the clipboard was left as it was`);
    }
    this.#owned = text;
    this.#X.SetSelectionOwner(this.#win, this.#atoms.CLIPBOARD, 0);
    const owner = await call<number>((cb) => this.#X.GetSelectionOwner(this.#atoms.CLIPBOARD, cb));
    if (owner !== this.#win) throw new TandemError('TANDEM_ERR_INTERNAL', 'another program took the clipboard at once: the text was not set');
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    this.#X.terminate();
  }

  #onEvent(ev: X11Event): void {
    if (ev.type === this.#fixesEvent) {
      // XFIXES SelectionNotify: someone else took (or dropped) the CLIPBOARD.
      if (ev.owner !== this.#win) {
        for (const l of this.#listeners) l();
      }
      return;
    }
    switch (ev.name) {
      case 'SelectionNotify':
        if (ev.requestor === this.#win) this.#pending?.(ev.property as number);
        return;
      case 'SelectionClear':
        this.#owned = undefined;
        return;
      case 'SelectionRequest':
        this.#answer(ev);
        return;
      default:
        return;
    }
  }

  /** Answers a SelectionRequest for the text we own (ICCCM §2.2); anything else gets property None (a refusal). */
  #answer(ev: X11Event): void {
    const a = this.#atoms;
    const requestor = ev.requestor as number, target = ev.target as number;
    // Obsolete clients pass property None: ICCCM §2.2 says use the target's atom then.
    let property = (ev.property as number) || target;
    const text = this.#owned;
    if (ev.selection !== a.CLIPBOARD || text === undefined) property = 0;
    else if (target === a.TARGETS) this.#X.ChangeProperty(PROP_REPLACE, requestor, property, ATOM_ATOM, 32, [a.TARGETS, a.UTF8_STRING, ATOM_STRING]);
    else if (target === a.UTF8_STRING) this.#X.ChangeProperty(PROP_REPLACE, requestor, property, a.UTF8_STRING, 8, Buffer.from(text, 'utf8'));
    else if (target === ATOM_STRING) this.#X.ChangeProperty(PROP_REPLACE, requestor, property, ATOM_STRING, 8, toLatin1(text));
    else property = 0;
    this.#X.SendEvent(requestor, 0, 0, { name: 'SelectionNotify', time: ev.time, requestor, selection: ev.selection, target, property });
  }
}
