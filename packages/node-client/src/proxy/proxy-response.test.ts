import { describe, expect, it } from 'vitest';
import { TandemError } from '@tandem/protocol';
import { MAX_PROXY_HEAD_BYTES, ProxyResponseReader, offeredSchemes } from './proxy-response.js';

const ANSWER = 'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Negotiate\r\nProxy-Authenticate: NTLM, Basic realm="Corp, Inc", charset="UTF-8"\r\nContent-Length: 0\r\n\r\n';

describe('ProxyResponseReader', () => {
  it('reads a head arriving one byte at a time, the empty line split across pieces', () => {
    const reader = new ProxyResponseReader('proxy:3128');
    const bytes = Buffer.from(`${ANSWER}\x16\x03`, 'latin1');
    let head;
    for (let i = 0; i < bytes.length && head === undefined; i++) head = reader.push(bytes.subarray(i, i + 1));
    expect(head?.status).toBe(407);
    expect(head?.statusLine).toBe('HTTP/1.1 407 Proxy Authentication Required');
    expect(head?.headers.get('proxy-authenticate')).toHaveLength(2);
    expect(offeredSchemes(head as NonNullable<typeof head>)).toEqual(['Negotiate', 'NTLM', 'Basic']);
  });

  it('keeps bytes after the head for the caller to refuse', () => {
    const head = new ProxyResponseReader('p').push(Buffer.from('HTTP/1.0 200 Connection established\r\n\r\nEXTRA'));
    expect(head?.status).toBe(200);
    expect(head?.rest.toString()).toBe('EXTRA');
  });

  it('refuses what is not HTTP, and a head without end', () => {
    expect(() => new ProxyResponseReader('p').push(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n'))).toThrow(TandemError);
    const reader = new ProxyResponseReader('p');
    expect(() => reader.push(Buffer.alloc(MAX_PROXY_HEAD_BYTES + 1, 0x41))).toThrow(/longer than/);
  });
});
