import { describe, expect, it } from 'vitest';
import { checkDownload, formatSize } from './downloads.js';

/** A fetch that answers every request with `answer` (or fails with it), recording what it was asked. */
function fetchAnswering(answer: Response | Error, asked: string[] = []): typeof fetch {
  return async (input, init) => {
    asked.push(`${init?.method ?? 'GET'} ${typeof input === 'string' ? input : input instanceof URL ? input.href : input.url}`);
    if (answer instanceof Error) throw answer;
    return answer;
  };
}

describe('checkDownload', () => {
  it('asks with HEAD at the fixed path, and takes the size the relay gives', async () => {
    const asked: string[] = [];
    const answer = new Response(null, { status: 200, headers: { 'content-length': '48123456' } });
    expect(await checkDownload('windows', fetchAnswering(answer, asked))).toEqual({ state: 'available', bytes: 48_123_456 });
    expect(asked).toEqual(['HEAD /download/tandem-windows-x64.exe']);
    expect(await checkDownload('linux', fetchAnswering(new Response(null, { status: 200 })))).toEqual({ state: 'available', bytes: undefined });
  });

  it('takes a 404 (an agent not built) or a relay that does not answer as missing', async () => {
    expect(await checkDownload('linux', fetchAnswering(new Response('{"code":"TANDEM_ERR_NOT_FOUND"}', { status: 404 })))).toEqual({ state: 'missing' });
    expect(await checkDownload('linux', fetchAnswering(new Response(null, { status: 500 })))).toEqual({ state: 'missing' });
    expect(await checkDownload('linux', fetchAnswering(new TypeError('Failed to fetch')))).toEqual({ state: 'missing' });
  });
});

describe('formatSize', () => {
  it('gives decimal megabytes, one decimal below 10 MB, kept on one line', () => {
    expect(formatSize(48_123_456)).toBe('48\u00a0MB');
    expect(formatSize(61_500_000)).toBe('62\u00a0MB');
    expect(formatSize(4_321_000)).toBe('4.3\u00a0MB');
  });
});
