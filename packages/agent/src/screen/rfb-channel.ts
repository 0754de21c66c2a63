/**
 * The session's rfb channel as a byte pipe with backpressure. A send completes only once
 * the relay socket's backlog is below LIMITS.sendHighWaterBytes, so the
 * engine (which keeps one update in flight) never queues frames the network
 * cannot carry; it coalesces damage instead.
 */
import { LIMITS } from '@tandem/protocol';

/** What the screen code needs of a session (CustomerSession has it). */
export interface RfbSessionPort {
  sendRfb(data: Uint8Array): Promise<void>;
  readonly bufferedAmount: number;
}

/** How often the relay socket's backlog is checked while it is high, ms. */
const DRAIN_POLL_MS = 5;

/** Sends `data` on the rfb channel and resolves once the backlog is below the high-water mark. */
export async function sendWithBackpressure(session: RfbSessionPort, data: Uint8Array, isOpen: () => boolean): Promise<void> {
  await session.sendRfb(data);
  while (isOpen() && session.bufferedAmount > LIMITS.sendHighWaterBytes) {
    await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
  }
}
