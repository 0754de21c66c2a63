/**
 * `join` without a code (code-entry.ts) on the terminal, through its
 * injected relay connections, without a network: a technician's session on
 * a relay in memory (test kit's MemoryRelay).
 *
 * States (CODE_ENTRY_TRANSITIONS): waiting, trying, session, finishing, done.
 *
 * | transition           | test                                                         |
 * | -------------------- | ------------------------------------------------------------ |
 * | waiting → trying     | "asks again after an unknown code ..."                       |
 * | trying → waiting     | "asks again after an unknown code ..."                       |
 * | trying → session     | "asks again after an unknown code ..."                       |
 * | session → finishing  | "asks again after an unknown code ..."                       |
 * | finishing → done     | every test                                                   |
 * | waiting → finishing  | "stops when the input ends ...", "stops on a signal ..."      |
 * | trying → finishing   | "stops on a signal while a code is being tried"              |
 *
 * The last test checks that the tests above took every transition of the table.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TechnicianSession, webCryptoAeadProvider, type TechnicianEvent } from '@tandem/protocol';
import { LineInput, LineOutput, type CommandContext } from '@tandem/node-client';
import { GOOD_TOKEN, LineSink, MEMORY_RELAY_URL, MemoryRelay, TransitionLog, waitFor } from '@tandem/test-kit';
import type { JoinArgs } from '../command-line/join-args.js';
import { NO_POLICY } from '../session/join-controller.js';
import { EventLog } from '../system/event-log.js';
import { CODE_ENTRY_TRANSITIONS, CodeEntry } from './code-entry.js';

const log = new TransitionLog();

const ARGS: JoinArgs = { command: 'join', relayUrl: MEMORY_RELAY_URL, browser: false, eventLog: false, name: 'Yamada Hanako' };

/** A code entry on a terminal made of streams, against `relay`. */
function entry(relay: MemoryRelay): { run: Promise<number>; stdin: PassThrough; out: LineSink; err: LineSink; signal: () => void } {
  const stdin = new PassThrough();
  const out = new LineSink();
  const err = new LineSink();
  const handlers: (() => void)[] = [];
  const ctx: CommandContext = { stdin, out: new LineOutput(out.stream, err.stream), env: {}, onSignal: (h) => handlers.push(h) };
  let input: LineInput | undefined;
  const codeEntry = new CodeEntry({
    args: ARGS,
    ctx,
    policy: NO_POLICY,
    eventLog: new EventLog({ warn: () => undefined }),
    input: () => (input ??= new LineInput(stdin)),
    sockets: () => ({ connect: relay.connect, connectError: () => undefined }),
    onTransition: log.record,
  });
  const run = codeEntry.run().finally(() => input?.close());
  return { run, stdin, out, err, signal: () => handlers.forEach((h) => h()) };
}

/** A technician's session on `relay` and its code. */
async function technician(relay: MemoryRelay): Promise<{ session: TechnicianSession; events: TechnicianEvent[]; code: string }> {
  const events: TechnicianEvent[] = [];
  const session = new TechnicianSession({ relayUrl: MEMORY_RELAY_URL, token: GOOD_TOKEN, mode: 'chat', aead: webCryptoAeadProvider(), connect: relay.connect });
  session.onEvent((e) => events.push(e));
  session.start();
  const made = await waitFor(() => events.find((e) => e.type === 'code'), 5000, 'the code');
  return { session, events, code: made.code };
}

const prompts = (err: LineSink): number => err.lines.filter((l) => l === 'Code: ').length;

describe('join without a code, on the terminal', () => {
  it('asks again after an unknown code, then runs the session of the right one to its end', async () => {
    const relay = new MemoryRelay();
    const tech = await technician(relay);
    const e = entry(relay);
    await waitFor(() => prompts(e.err) === 1, 5000, 'the first prompt');
    // Another nameplate: no session waits for it.
    e.stdin.write(`${String((Number(tech.code.slice(0, 3)) + 1) % 1000).padStart(3, '0')}${tech.code.slice(3)}\n`);
    await waitFor(() => e.err.lines.some((l) => l.startsWith('error: TANDEM_ERR_CODE_UNKNOWN')), 5000, 'the unknown code reported');
    await waitFor(() => prompts(e.err) === 2, 5000, 'the prompt again');
    e.stdin.write('not a code\n');
    await waitFor(() => e.err.lines.some((l) => l.startsWith('error: TANDEM_ERR_BAD_INPUT code')), 5000, 'a malformed code refused at once');
    expect(prompts(e.err)).toBe(3);
    e.stdin.write(`${tech.code}\n`);
    await waitFor(() => e.err.lines.some((l) => l.endsWith('[y/n]')), 5000, 'the consent question');
    e.stdin.write('y\n');
    await waitFor(() => tech.session.state === 'active', 5000, 'the technician active');
    await tech.session.end();
    expect(await e.run).toBe(0);
    expect(e.out.lines).toContain('event: ended technician-ended');
  });

  it('stops when the input ends before a code was typed (exit 1, said why)', async () => {
    const e = entry(new MemoryRelay());
    await waitFor(() => prompts(e.err) === 1, 5000, 'the prompt');
    e.stdin.end();
    expect(await e.run).toBe(1);
    expect(e.err.lines).toContain('error: TANDEM_ERR_BAD_INPUT join: no session code was typed (end of input)');
  });

  it('stops on a signal while it waits for the code (exit 0: nothing was started)', async () => {
    const e = entry(new MemoryRelay());
    await waitFor(() => prompts(e.err) === 1, 5000, 'the prompt');
    e.signal();
    expect(await e.run).toBe(0);
    expect(e.err.lines).toContain('Stopped: no session was started.');
  });

  it('stops on a signal while a code is being tried', async () => {
    // A relay that never answers the claim: the attempt hangs until the signal.
    const relay = new MemoryRelay({ silent: ['claim'] });
    const e = entry(relay);
    await waitFor(() => prompts(e.err) === 1, 5000, 'the prompt');
    e.stdin.write('12345678\n');
    await waitFor(() => relay.signals.some((s) => s.t === 'claim'), 5000, 'the claim sent');
    e.signal();
    expect(await e.run).toBe(0);
  });

  it('took every transition of its table', () => {
    expect(log.untaken(CODE_ENTRY_TRANSITIONS)).toEqual([]);
  });
});
