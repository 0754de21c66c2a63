import type { WebSocketLike } from '@tandem/protocol';

/**
 * Opens a browser WebSocket for a session. lib.dom types `send()` as taking
 * `ArrayBufferView<ArrayBuffer>`, narrower than the protocol's `Uint8Array`
 * (which could in principle sit on a SharedArrayBuffer); the protocol only
 * ever sends views of ordinary ArrayBuffers, so the browser socket fits the
 * WebSocketLike shape at run time and the cast only bridges the typings.
 */
export function openBrowserWebSocket(url: string): WebSocketLike {
  return new WebSocket(url) as unknown as WebSocketLike;
}
