/**
 * The lines both sides print for the events they share, byte for byte as
 * README's "Scriptable command lines" gives them, and which events count as
 * shared.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineOutput } from './line-output.js';
import { isSharedSessionEvent, printSharedEvent } from './session-lines.js';

function printed(run: (out: LineOutput) => void): string {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  run(new LineOutput(stdout, new PassThrough()));
  return Buffer.concat(chunks).toString('utf8');
}

describe('session lines', () => {
  it('prints joined, mode, chat and ended exactly as documented', () => {
    expect(printed((out) => printSharedEvent(out, { type: 'joined', sas: '123 456' }))).toBe('event: joined\nevent: sas 123 456\n');
    expect(printed((out) => printSharedEvent(out, { type: 'mode', mode: 'view' }))).toBe('event: mode view\n');
    expect(printed((out) => printSharedEvent(out, { type: 'chat', text: 'こんにちは\u001b[2J' }))).toBe('chat: こんにちは\uFFFD[2J\n');
    expect(printed((out) => printSharedEvent(out, { type: 'ended', reason: 'customer-ended' }))).toBe('event: ended customer-ended\n');
  });
  it('counts only those four events as shared', () => {
    const types = ['joined', 'mode', 'chat', 'ended', 'code', 'accepted', 'refused', 'decision', 'extended', 'mode-request', 'consent-needed', 'rfb', 'failed'];
    expect(types.filter((type) => isSharedSessionEvent({ type }))).toEqual(['joined', 'mode', 'chat', 'ended']);
  });
});
