/**
 * The join controller between a customer's session and its interfaces,
 * through the session's injected connection factory, without a network: a
 * technician's session on a relay in memory (test/memory-relay.ts), or a
 * technician played on the real end-to-end layer over a relay the test plays
 * (test/scripted-relay.ts, test/played-peer.ts), so that every status can be
 * held and looked at.
 *
 * States (JOIN_TRANSITIONS): connecting, handshaking, consent, active, ended, failed.
 *
 * | transition              | test                                                                 |
 * | ----------------------- | -------------------------------------------------------------------- |
 * | connecting → handshaking | "the view follows the session ..."                                  |
 * | connecting → ended      | "ends or fails in every status ..."                                  |
 * | connecting → failed     | "ends or fails in every status ..."                                  |
 * | handshaking → consent   | "the view follows the session ..."                                   |
 * | handshaking → ended     | "ends or fails in every status ..."                                  |
 * | handshaking → failed    | "ends or fails in every status ..."                                  |
 * | consent → active        | "the view follows the session ...", step-up tests                    |
 * | consent → ended         | "refused at the consent screen ..."                                  |
 * | consent → failed        | "ends or fails in every status ..."                                  |
 * | active → ended          | "the view follows the session ...", step-up tests                    |
 * | active → failed         | "ends or fails in every status ..."                                  |
 *
 * Step-up answers (security review, issue 7 item 4): the customer's answer to
 * a step-up carries the mode the customer was shown; a request swapped in
 * while the answer is on its way is never what gets granted. The last test
 * checks that the tests above took every transition of the table.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CustomerSession, TechnicianSession, webCryptoAeadProvider, type Mode, type TechnicianEvent } from '@tandem/protocol';
import { GOOD_TOKEN, MemoryRelay, PLAYED_TECHNICIAN, PlayedPeer, ScriptedRelay, TransitionLog, until, waitFor, type ScriptedSocket } from '@tandem/test-kit';
import { EventLog, loggerSink } from '../system/event-log.js';
import { JOIN_TRANSITIONS, JoinController, parseAcceptAnswer, type ChatEntry, type ConsentPolicy, type JoinStatus } from './join-controller.js';

const log = new TransitionLog();

/** A session accepted in chat-only mode through the controller. */
async function accepted(): Promise<{ technician: TechnicianSession; controller: JoinController; techEvents: TechnicianEvent[]; chat: ChatEntry[] }> {
  const relay = new MemoryRelay();
  const aead = webCryptoAeadProvider();
  const techEvents: TechnicianEvent[] = [];
  const technician = new TechnicianSession({ relayUrl: 'https://relay.test', token: GOOD_TOKEN, mode: 'chat', aead, connect: relay.connect });
  technician.onEvent((e) => techEvents.push(e));
  technician.start();
  const { code } = await waitFor(() => techEvents.find((e) => e.type === 'code'), 5000, 'the code');
  const session = new CustomerSession({ relayUrl: 'https://relay.test', code, aead, connect: relay.connect });
  const controller = new JoinController({ session, relayUrl: 'https://relay.test', defaults: { name: 'Yamada Hanako' }, eventLog: new EventLog({ warn: () => undefined }), onTransition: log.record });
  const chat: ChatEntry[] = [];
  controller.onUpdate((u) => {
    if (u.type === 'chat') chat.push(u.entry);
  });
  session.start();
  await waitFor(() => controller.view.status === 'consent' && controller.view.requestedMode !== undefined, 5000, 'the consent question');
  controller.accept({ name: 'Yamada Hanako', customerNumber: '', caseNumber: '', mode: 'chat', eventLog: false });
  await waitFor(() => technician.state === 'active', 5000, 'the technician active');
  return { technician, controller, techEvents, chat };
}

const modes = (events: TechnicianEvent[]): Mode[] => events.flatMap((e) => (e.type === 'mode' ? [e.mode] : []));

