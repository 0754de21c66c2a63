import { describe, it, expect } from 'vitest';
import { TandemError, type TechnicianEvent } from '@tandem/protocol';
import { canRequest, initialView, isFinished, reduceSession, type SessionView } from './session-model.js';

const customer = { name: 'Nakamura Yui', customerNumber: 'N-100', caseNumber: 'CASE-9' };

function run(view: SessionView, steps: Array<[TechnicianEvent, string]>): SessionView {
  return steps.reduce((v, [event, state], i) => reduceSession(v, { type: 'event', event, state, at: 1000 + i }), view);
}

describe('reduceSession', () => {
  it('follows a session from code to active and records notices', () => {
    const view = run(initialView('view', 'CASE-9'), [
      [{ type: 'code', code: '12345678', nameplate: '123', expiresAt: 5000 }, 'waiting'],
      [{ type: 'extended', expiresAt: 9000 }, 'waiting'],
      [{ type: 'joined', sessionId: 's1', sas: '12 34 56' }, 'consent'],
      [{ type: 'accepted', mode: 'chat', customer }, 'active'],
    ]);
    expect(view).toMatchObject({ state: 'active', code: '12345678', expiresAt: 9000, sessionId: 's1', sas: '12 34 56', mode: 'chat', customer, caseNumber: 'CASE-9' });
    expect(view.log.map((e) => (e.from === 'system' ? e.notice.key : e.from))).toEqual(['code', 'extended', 'joined', 'acceptedLess']);
    expect(isFinished(view)).toBe(false);
  });

  it('tracks step-up requests, decisions, mode changes and chat', () => {
    let view = run(initialView('chat'), [
      [{ type: 'code', code: '12345678', nameplate: '123', expiresAt: 5000 }, 'waiting'],
      [{ type: 'joined', sessionId: 's1', sas: 'x' }, 'consent'],
      [{ type: 'accepted', mode: 'chat', customer }, 'active'],
    ]);
    expect(canRequest(view, 'view')).toBe(true);
    expect(canRequest(view, 'chat')).toBe(false);
    view = reduceSession(view, { type: 'requested', mode: 'control', at: 1 });
    expect(view.pending).toBe('control');
    expect(canRequest(view, 'view')).toBe(false);
    view = run(view, [
      [{ type: 'decision', mode: 'control', accepted: true }, 'active'],
      [{ type: 'mode', mode: 'control' }, 'active'],
      [{ type: 'chat', text: 'hello' }, 'active'],
    ]);
    view = reduceSession(view, { type: 'sent', text: 'hi back', at: 2 });
    expect(view.pending).toBeUndefined();
    expect(view.mode).toBe('control');
    expect(canRequest(view, 'control')).toBe(false);
    expect(view.log.slice(-5).map((e) => (e.from === 'system' ? `${e.notice.key}` : `${e.from}:${e.text}`))).toEqual(['requested', 'granted', 'mode', 'peer:hello', 'me:hi back']);
  });

  it('ends with the reason, or fails with the error code, and drops a pending request', () => {
    const active = run(initialView('chat'), [[{ type: 'accepted', mode: 'chat', customer }, 'active']]);
    const asked = reduceSession(active, { type: 'requested', mode: 'view', at: 1 });
    const ended = run(asked, [[{ type: 'ended', reason: 'customer-ended' }, 'ended']]);
    expect(ended).toMatchObject({ state: 'ended', endReason: 'customer-ended' });
    expect(ended.pending).toBeUndefined();
    expect(isFinished(ended)).toBe(true);
    expect(canRequest(ended, 'view')).toBe(false);
    const failed = run(initialView('chat'), [[{ type: 'failed', error: new TandemError('TANDEM_ERR_WRONG_CODE') }, 'failed']]);
    expect(failed.failure?.code).toBe('TANDEM_ERR_WRONG_CODE');
    expect(failed.log.at(-1)).toMatchObject({ from: 'system', notice: { key: 'failed', code: 'TANDEM_ERR_WRONG_CODE' } });
  });

  it('starts a fresh screen stream on every step from chat to view or control, and none otherwise', () => {
    let view = run(initialView('view'), [[{ type: 'accepted', mode: 'view', customer }, 'active']]);
    expect(view).toMatchObject({ mode: 'view', screen: 1, streams: 1 });
    view = run(view, [[{ type: 'mode', mode: 'control' }, 'active']]);
    expect(view).toMatchObject({ mode: 'control', screen: 1 });
    view = run(view, [[{ type: 'mode', mode: 'chat' }, 'active']]);
    expect(view.screen).toBeUndefined();
    view = run(view, [[{ type: 'mode', mode: 'control' }, 'active']]);
    expect(view).toMatchObject({ mode: 'control', screen: 2, streams: 2 });
    view = run(view, [[{ type: 'ended', reason: 'customer-ended' }, 'ended']]);
    expect(view.screen).toBeUndefined();
    const chat = run(initialView('chat'), [[{ type: 'accepted', mode: 'chat', customer }, 'active']]);
    expect(chat.screen).toBeUndefined();
    expect(chat.streams).toBe(0);
  });

  it('says so prominently when the customer takes back control, until control is granted again', () => {
    let view = run(initialView('control'), [
      [{ type: 'accepted', mode: 'control', customer }, 'active'],
      [{ type: 'mode', mode: 'view' }, 'active'],
    ]);
    expect(view).toMatchObject({ mode: 'view', screen: 1, tookBack: true });
    expect(view.log.at(-1)).toMatchObject({ from: 'system', notice: { key: 'tookBack', mode: 'view' } });
    view = run(view, [[{ type: 'mode', mode: 'control' }, 'active']]);
    expect(view.tookBack).toBeUndefined();
    expect(view.log.at(-1)).toMatchObject({ from: 'system', notice: { key: 'mode', mode: 'control' } });
    const fromView = run(initialView('view'), [
      [{ type: 'accepted', mode: 'view', customer }, 'active'],
      [{ type: 'mode', mode: 'chat' }, 'active'],
    ]);
    expect(fromView.tookBack).toBeUndefined();
  });

  it('does not change the view it is given', () => {
    const view = initialView('chat');
    const copy = structuredClone(view);
    reduceSession(view, { type: 'sent', text: 'x', at: 1 });
    expect(view).toEqual(copy);
  });

  it('words an invitation session as such: no code, answered by the customer\'s computer, failures marked', () => {
    const start = initialView('chat', undefined, { customerName: '山田 太郎' });
    expect(start.invitation).toEqual({ customerName: '山田 太郎' });
    const joined = run(start, [[{ type: 'joined', sessionId: 's1', sas: '12 34' }, 'consent']]);
    expect(joined.log.at(-1)).toMatchObject({ from: 'system', notice: { key: 'joinedInvitation', sas: '12 34' } });
    const failed = run(start, [[{ type: 'failed', error: new TandemError('TANDEM_ERR_WRONG_CODE') }, 'failed']]);
    expect(failed.failure?.code).toBe('TANDEM_ERR_WRONG_CODE');
    expect(failed.log.at(-1)).toMatchObject({ notice: { key: 'failed', code: 'TANDEM_ERR_WRONG_CODE', invitation: true } });
    const codeFailed = run(initialView('chat'), [[{ type: 'failed', error: new TandemError('TANDEM_ERR_WRONG_CODE') }, 'failed']]);
    expect(codeFailed.log.at(-1)).toMatchObject({ notice: { key: 'failed', code: 'TANDEM_ERR_WRONG_CODE' } });
    expect(codeFailed.log.at(-1)).not.toMatchObject({ notice: { invitation: true } });
  });

  it('marks a code burnt by a wrong secret or by an end before the keys were confirmed, never an invitation or a later end', () => {
    const end = (view: SessionView, event: TechnicianEvent, paired: boolean): SessionView =>
      reduceSession(view, { type: 'event', event, state: event.type === 'ended' ? 'ended' : 'failed', paired, at: 9 });
    const waiting = run(initialView('view', 'CASE-9'), [[{ type: 'code', code: '12345678', nameplate: '123', expiresAt: 5000 }, 'waiting']]);
    expect(end(waiting, { type: 'failed', error: new TandemError('TANDEM_ERR_WRONG_CODE') }, true)).toMatchObject({ burnt: 'wrong-code', requestedMode: 'view', caseNumber: 'CASE-9' });
    expect(end(waiting, { type: 'failed', error: new TandemError('TANDEM_ERR_PEER_LOST') }, true).burnt).toBe('unverified');
    expect(end(waiting, { type: 'ended', reason: 'customer-ended' }, true).burnt).toBe('unverified');
    expect(end(waiting, { type: 'failed', error: new TandemError('TANDEM_ERR_PEER_LOST') }, false).burnt).toBeUndefined();
    expect(end(waiting, { type: 'failed', error: new TandemError('TANDEM_ERR_CODE_EXPIRED') }, false).burnt).toBeUndefined();
    const active = run(waiting, [[{ type: 'joined', sessionId: 's', sas: '1' }, 'consent'], [{ type: 'accepted', mode: 'view', customer }, 'active']]);
    expect(end(active, { type: 'failed', error: new TandemError('TANDEM_ERR_PEER_LOST') }, true).burnt).toBeUndefined();
    const invitation = initialView('chat', undefined, { customerName: 'Ann' });
    expect(end(invitation, { type: 'failed', error: new TandemError('TANDEM_ERR_WRONG_CODE') }, true).burnt).toBeUndefined();
  });
});
