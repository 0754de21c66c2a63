/**
 * The gatekeeper's layer on its own (gatekeeper/gatekeeper.ts): in bridge
 * mode (`tandem join --vnc`) behind it stands a VNC server stand-in that
 * would accept anything and records every byte the agent passes on, so no
 * engine's own input check can hide what the gatekeeper let through. In view
 * only, a hostile technician's KeyEvent, PointerEvent and ClientCutText must
 * never reach the server; in shared control the same messages do (the
 * positive control: the recording would see them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ByteQueue, ENCODING, parseClientMessage, type ClientMessage } from '@tandem/rfb';
import { acceptOnTerminal, HostileTech, RelayFixture, sleep, VncStandIn, waitModeCount, type StandInConnection } from '@tandem/test-kit';

const W = 64, H = 48;

/** The messages a stand-in connection received so far (all of them complete: the caller waited for its marker). */
class Recording {
  readonly messages: ClientMessage[] = [];
  readonly #q = new ByteQueue();
  constructor(readonly conn: StandInConnection) {}

  /** Reads what arrived; resolves once a FramebufferUpdateRequest for exactly `w`×`h` (the test's marker) is among it. */
  async until(w: number, h: number): Promise<ClientMessage[]> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (this.conn.received.length > 0) this.#q.push(this.conn.received.take(this.conn.received.length));
      for (let m = parseClientMessage(this.#q); m !== null; m = parseClientMessage(this.#q)) this.messages.push(m.message);
      if (this.messages.some((m) => m.type === 'FramebufferUpdateRequest' && m.w === w && m.h === h)) return this.messages.splice(0);
      if (Date.now() > deadline) throw new Error(`the stand-in got no marker; it got ${JSON.stringify(this.messages.map((m) => m.type))}`);
      await sleep(20);
    }
  }
}

/** Input of every kind the gatekeeper must hold back in view only, then the marker (an update request of w×h). */
function sendInput(tech: HostileTech, w: number, h: number): void {
  tech.msg({ type: 'PointerEvent', buttonMask: 1, x: 10, y: 10 });
  tech.msg({ type: 'PointerEvent', buttonMask: 0, x: 11, y: 11 });
  tech.key(0x61, true);
  tech.key(0x61, false);
  tech.msg({ type: 'ClientCutText', text: 'clipboard from the technician' });
  tech.msg({ type: 'FramebufferUpdateRequest', incremental: true, x: 0, y: 0, w, h });
}

const INPUT = new Set(['KeyEvent', 'PointerEvent', 'ClientCutText', 'SetDesktopSize']);

describe('the gatekeeper alone, in front of a VNC server that would accept anything', () => {
  const relay = new RelayFixture();
  const password = 'pw-gatekeeper-alone-horse';
  let standIn: VncStandIn;
  const techs: HostileTech[] = [];

  beforeAll(async () => {
    await relay.start();
    await relay.addUser('prober', 'technician', password);
    standIn = await VncStandIn.start({ width: W, height: H });
  });

  afterAll(async () => {
    for (const t of techs) await t.end();
    await standIn?.close();
    await relay.stop();
  });

  it('gatekeeper layer: in view only no KeyEvent, PointerEvent or ClientCutText reaches the VNC server; in control they all do', async () => {
    const tech = await HostileTech.start(relay, 'prober', password, 'view');
    techs.push(tech);
    const agent = relay.join(tech.code, ['--vnc', `127.0.0.1:${standIn.port}`], {});
    await acceptOnTerminal(agent);
    await waitModeCount(tech, 'view', 1);
    expect(await tech.handshake()).toMatchObject({ width: W, height: H });
    const conn = await standIn.connection();
    await conn.ready;
    const recording = new Recording(conn);
    tech.msg({ type: 'SetEncodings', encodings: [ENCODING.Raw] });

    sendInput(tech, 3, 3);
    const inView = await recording.until(3, 3);
    expect(inView.map((m) => m.type)).toEqual(['SetEncodings', 'FramebufferUpdateRequest']);

    tech.session.requestMode('control');
    await agent.waitFor(/\(mode control\)\. Allow\? \[y\/n\]/, 20_000, 'err');
    agent.send('y');
    await waitModeCount(tech, 'control', 1);
    sendInput(tech, 4, 4);
    const inControl = (await recording.until(4, 4)).filter((m) => INPUT.has(m.type));
    expect(inControl).toEqual([
      { type: 'PointerEvent', buttonMask: 1, x: 10, y: 10 },
      { type: 'PointerEvent', buttonMask: 0, x: 11, y: 11 },
      { type: 'KeyEvent', down: true, keysym: 0x61 },
      { type: 'KeyEvent', down: false, keysym: 0x61 },
      { type: 'ClientCutText', text: 'clipboard from the technician' },
    ]);
    await tech.end();
    expect(await agent.exitCode()).toBe(0);
  });
});