describe('join controller: step-up answers', () => {
  it('grants the mode the customer saw; the request swapped in meanwhile is refused and the customer told', async () => {
    const s = await accepted();
    s.technician.requestMode('view');
    await waitFor(() => s.controller.view.pendingRequest === 'view', 5000, 'the view request shown');
    // The customer clicks "Allow" for view; before the click arrives the technician asks for control.
    s.technician.requestMode('control');
    await waitFor(() => s.controller.view.pendingRequest !== 'view' || s.chat.some((e) => e.from === 'system' && e.key === 'system.requestRefused'), 5000, 'the swap handled');
    expect(s.controller.view.pendingRequest).toBe('view');
    expect(s.chat).toContainEqual({ from: 'system', key: 'system.requestRefused', params: { mode: 'control', pending: 'view' } });
    s.controller.decide('view', true);
    await waitFor(() => modes(s.techEvents).length > 0, 5000, 'the new mode');
    expect(s.controller.view.mode).toBe('view');
    expect(modes(s.techEvents)).toEqual(['view']);
    await s.controller.end();
  });

  it('refuses an answer for another mode than the one waiting with TANDEM_ERR_CONFLICT, granting nothing', async () => {
    const s = await accepted();
    s.technician.requestMode('view');
    await waitFor(() => s.controller.view.pendingRequest === 'view', 5000, 'the view request shown');
    expect(() => s.controller.decide('control', true)).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_CONFLICT' }));
    expect(s.controller.view.pendingRequest).toBe('view');
    expect(s.controller.view.mode).toBe('chat');
    // The answer for what is shown still works.
    s.controller.decide('view', false);
    await waitFor(() => s.techEvents.some((e) => e.type === 'decision'), 5000, 'the decision');
    expect(s.techEvents.filter((e) => e.type === 'decision')).toEqual([{ type: 'decision', mode: 'view', accepted: false }]);
    expect(s.controller.view.mode).toBe('chat');
    await s.controller.end();
  });
});

/** A logger stand-in (a real program, as `logger` is): appends each message it is given, after its priority, to a file. */
const logDir = mkdtempSync(join(tmpdir(), 'tandem-join-log-'));
afterAll(() => rmSync(logDir, { recursive: true, force: true }));
let logs = 0;
function eventLog(): { log: EventLog; lines: () => string[] } {
  const file = join(logDir, `events-${logs++}.txt`);
  const program = join(logDir, `logger-${logs}.sh`);
  // Its arguments: -t tandem -p PRIORITY -- TEXT.
  writeFileSync(program, `#!/bin/sh\nprintf '%s %s\\n' "$4" "$6" >> '${file}'\n`);
  chmodSync(program, 0o755);
  const eventLog = new EventLog({ sink: loggerSink(program), warn: (message) => {
    throw new Error(message);
  } });
  return {
    log: eventLog,
    // The file is made by the first message.
    lines: () => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : []),
  };
}

/** The local policy of a machine where control is forbidden. */
const NO_CONTROL: ConsentPolicy = {
  maxMode: (mode) => (mode === 'control' ? 'view' : mode),
  allows: () => true,
  restrictions: () => [{ key: 'policy.noControl', params: {}, text: 'Control is forbidden on this computer.' }],
};

interface Played {
  controller: JoinController;
  session: CustomerSession;
  statuses: JoinStatus[];
  chat: ChatEntry[];
  relay: ScriptedRelay;
  technician: () => PlayedPeer;
  socket: () => ScriptedSocket;
}

/** A controller whose session faces a technician the test plays; `stage` says how far to bring it. */
async function played(stage: 'connecting' | 'handshaking' | 'consent' | 'active', options: { policy?: ConsentPolicy; eventLog?: EventLog; opening?: 'open' | 'hang' } = {}): Promise<Played> {
  const peer: { technician?: PlayedPeer; socket?: ScriptedSocket } = {};
  const relay = new ScriptedRelay({
    opening: options.opening ?? 'open',
    onSignal: (socket, signal) => {
      if (signal.t !== 'claim') return;
      peer.socket = socket;
      peer.technician = new PlayedPeer({ role: 'technician', secret: '45678', nameplate: '123', sessionId: 'played-join', to: socket });
      socket.signal({ t: 'paired', sessionId: 'played-join', technician: PLAYED_TECHNICIAN, mode: 'control', caseNumber: 'C-3' });
      peer.technician.start();
    },
    onFrame: (_socket, frame) => peer.technician?.receive(frame),
  });
  const session = new CustomerSession({ relayUrl: 'https://relay.test', code: '12345678', aead: webCryptoAeadProvider(), connect: relay.connect });
  const controller = new JoinController({
    session,
    relayUrl: 'https://relay.test',
    defaults: { name: 'Yamada Hanako', customerNumber: 'K-1' },
    eventLog: options.eventLog ?? new EventLog({ warn: () => undefined }),
    ...(options.policy ? { policy: options.policy } : {}),
    onTransition: log.record,
  });
  const statuses: JoinStatus[] = [controller.view.status];
  const chat: ChatEntry[] = [];
  controller.onUpdate((u) => {
    if (u.type === 'chat') chat.push(u.entry);
    else if (statuses[statuses.length - 1] !== u.view.status) statuses.push(u.view.status);
  });
  session.start();
  const p: Played = {
    controller,
    session,
    statuses,
    chat,
    relay,
    technician: () => peer.technician as PlayedPeer,
    socket: () => peer.socket as ScriptedSocket,
  };
  if (stage === 'connecting') return p;
  await until(() => controller.view.status === 'handshaking', 'handshaking');
  if (stage === 'handshaking') return p;
  await p.technician().say({ type: 'request', mode: 'control' });
  await until(() => controller.view.status === 'consent', 'consent');
  if (stage === 'consent') return p;
  controller.accept({ name: 'Yamada Hanako', customerNumber: 'K-1', caseNumber: '', mode: 'view', eventLog: false });
  await until(() => controller.view.status === 'active', 'active');
  return p;
}

