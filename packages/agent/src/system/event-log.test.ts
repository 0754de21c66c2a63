import { describe, it, expect, afterAll } from 'vitest';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { END_REASONS, type TechnicianIdentity } from '@tandem/protocol';
import { EventLog, loggerSink } from './event-log.js';
import { EVENT_IDS, endedEvent, invitationExpiredEvent, modeChangedEvent, startedEvent, wrongInvitationPasswordEvent, type LogEvent } from './event-messages.js';

const TANAKA: TechnicianIdentity = { username: 'tanaka', displayName: 'Tanaka Ichiro', team: 'Helpdesk' };

describe('event messages', () => {
  it('read as Assist On-site\'s do, with the session named', () => {
    expect(startedEvent('S1', TANAKA, 'control', 'https://support.example.com')).toEqual({
      id: EVENT_IDS.started, level: 'information', text: 'Agent tanaka (Tanaka Ichiro, Helpdesk) started Shared Control through https://support.example.com (session S1)',
    });
    expect(modeChangedEvent('S1', 'view').text).toBe('Session changed to Shared View (session S1)');
    expect(endedEvent('S1', TANAKA, 'customer-ended')).toEqual({ id: EVENT_IDS.closed, level: 'information', text: "Agent tanaka's session closed normally: the customer ended it (session S1)" });
    expect(endedEvent('S1', undefined, 'network-lost')).toEqual({ id: EVENT_IDS.closed, level: 'warning', text: 'The session was cut off: the connection was lost (session S1)' });
    expect(endedEvent('S1', TANAKA, 'TANDEM_ERR_TRUNCATED')).toEqual({ id: EVENT_IDS.failed, level: 'error', text: "Agent tanaka's session failed: TANDEM_ERR_TRUNCATED (session S1)" });
    expect(wrongInvitationPasswordEvent('I1', TANAKA, 2, 5)).toEqual({ id: EVENT_IDS.wrongInvitationPassword, level: 'warning', text: 'Invitation I1: wrong password from agent tanaka (2 of 5)' });
    expect(invitationExpiredEvent('I1', 'too-many-wrong-passwords').text).toBe('Invitation I1 expired: too many wrong passwords');
  });

  it('every end reason has its own words', () => {
    const texts = END_REASONS.map((reason) => endedEvent('S', TANAKA, reason));
    expect(texts.every((e) => e.id === EVENT_IDS.closed && !e.text.includes('undefined'))).toBe(true);
    expect(new Set(texts.map((e) => e.text)).size).toBe(END_REASONS.length);
  });
});

const dir = mkdtempSync(join(tmpdir(), 'tandem-event-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A real program in logger's place that appends its arguments, one a line, then exits with `code`. */
function program(name: string, code: number): { path: string; lines: () => string[] } {
  const out = join(dir, `${name}.txt`);
  const path = join(dir, `${name}.sh`);
  writeFileSync(path, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${out}'\nexit ${code}\n`);
  chmodSync(path, 0o755);
  return { path, lines: () => (existsSync(out) ? readFileSync(out, 'utf8').trim().split('\n') : []) };
}

describe('EventLog', () => {
  it('writes nothing until enabled, then every event in order with logger\'s options', async () => {
    const logger = program('ordered', 0);
    const log = new EventLog({ sink: loggerSink(logger.path), warn: (m) => expect.fail(m) });
    log.modeChanged('S0', 'chat');
    await log.flush();
    expect(logger.lines()).toEqual([]);
    log.enable();
    log.started('S1', TANAKA, 'view', 'https://relay.test');
    for (const mode of ['control', 'chat', 'view', 'control'] as const) log.modeChanged('S1', mode);
    log.disconnected('S1', TANAKA, 'protocol-error');
    await log.flush();
    expect(logger.lines()).toEqual([
      '-t tandem -p user.info -- Agent tanaka (Tanaka Ichiro, Helpdesk) started Shared View through https://relay.test (session S1)',
      '-t tandem -p user.info -- Session changed to Shared Control (session S1)',
      '-t tandem -p user.info -- Session changed to Chat Only (session S1)',
      '-t tandem -p user.info -- Session changed to Shared View (session S1)',
      '-t tandem -p user.info -- Session changed to Shared Control (session S1)',
      "-t tandem -p user.warning -- Agent tanaka's session ended: the other side broke the protocol (session S1)",
    ]);
  });

  it('a logger that fails or cannot run is told once, and the log stops', async () => {
    const failing = program('failing', 3);
    const warnings: string[] = [];
    const log = new EventLog({ sink: loggerSink(failing.path), warn: (m) => warnings.push(m) });
    log.enable();
    log.modeChanged('S1', 'view');
    log.modeChanged('S1', 'chat');
    await log.flush();
    expect(warnings).toEqual([`event log: ${failing.path} exited with 3; events are not logged`]);
    expect(failing.lines()).toHaveLength(1);

    const absent = join(dir, 'no-such-logger');
    const missing = new EventLog({ sink: loggerSink(absent), warn: (m) => warnings.push(m) });
    missing.enable();
    missing.invitationExpired('I1', 'lapsed');
    missing.invitationExpired('I2', 'lapsed');
    await missing.flush();
    expect(warnings.slice(1)).toEqual([`event log: cannot run ${absent} (spawn ${absent} ENOENT); events are not logged`]);
  });

  it('takes any sink: the one the Windows agent passes gets the event\'s number and level', async () => {
    const seen: LogEvent[] = [];
    const log = new EventLog({ sink: async (e) => { seen.push(e); }, warn: (m) => expect.fail(m) });
    log.enable();
    log.wrongInvitationPassword('I1', TANAKA, 1, 5);
    await log.flush();
    expect(seen).toEqual([{ id: 10, level: 'warning', text: 'Invitation I1: wrong password from agent tanaka (1 of 5)' }]);
  });
});
