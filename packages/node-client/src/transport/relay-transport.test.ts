import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import https from 'node:https';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { TandemError } from '@tandem/protocol';
import { requestJson } from './http-client.js';
import { createRelaySocketFactory } from './relay-socket.js';
import { formatFingerprint } from './fingerprint.js';

/** A real HTTPS + WebSocket server on loopback with a fresh self-signed certificate (openssl). */
describe('relay transport over real TLS', () => {
  let dir: string;
  let server: https.Server;
  let url: string;
  let fingerprint: string;
  let requests = 0;
  let upgrades = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tandem-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const cert = readFileSync(join(dir, 'cert.pem'));
    fingerprint = new X509Certificate(cert).fingerprint256.replace(/:/g, '').toLowerCase();
    server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) => {
      requests++;
      if (req.url === '/api/auth/login') {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString('utf8')));
        req.on('end', () => {
          const { password } = JSON.parse(body) as { password: string };
          if (password === 'right password') {
            res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'tok', user: { username: 'tech', displayName: 'Tech', role: 'technician', team: 'Support' } }));
          } else {
            res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'TANDEM_ERR_SIGNIN_FAILED', message: 'Wrong user name or password.' }));
          }
        });
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"version":"test"}');
    });
    const wss = new WebSocketServer({ server, path: '/ws' });
    wss.on('connection', (socket) => {
      upgrades++;
      socket.send('hello');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  async function failure(p: Promise<unknown>): Promise<TandemError> {
    try {
      await p;
    } catch (err) {
      expect(err).toBeInstanceOf(TandemError);
      return err as TandemError;
    }
    throw new Error('expected a failure');
  }

  it('talks to the relay whose certificate matches the pinned fingerprint', async () => {
    expect(await requestJson({ relayUrl: url, fingerprint }, 'GET', '/api/info')).toEqual({ version: 'test' });
    const result = await requestJson({ relayUrl: url, fingerprint }, 'POST', '/api/auth/login', { username: 'tech', password: 'right password' });
    expect(result).toMatchObject({ token: 'tok', user: { team: 'Support' } });
  });

  it('carries the relay error code of a failed sign-in', async () => {
    const err = await failure(requestJson({ relayUrl: url, fingerprint }, 'POST', '/api/auth/login', { username: 'tech', password: 'wrong' }));
    expect(err.code).toBe('TANDEM_ERR_SIGNIN_FAILED');
  });

  it('refuses a mismatched certificate before sending anything, naming both fingerprints', async () => {
    const before = requests;
    const other = 'ab'.repeat(32);
    const err = await failure(requestJson({ relayUrl: url, fingerprint: other }, 'POST', '/api/auth/login', { username: 'tech', password: 'right password' }));
    expect(err.code).toBe('TANDEM_ERR_TLS_FINGERPRINT');
    expect(err.message).toContain(formatFingerprint(fingerprint));
    expect(err.message).toContain(formatFingerprint(other));
    expect(requests).toBe(before);
  });

  it('without a pin, refuses the self-signed certificate and says to pass --relay-fingerprint', async () => {
    const err = await failure(requestJson({ relayUrl: url }, 'GET', '/api/info'));
    expect(err.code).toBe('TANDEM_ERR_TLS_FINGERPRINT');
    expect(err.message).toContain('--relay-fingerprint');
  });

  it('names the URL and the cause when the relay is unreachable', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const err = await failure(requestJson({ relayUrl: `http://127.0.0.1:${port}` }, 'GET', '/api/info'));
    expect(err.code).toBe('TANDEM_ERR_RELAY_UNREACHABLE');
    expect(err.message).toContain(`http://127.0.0.1:${port}`);
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('opens a pinned WebSocket, and records why a mismatched one never opened', async () => {
    const good = createRelaySocketFactory({ relayUrl: url, fingerprint });
    const socket = good.connect(`${url.replace('https', 'wss')}/ws`);
    socket.binaryType = 'arraybuffer';
    const first = await new Promise<unknown>((resolve, reject) => {
      socket.addEventListener('message', (e: { data: unknown }) => resolve(e.data));
      socket.addEventListener('error', (e: { error?: unknown }) => reject(e.error instanceof Error ? e.error : new Error(String(e.error))));
    });
    expect(first).toBe('hello');
    socket.close();
    expect(good.connectError()).toBeUndefined();

    const before = upgrades;
    const bad = createRelaySocketFactory({ relayUrl: url, fingerprint: 'cd'.repeat(32) });
    const refused = bad.connect(`${url.replace('https', 'wss')}/ws`);
    await new Promise<void>((resolve) => refused.addEventListener('close', () => resolve()));
    expect(bad.connectError()?.code).toBe('TANDEM_ERR_TLS_FINGERPRINT');
    expect(upgrades).toBe(before);
  });
});
