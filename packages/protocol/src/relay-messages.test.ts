import { describe, expect, it } from 'vitest';
import { TandemError } from './errors.js';
import { encodeSignal, parseClientSignal, parseRelaySignal } from './relay-messages.js';

describe('client signals', () => {
  it('round-trips every message type', () => {
    const messages = [
      { t: 'auth', token: 'abc' },
      { t: 'allocate', mode: 'view', caseNumber: 'C-1' },
      { t: 'allocate', mode: 'chat' },
      { t: 'extend' },
      { t: 'claim', nameplate: '123' },
      { t: 'consent', customer: { name: '山田 花子', customerNumber: '42', caseNumber: '' }, mode: 'control' },
      { t: 'refuse' },
      { t: 'mode', mode: 'chat' },
      { t: 'confirmed' },
      { t: 'abort', code: 'TANDEM_ERR_WRONG_CODE' },
      { t: 'bye' },
      { t: 'hold', ticket: 'AAAAAAAAAAAAAAAAAAAAAA' },
      { t: 'answer', ticket: 'abcdefghijklmnopqrstuv_-', mode: 'view' },
      { t: 'answer', ticket: 'abcdefghijklmnopqrstuv', mode: 'chat', caseNumber: '9' },
      { t: 'join', ticket: 'abcdefghijklmnopqrstuv', attemptId: 'attempt-1' },
      { t: 'decline', attemptId: 'attempt-1', code: 'TANDEM_ERR_INVITATION_EXPIRED', message: 'expired on the customer side' },
    ] as const;
    for (const m of messages) expect(parseClientSignal(encodeSignal(m))).toEqual(m);
  });

  it.each([
    ['not JSON', 'hello', /not valid JSON/],
    ['an array', '[]', /must be an object/],
    ['no type', '{}', /signal.t/],
    ['unknown type', '{"t":"steal"}', /unknown message type/],
    ['a letter in the nameplate', '{"t":"claim","nameplate":"12a"}', /nameplate/],
    ['a short nameplate', '{"t":"claim","nameplate":"12"}', /nameplate/],
    ['a bad mode', '{"t":"allocate","mode":"root"}', /signal.mode/],
    ['a long name', JSON.stringify({ t: 'consent', mode: 'chat', customer: { name: 'x'.repeat(500), customerNumber: '', caseNumber: '' } }), /customer.name/],
    ['an unknown error code', '{"t":"abort","code":"TANDEM_ERR_NOPE"}', /signal.code/],
    ['a short ticket', '{"t":"hold","ticket":"abc"}', /signal.ticket/],
    ['a ticket with other characters', '{"t":"hold","ticket":"abcdefghijklmnopqrstu/"}', /signal.ticket/],
    ['a join without attempt', '{"t":"join","ticket":"abcdefghijklmnopqrstuv"}', /signal.attemptId/],
    ['a huge message', JSON.stringify({ t: 'auth', token: 'x'.repeat(10_000) }), /at most/],
  ])('refuses %s', (_what, text, message) => {
    expect(() => parseClientSignal(text)).toThrow(TandemError);
    expect(() => parseClientSignal(text)).toThrow(message);
  });
});

describe('relay signals', () => {
  it('round-trips every message type', () => {
    const technician = { username: 'tanaka', displayName: '田中', team: 'Support' };
    const messages = [
      { t: 'ready', technician },
      { t: 'allocated', nameplate: '123', expiresAt: 2000, serverTime: 1000 },
      { t: 'extended', expiresAt: 3000, serverTime: 1000 },
      { t: 'paired', sessionId: 's1', technician, caseNumber: '7', mode: 'view' },
      { t: 'paired', sessionId: 's1', technician, mode: 'view' },
      { t: 'peer-left', reason: 'network-lost' },
      { t: 'error', code: 'TANDEM_ERR_CODE_EXPIRED', message: 'expired' },
      { t: 'holding', ticket: 'abcdefghijklmnopqrstuv' },
      { t: 'attempt', attemptId: 'attempt-1', technician, mode: 'control' },
      { t: 'attempt', attemptId: 'attempt-1', technician, mode: 'chat', caseNumber: '5' },
    ] as const;
    for (const m of messages) expect(parseRelaySignal(encodeSignal(m))).toEqual(m);
  });

  it('refuses a paired message without a technician', () => {
    expect(() => parseRelaySignal('{"t":"paired","sessionId":"s","mode":"chat"}')).toThrow(/technician/);
  });

  it('refuses names dressed up with control or bidirectional-text characters, from the relay and to it', () => {
    // "Support" that a right-to-left override would show as something else on the customer's consent page.
    const evil = { username: 'tanaka', displayName: 'Help desk \u202Eexe.gnp', team: 'T' };
    expect(() => parseRelaySignal(encodeSignal({ t: 'paired', sessionId: 's', technician: evil, mode: 'chat' }))).toThrow(/technician\.displayName: must not contain control or bidirectional-text characters \(found U\+202E\)/);
    expect(() => parseRelaySignal(encodeSignal({ t: 'ready', technician: { ...evil, displayName: 'ok', team: 'a\u0007b' } }))).toThrow(/technician\.team/);
    const customer = { name: 'Hanako \u2067Yamada', customerNumber: 'C-1', caseNumber: '7' };
    expect(() => parseClientSignal(encodeSignal({ t: 'consent', customer, mode: 'view' }))).toThrow(/customer\.name: must not contain/);
  });
});
