/**
 * The customer's screen as `tandem tech session` sees it: one RFB client per
 * RFB stream on the session's rfb channel, and the screen commands
 * (`/snapshot`, `/type`, `/click`) on top of it.
 *
 * Stream rule (docs/protocol.md, issue 3): a fresh RFB stream starts each
 * time the mode goes from chat to view or control (including an initial
 * accept in view or control); going back to chat ends it. view <-> control
 * keeps the stream. The client sends what it is told in any mode: enforcing
 * the mode is the agent's gatekeeper's job.
 */
import { writeFile } from 'node:fs/promises';
import { TandemError, type Mode } from '@tandem/protocol';
import { keysymsForText } from '../rfb-client/keysyms.js';
import { encodePng } from '../rfb-client/png-writer.js';
import { RfbClient, type RfbClientEvent } from '../rfb-client/rfb-client.js';
import type { LineOutput } from '@tandem/node-client';

/** How long a screen command waits for the stream to start or the screen to arrive. */
const SCREEN_WAIT_MS = 30_000;

/** Options of {@link TechScreen}. */
export interface TechScreenOptions {
  /** Sends bytes on the session's rfb channel. */
  send: (bytes: Uint8Array) => Promise<void>;
  out: LineOutput;
}

/** Follows the session's mode and holds the RFB client of the current stream. */
export class TechScreen {
  readonly #opts: TechScreenOptions;
  #mode: Mode = 'chat';
  #client: RfbClient | null = null;

  constructor(opts: TechScreenOptions) {
    this.#opts = opts;
  }

  /** The customer's mode changed (or was first granted). */
  onMode(mode: Mode): void {
    const previous = this.#mode;
    this.#mode = mode;
    if (mode === 'chat') {
      this.#drop();
      return;
    }
    if (previous === 'chat') {
      this.#drop();
      const client: RfbClient = new RfbClient({ send: this.#opts.send, onEvent: (e) => this.#onClientEvent(client, e) });
      this.#client = client;
    }
  }

  /** Bytes of the RFB stream arrived. */
  onRfb(data: Uint8Array): void {
    // Without a stream (chat) there is nobody to read them; by the stream rule none should come.
    this.#client?.receive(data);
  }

  /** Writes the screen as the technician sees it now to `file` as PNG; resolves with its size. */
  async snapshot(file: string): Promise<{ width: number; height: number }> {
    const client = this.#require('/snapshot');
    const shot = await client.snapshot(SCREEN_WAIT_MS);
    try {
      await writeFile(file, encodePng(shot.width, shot.height, 3, shot.rgb));
    } catch (err) {
      throw new TandemError('TANDEM_ERR_BAD_INPUT', `/snapshot: cannot write ${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    return { width: shot.width, height: shot.height };
  }

  /** Types `text` (already unescaped) as key presses and releases; resolves once all was sent. */
  async type(text: string): Promise<void> {
    keysymsForText(text); // refuse untypable text before anything is sent
    const client = this.#require('/type');
    await client.ready(SCREEN_WAIT_MS);
    await client.typeText(text);
  }

  /** Clicks button 1 at (x, y). */
  async click(x: number, y: number): Promise<void> {
    const client = this.#require('/click');
    await client.ready(SCREEN_WAIT_MS);
    await client.click(x, y);
  }

  /** Ends the current stream, if any (the session ended). */
  close(): void {
    this.#drop();
  }

  #require(command: string): RfbClient {
    if (!this.#client) throw new TandemError('TANDEM_ERR_BAD_INPUT', `${command}: no screen in chat mode (ask with /request view or /request control)`);
    return this.#client;
  }

  #drop(): void {
    const client = this.#client;
    this.#client = null;
    client?.close();
  }

  #onClientEvent(client: RfbClient, e: RfbClientEvent): void {
    if (client !== this.#client) return; // a dropped stream's last words
    if (e.type === 'screen' || e.type === 'resize') this.#opts.out.event('screen', `${e.width}x${e.height}`);
    else if (e.type === 'closed' && e.error) this.#opts.out.error(e.error);
  }
}
