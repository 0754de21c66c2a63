/**
 * A hostile technician for the screen tests: a real TechnicianSession over
 * the relay (ws + node AEAD, as the CLI uses) that speaks the RFB client side
 * itself and sends whatever the test tells it, whatever the mode.
 */
import { TechnicianSession, type Mode, type TechnicianEvent } from '@tandem/protocol';
import { createRelaySocketFactory, nodeAeadProvider } from '@tandem/node-client';
import { ByteQueue, encodeClientMessage, type ClientMessage } from '@tandem/rfb';
import type { Proc } from './process.js';
import { login } from './relay-api.js';
import { sleep } from './wait.js';

/** The Return key's X keysym (X11 keysymdef.h). */
export const XK_RETURN = 0xff0d;
/** The left Control key's X keysym (X11 keysymdef.h). */
export const XK_CONTROL_L = 0xffe3;

/** The technician side of one session, with the RFB client written out by hand. */
export class HostileTech {
  readonly session: TechnicianSession;
  readonly events: TechnicianEvent[] = [];
  readonly rfb = new ByteQueue();
  /** Errors of screen data the session could not send (it ended meanwhile): the session's own events say why. */
  readonly sendErrors: unknown[] = [];
  code = '';
  #wake: (() => void)[] = [];

  private constructor(session: TechnicianSession) {
    this.session = session;
    session.onEvent((e) => {
      if (e.type === 'rfb') this.rfb.push(e.data);
      else this.events.push(e);
      const w = this.#wake.splice(0);
      for (const f of w) f();
    });
  }

  /** Signs in over the HTTP API and creates a session code asking for `mode`. */
  static async start(relay: { url: string }, user: string, password: string, mode: Mode): Promise<HostileTech> {
    const token = await login(relay, user, password);
    const sockets = createRelaySocketFactory({ relayUrl: relay.url });
    const session = new TechnicianSession({ relayUrl: relay.url, token, mode, aead: nodeAeadProvider(), connect: sockets.connect });
    const tech = new HostileTech(session);
    session.start();
    tech.code = (await tech.waitEvent((ev) => ev.type === 'code')).code;
    return tech;
  }