const systemKeys = (chat: ChatEntry[]): string[] => chat.flatMap((e) => (e.from === 'system' ? [e.key] : []));

describe('join controller: the view and the actions', () => {
  it('the view follows the session from connecting to ended, under the local policy, and the event log hears it', async () => {
    const events = eventLog();
    const p = await played('handshaking', { policy: NO_CONTROL, eventLog: events.log });
    expect(p.controller.view).toMatchObject({ status: 'handshaking', technician: PLAYED_TECHNICIAN, sas: p.session.sas, defaults: { name: 'Yamada Hanako', customerNumber: 'K-1', caseNumber: 'C-3', eventLog: false } });
    expect(p.controller.view.policy).toEqual([{ key: 'policy.noControl', params: {}, text: 'Control is forbidden on this computer.' }]);
    await p.technician().say({ type: 'request', mode: 'control' });
    await until(() => p.controller.view.status === 'consent', 'consent');
    expect(p.controller.view).toMatchObject({ requestedMode: 'control', maxMode: 'view' });

    // The customer clicks "control": the policy caps it to view, and says so.
    p.controller.accept(parseAcceptAnswer({ name: ' Yamada Hanako ', customerNumber: 'K-1', caseNumber: 'C-3', mode: 'control', eventLog: true }));
    await until(() => p.technician().control.some((m) => m.type === 'consent'), 'the consent');
    expect(p.technician().control.find((m) => m.type === 'consent')).toEqual({ type: 'consent', accepted: true, mode: 'view', customer: { name: 'Yamada Hanako', customerNumber: 'K-1', caseNumber: 'C-3' } });
    expect(p.controller.view).toMatchObject({ status: 'active', mode: 'view' });
    expect(systemKeys(p.chat)).toEqual(['system.policyCapped', 'system.started']);

    // A step up the policy forbids is refused at once; the customer is never asked.
    await p.technician().say({ type: 'request', mode: 'control' });
    await until(() => p.technician().control.some((m) => m.type === 'decision'), 'the refusal');
    expect(p.technician().control.filter((m) => m.type === 'decision')).toEqual([{ type: 'decision', mode: 'control', accepted: false }]);
    expect(p.controller.view.pendingRequest).toBeUndefined();
    expect(systemKeys(p.chat)).toContain('system.policyDenied');

    // Chat both ways, then the hotkey does nothing in view, and a step down to chat.
    await p.technician().say({ type: 'chat', text: 'こんにちは' });
    await until(() => p.chat.some((e) => e.from === 'peer'), "the technician's chat");
    p.controller.sendChat('hello');
    await until(() => p.technician().records.length === 1, "the customer's chat");
    expect(p.chat.filter((e) => e.from !== 'system')).toEqual([{ from: 'peer', text: 'こんにちは' }, { from: 'me', text: 'hello' }]);
    p.controller.takeBackControl();
    expect(p.controller.view.mode).toBe('view');
    p.controller.stepDownOne();
    expect(p.controller.view.mode).toBe('chat');
    expect(() => p.controller.stepDownOne()).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_PROTOCOL' }));

    await p.technician().say({ type: 'end', reason: 'technician-ended' });
    await until(() => p.controller.view.status === 'ended', 'ended');
    expect(p.controller.view.endReason).toBe('technician-ended');
    expect(p.statuses).toEqual(['connecting', 'handshaking', 'consent', 'active', 'ended']);
    await events.log.flush();
    expect(events.lines()).toEqual([
      'user.info Agent tanaka (Tanaka Ichiro, Helpdesk) started Shared View through https://relay.test (session played-join)',
      'user.info Session changed to Chat Only (session played-join)',
      "user.info Agent tanaka's session closed normally: the technician ended it (session played-join)",
    ]);
  });

  it('refused at the consent screen: the session ends refused, and a second answer is refused', async () => {
    const p = await played('consent');
    p.controller.refuse();
    await until(() => p.controller.view.status === 'ended', 'ended');
    expect(p.controller.view.endReason).toBe('refused');
    expect(p.technician().control).toContainEqual({ type: 'consent', accepted: false });
    expect(() => p.controller.refuse()).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_PROTOCOL', message: expect.stringMatching(/refusing the session is not valid in state ended/) }));
    expect(() => p.controller.accept({ name: 'x', customerNumber: '', caseNumber: '', mode: 'chat', eventLog: false })).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_PROTOCOL' }));
  });

  it('ends or fails in every status: the view shows how, the pending request is gone', async () => {
    // connecting → ended, connecting → failed.
    const a = await played('connecting', { opening: 'hang' });
    await a.controller.end();
    expect(a.controller.view).toMatchObject({ status: 'ended', endReason: 'customer-ended' });
    const b = await played('connecting', { opening: 'hang' });
    b.relay.last.drop(1006);
    await until(() => b.controller.view.status === 'failed', 'failed');
    expect(b.controller.view.error).toMatchObject({ code: 'TANDEM_ERR_RELAY_UNREACHABLE' });
    // handshaking → ended, handshaking → failed (the technician speaks before asking).
    const c = await played('handshaking');
    c.controller.endNow();
    await until(() => c.controller.view.status === 'ended', 'ended');
    const d = await played('handshaking');
    await d.technician().say({ type: 'chat', text: 'too early' });
    await until(() => d.controller.view.status === 'failed', 'failed');
    expect(d.controller.view.error).toMatchObject({ code: 'TANDEM_ERR_PROTOCOL' });
    // consent → failed (the relay drops: truncated), active → failed with a request pending.
    const e = await played('consent');
    e.socket().drop(1006);
    await until(() => e.controller.view.status === 'failed', 'failed');
    expect(e.controller.view.error).toMatchObject({ code: 'TANDEM_ERR_TRUNCATED' });
    const f = await played('active');
    await f.technician().say({ type: 'request', mode: 'control' });
    await until(() => f.controller.view.pendingRequest === 'control', 'the request');
    f.socket().drop(1006);
    await until(() => f.controller.view.status === 'failed', 'failed');
    expect(f.controller.view.pendingRequest).toBeUndefined();
    expect(f.statuses).toEqual(['connecting', 'handshaking', 'consent', 'active', 'failed']);
  });

  it('actions out of turn are TANDEM_ERR_PROTOCOL; answers are checked as input', async () => {
    const p = await played('connecting', { opening: 'hang' });
    const protocolError = expect.objectContaining({ code: 'TANDEM_ERR_PROTOCOL' });
    expect(() => p.controller.accept({ name: 'x', customerNumber: '', caseNumber: '', mode: 'chat', eventLog: false })).toThrow(protocolError);
    expect(() => p.controller.refuse()).toThrow(protocolError);
    expect(() => p.controller.decide('view', true)).toThrow(protocolError);
    expect(() => p.controller.stepDown('chat')).toThrow(protocolError);
    expect(() => p.controller.sendChat('hello')).toThrow(protocolError);
    p.controller.takeBackControl();
    const q = await played('active');
    expect(() => q.controller.decide('view', true)).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_PROTOCOL', message: 'no mode request is waiting' }));
    expect(() => q.controller.accept({ name: 'x', customerNumber: '', caseNumber: '', mode: 'chat', eventLog: false })).toThrow(protocolError);
    const badInput = expect.objectContaining({ code: 'TANDEM_ERR_BAD_INPUT' });
    expect(() => parseAcceptAnswer({ name: 'x', customerNumber: '', caseNumber: '', mode: 'root', eventLog: false })).toThrow(badInput);
    expect(() => parseAcceptAnswer({ name: 'x', customerNumber: '', caseNumber: '', mode: 'chat', eventLog: 'yes' })).toThrow(badInput);
    expect(() => parseAcceptAnswer(null)).toThrow(badInput);
    await q.controller.end();
    const r = await played('consent');
    expect(() => r.controller.accept({ name: 'x', customerNumber: '', caseNumber: '', mode: 'control', eventLog: false })).not.toThrow();
    await until(() => r.controller.view.status === 'active', 'active');
    // The hotkey takes back control: control → view, and says so.
    expect(r.controller.view.mode).toBe('control');
    r.controller.takeBackControl();
    expect(r.controller.view.mode).toBe('view');
    expect(systemKeys(r.chat)).toContain('system.hotkey');
    await r.controller.end();
  });

  it('took every transition of its table', () => {
    expect(log.untaken(JOIN_TRANSITIONS)).toEqual([]);
  });
});
