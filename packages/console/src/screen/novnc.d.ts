/**
 * The part of noVNC's public API (docs/API.md of @novnc/novnc 1.7) the
 * console uses. noVNC ships no type declarations.
 */
declare module '@novnc/novnc' {
  /** What RFB accepts instead of a URL: a WebSocket-shaped object (core/websock.js attach()). */
  export interface RfbRawChannel {
    readyState: string | number;
    binaryType: string;
    protocol: string;
    send(data: ArrayBufferView | ArrayBuffer): void;
    close(): void;
    onopen: ((event: never) => void) | null;
    onmessage: ((event: never) => void) | null;
    onclose: ((event: never) => void) | null;
    onerror: ((event: never) => void) | null;
  }

  export interface RfbOptions {
    shared?: boolean;
    credentials?: { username?: string; password?: string; target?: string };
    repeaterID?: string;
    wsProtocols?: string[];
  }

  /** A noVNC client bound to one target element and one connection. */
  export default class RFB extends EventTarget {
    constructor(target: HTMLElement, urlOrChannel: string | RfbRawChannel, options?: RfbOptions);
    viewOnly: boolean;
    focusOnClick: boolean;
    clipViewport: boolean;
    dragViewport: boolean;
    scaleViewport: boolean;
    resizeSession: boolean;
    showDotCursor: boolean;
    background: string;
    qualityLevel: number;
    compressionLevel: number;
    readonly capabilities: { power: boolean };
    disconnect(): void;
    focus(options?: FocusOptions): void;
    blur(): void;
    sendKey(keysym: number, code: string | null, down?: boolean): void;
  }
}
