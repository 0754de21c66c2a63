/**
 * Runs noVNC for the session's current screen stream, outside React: the
 * noVNC client draws into an element this host owns, which the screen pane
 * borrows while it is shown. So a page change, or React mounting a component
 * twice, never drops a stream that cannot be restarted (a fresh stream starts
 * only on a step up from chat, docs/protocol.md).
 */
import type RFB from '@novnc/novnc';
import type { RfbRawChannel } from '@novnc/novnc';
import type { SessionController, ScreenStream } from '../session/session-controller.js';
import type { RfbChannel } from '../session/rfb-channel.js';

/** Makes the noVNC client for one stream; injected so main.tsx decides the import. */
export type RfbFactory = (target: HTMLElement, channel: RfbChannel) => RFB;

/** How the screen is sized: to fit the pane, or one remote pixel per CSS pixel. */
export type ScreenScale = 'fit' | 'actual';

/** What the screen pane shows about the viewer. */
export interface ScreenState {
  /** The stream number the viewer runs, if any. */
  stream: number | undefined;
  /** noVNC finished the RFB handshake and draws the remote screen. */
  connected: boolean;
  /** noVNC gave up on the stream (it did not end by a mode change). */
  lost: boolean;
  /** Input goes to the customer's machine (mode control). */
  control: boolean;
  scale: ScreenScale;
}

const IDLE: ScreenState = { stream: undefined, connected: false, lost: false, control: false, scale: 'fit' };

/** Owns the noVNC client of the current stream and keeps it in step with the session. */
export class ScreenHost {
  /** noVNC's target: the screen pane puts this element on the page. */
  readonly element: HTMLDivElement;
  readonly #sessions: SessionController;
  readonly #createRfb: RfbFactory;
  readonly #listeners = new Set<() => void>();
  #rfb: RFB | undefined;
  #current: ScreenStream | undefined;
  #state: ScreenState = IDLE;

  constructor(sessions: SessionController, createRfb: RfbFactory, doc: Document) {
    this.#sessions = sessions;
    this.#createRfb = createRfb;
    this.element = doc.createElement('div');
    this.element.className = 'screen-target';
    sessions.subscribe(() => this.#sync());
  }

  /** The viewer's state; a new object on every change. */
  get state(): ScreenState {
    return this.#state;
  }

  /** Subscribes to state changes; returns the unsubscribe function. */
  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Scale to fit, or show 1:1 with scroll bars. */
  setScale(scale: ScreenScale): void {
    if (this.#rfb) this.#rfb.scaleViewport = scale === 'fit';
    this.#set({ scale });
  }

  #sync(): void {
    const stream = this.#sessions.screen;
    if (stream !== this.#current) {
      this.#stop();
      if (stream) this.#start(stream);
    }
    const control = stream !== undefined && this.#sessions.view?.mode === 'control';
    if (this.#rfb && this.#rfb.viewOnly === control) this.#applyControl(this.#rfb, control);
    if (control !== this.#state.control) this.#set({ control });
  }

  #start(stream: ScreenStream): void {
    this.#current = stream;
    const rfb = this.#createRfb(this.element, stream.channel);
    this.#rfb = rfb;
    rfb.scaleViewport = this.#state.scale === 'fit';
    rfb.clipViewport = false;
    rfb.resizeSession = false;
    // Before the handshake completes, so noVNC never grabs the keyboard in view only.
    this.#applyControl(rfb, this.#sessions.view?.mode === 'control');
    rfb.addEventListener('connect', () => {
      if (this.#rfb === rfb) this.#set({ connected: true });
    });
    rfb.addEventListener('disconnect', () => {
      if (this.#rfb !== rfb) return;
      this.#rfb = undefined;
      this.#set({ connected: false, lost: true });
    });
    this.#set({ stream: stream.id, connected: false, lost: false });
    // Attached now: let the bytes that arrived since the mode change through.
    stream.channel.open();
  }

  #stop(): void {
    const rfb = this.#rfb;
    this.#rfb = undefined;
    this.#current = undefined;
    rfb?.disconnect();
    this.#set({ stream: undefined, connected: false, lost: false });
  }

  /**
   * viewOnly makes noVNC drop the keyboard grab and ignore the pointer; the
   * agent's gatekeeper enforces the mode anyway, this keeps the technician's
   * keys from going anywhere in view only.
   */
  #applyControl(rfb: RFB, control: boolean): void {
    rfb.viewOnly = !control;
    rfb.focusOnClick = control;
    if (!control) rfb.blur();
  }

  #set(patch: Partial<ScreenState>): void {
    this.#state = { ...this.#state, ...patch };
    for (const listener of [...this.#listeners]) listener();
  }
}

/** The channel as noVNC's loose type names it: RfbChannel has every member Websock.attach() checks. */
export function asRawChannel(channel: RfbChannel): RfbRawChannel {
  return channel;
}