  /** Waits until an event matches (looking at every event so far); a type guard narrows what it resolves with. */
  waitEvent<E extends TechnicianEvent>(pred: (e: TechnicianEvent) => e is E, ms?: number): Promise<E>;
  waitEvent(pred: (e: TechnicianEvent) => boolean, ms?: number): Promise<TechnicianEvent>;
  async waitEvent(pred: (e: TechnicianEvent) => boolean, ms = 20_000): Promise<TechnicianEvent> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.events.find(pred);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`technician: no matching event within ${ms} ms; got ${JSON.stringify(this.events.map((x) => (x.type === 'failed' ? { failed: x.error.message } : x)))}`);
      await new Promise<void>((r) => { const t = setTimeout(r, 100); this.#wake.push(() => { clearTimeout(t); r(); }); });
    }
  }

  /** Waits for `n` RFB bytes. */
  async need(n: number, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.rfb.has(n)) {
      if (this.session.finished) throw new Error(`session over with ${this.rfb.length} of ${n} RFB bytes`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} RFB bytes (have ${this.rfb.length})`);
      await new Promise<void>((r) => { const t = setTimeout(r, 50); this.#wake.push(() => { clearTimeout(t); r(); }); });
    }
  }

  /** Sends RFB bytes on the session's screen channel, whatever the mode. */
  send(bytes: Uint8Array): void {
    this.session.sendRfb(bytes).catch((err: unknown) => {
      this.sendErrors.push(err);
    });
  }

  /** Sends one RFB client message. */
  msg(m: ClientMessage): void {
    this.send(encodeClientMessage(m));
  }

  /** The RFB 3.8 client handshake with security None; returns the ServerInit (`pixelFormat`: its 16 bytes). */
  async handshake(): Promise<{ width: number; height: number; name: string; bpp: number; pixelFormat: Uint8Array }> {
    await this.need(12);
    const version = Buffer.from(this.rfb.take(12)).toString('latin1');
    if (version !== 'RFB 003.008\n') throw new Error(`server version ${JSON.stringify(version)}`);
    this.send(Buffer.from('RFB 003.008\n', 'latin1'));
    await this.need(1);
    const n = this.rfb.peekU8(0);
    this.rfb.skip(1);
    await this.need(n);
    const types = [...this.rfb.take(n)];
    if (!types.includes(1)) throw new Error(`server offers security types ${types.join(', ')}, not None`);
    this.send(Uint8Array.of(1));
    await this.need(4);
    if (this.rfb.peekU32(0) !== 0) throw new Error('security result not OK');
    this.rfb.skip(4);
    this.send(Uint8Array.of(1));
    await this.need(24);
    const width = this.rfb.peekU16(0), height = this.rfb.peekU16(2), bpp = this.rfb.peekU8(4);
    const pixelFormat = this.rfb.peekBytes(16, 4);
    const nameLength = this.rfb.peekU32(20);
    await this.need(24 + nameLength);
    const name = Buffer.from(this.rfb.take(24 + nameLength).subarray(24)).toString('latin1');
    return { width, height, name, bpp, pixelFormat };
  }

  /** One KeyEvent. */
  key(keysym: number, down: boolean): void {
    this.msg({ type: 'KeyEvent', down, keysym });
  }

  /** Key presses for `text` ("\n" is Return), `gapMs` apart. */
  async type(text: string, gapMs = 0): Promise<void> {
    for (const ch of text) {
      const keysym = ch === '\n' ? XK_RETURN : ch.charCodeAt(0);
      this.key(keysym, true);
      this.key(keysym, false);
      if (gapMs > 0) await sleep(gapMs);
    }
  }

  /** Ctrl+U: the terminal's line kill, so a half-typed line from an earlier step cannot join the next command. */
  killLine(): void {
    this.key(XK_CONTROL_L, true);
    this.key(0x75, true);
    this.key(0x75, false);
    this.key(XK_CONTROL_L, false);
  }

  /**
   * Asks for a whole-screen update (Raw only must have been set) and reads
   * server messages up to the next FramebufferUpdate; returns its rectangles.
   * Every byte sent before was judged by the agent by the time this returns.
   */
  async update(width: number, height: number, incremental = false): Promise<{ encoding: number; w: number; h: number }[]> {
    this.msg({ type: 'FramebufferUpdateRequest', incremental, x: 0, y: 0, w: width, h: height });
    for (;;) {
      await this.need(1);
      const type = this.rfb.peekU8(0);
      if (type === 2) { this.rfb.skip(1); continue; } // Bell
      if (type === 3) { // ServerCutText
        await this.need(8);
        const len = this.rfb.peekU32(4);
        await this.need(8 + len);
        this.rfb.skip(8 + len);
        continue;
      }
      if (type !== 0) throw new Error(`unexpected server message ${type}`);
      await this.need(4);
      const count = this.rfb.peekU16(2);
      this.rfb.skip(4);
      const rects = [];
      for (let i = 0; i < count; i++) {
        await this.need(12);
        const r = { w: this.rfb.peekU16(4), h: this.rfb.peekU16(6), encoding: this.rfb.peekU32(8) | 0 };
        this.rfb.skip(12);
        if (r.encoding === 0) {
          await this.need(r.w * r.h * 4, 20_000);
          this.rfb.skip(r.w * r.h * 4);
        } else if (r.encoding !== -223 && r.encoding !== -308) throw new Error(`test client cannot read encoding ${r.encoding}`);
        rects.push(r);
      }
      return rects;
    }
  }

  /** Ends the session if it still runs. */
  async end(): Promise<void> {
    // A session that fails while ending (the agent went first) is over all the same: teardown only needs it over.
    if (!this.session.finished) await this.session.end().catch(() => undefined);
  }
}

/** Waits for the `nth` (1-based) stderr line of `agent` matching `re`. */
export async function nthErrLine(agent: Proc, re: RegExp, nth: number, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (agent.stderrLines.filter((l) => re.test(l)).length < nth) {
    if (Date.now() > deadline) throw new Error(`agent: no ${nth}th stderr line matching ${re}.\nstderr:\n${agent.stderrLines.join('\n')}`);
    await sleep(50);
  }
}

/** The technician asks for control and the customer (on the terminal) allows it. */
export async function stepUpToControl(tech: HostileTech, agent: Proc, nth: number): Promise<void> {
  tech.session.requestMode('control');
  await nthErrLine(agent, /\(mode control\)\. Allow\? \[y\/n\]/, nth);
  agent.send('y');
  await waitModeCount(tech, 'control', nth + 1);
}

/** Waits until the technician saw `count` mode events for `mode` (accept counts as one). */
export async function waitModeCount(tech: HostileTech, mode: Mode, count: number, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  const seen = (): number => tech.events.filter((e) => (e.type === 'mode' || e.type === 'accepted') && e.mode === mode).length;
  while (seen() < count) {
    if (Date.now() > deadline) throw new Error(`technician: ${seen()} of ${count} mode ${mode} events; got ${JSON.stringify(tech.events.map((e) => e.type === 'mode' || e.type === 'accepted' ? `${e.type} ${e.mode}` : e.type))}`);
    await sleep(50);
  }
}
