import { statSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { describe, expect, it } from 'vitest';
import {
  PASSWORD,
  api,
  auditSession,
  createAdmin,
  login,
  pairedSession,
  readAuditEvents,
  runCli,
  startRelayProcess,
  tempDir,
} from '@tandem/test-kit';

function servedFingerprint(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      resolve(socket.getPeerX509Certificate()?.fingerprint256.replace(/:/g, '').toLowerCase() ?? '');
      socket.end();
    });
    socket.on('error', reject);
  });
}

describe('tandem-relay CLI', () => {
  it('has --help on each command', async () => {
    const [main, start, userAdd] = await Promise.all([['--help'], ['start', '--help'], ['user', 'add', '--help']].map((args) => runCli(args)));
    for (const result of [main, start, userAdd]) {
      expect(result?.code).toBe(0);
      expect(result?.stdout).toMatch(/^Usage: tandem-relay/);
    }
    expect(start?.stdout).toMatch(/--code-lifetime/);
    expect(userAdd?.stdout).toMatch(/--password-file/);
  });

  it('rejects bad arguments with one line on stderr and exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['start', '--listen', '127.0.0.1:0'], /--data is required/],
      [['start', '--data', '/tmp/x', '--listen', 'nowhere'], /--listen/],
      [['start', '--data', '/tmp/x', '--listen', '127.0.0.1:0', '--tls', 'maybe'], /--tls/],
      [['start', '--data', '/tmp/x', '--listen', '127.0.0.1:0', '--code-lifetime', 'soon'], /--code-lifetime/],
      [['start', '--data', '/tmp/x', '--listen', '127.0.0.1:0', '--bogus'], /bogus/],
      [['user', 'add', 'x', '--role', 'king', '--data', '/tmp/x'], /--role/],
      [['launch'], /unknown command/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args)));
    for (const [i, [args, message]] of cases.entries()) {
      const result = results[i];
      expect(result?.code, args.join(' ')).toBe(2);
      expect(result?.stderr).toMatch(message);
      expect(result?.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('adds users: set-up link on the saved public URL, password file, duplicates and weak passwords refused', async () => {
    const dataDir = tempDir();
    try {
      const first = await runCli(['user', 'add', 'sam', '--role', 'technician', '--data', dataDir]);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/^setup: https:\/\/localhost:8443\/#\/setup\/[A-Za-z0-9_-]{43}$/m);
      const dup = await runCli(['user', 'add', 'sam', '--role', 'admin', '--data', dataDir]);
      expect(dup.code).not.toBe(0);
      expect(dup.stderr).toMatch(/already exists/);
      const weakFile = join(dataDir, 'weak');
      writeFileSync(weakFile, 'short\n');
      const weak = await runCli(['user', 'add', 'wes', '--role', 'technician', '--data', dataDir, '--password-file', weakFile]);
      expect(weak.code).not.toBe(0);
      expect(weak.stderr).toMatch(/too weak/);

      const relay = await startRelayProcess({ dataDir, args: ['--public-url', 'https://support.example.com/'] });
      try {
        const later = await runCli(['user', 'add', 'pat', '--role', 'technician', '--data', dataDir]);
        expect(later.stdout).toMatch(/^setup: https:\/\/support\.example\.com\/#\/setup\//m);
        await relay.addUser('kim', 'technician', PASSWORD, ['--display-name', 'Kim K', '--team', 'Night']);
        const token = await login(relay, 'kim');
        expect((await api(relay, 'GET', '/api/me', { token })).json).toEqual({ username: 'kim', displayName: 'Kim K', role: 'technician', team: 'Night' });
      } finally {
        await relay.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('generates a self-signed certificate once: the fingerprint is stable and matches the served certificate', async () => {
    const dataDir = tempDir();
    try {
      const first = await startRelayProcess({ dataDir, tls: true });
      expect(first.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(first.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(await servedFingerprint(first.url)).toBe(first.fingerprint);
      expect((await api(first, 'GET', '/api/info')).json).toMatchObject({ tls: true, fingerprint: first.fingerprint });
      expect(statSync(join(dataDir, 'tls-key.pem')).mode & 0o777).toBe(0o600);
      expect(await first.shutdown()).toBe(0);
      const second = await startRelayProcess({ dataDir, tls: true });
      expect(second.fingerprint).toBe(first.fingerprint);
      expect(await servedFingerprint(second.url)).toBe(first.fingerprint);
      await second.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('takes client addresses from the X-Forwarded-For entry the proxy appended with --trust-proxy', async () => {
    const relay = await startRelayProcess({ args: ['--trust-proxy'] });
    try {
      const admin = await createAdmin(relay);
      // The client wrote 10.0.0.1; the proxy appended 203.0.113.9, the address it saw.
      const headers = { 'x-forwarded-for': '10.0.0.1, 203.0.113.9' };
      await api(relay, 'POST', '/api/auth/login', { headers, body: { username: 'proxied', password: 'wrong password' } });
      const events = readAuditEvents(await api(relay, 'GET', '/api/audit/events', { token: admin.token }));
      expect(events.find((e) => e.username === 'proxied')).toMatchObject({ kind: 'signin-failed', address: '203.0.113.9' });
    } finally {
      await relay.stop();
    }
  });

  it('shuts down on SIGTERM: tells clients, exits 0, and keeps the audit rows', async () => {
    const relay = await startRelayProcess();
    try {
      const admin = await createAdmin(relay);
      const s = await pairedSession(relay, admin.token);
      s.customer.send({ t: 'consent', customer: { name: 'Ann', customerNumber: '42', caseNumber: 'Z' }, mode: 'chat' });
      // A round trip through the relay proves the consent was handled before the signal.
      s.tech.ws.send(Buffer.from([3]));
      await s.customer.binary();
      expect(await relay.shutdown('SIGTERM')).toBe(0);
      for (const side of [s.tech, s.customer]) {
        expect(await side.failure()).toMatchObject({ code: 'TANDEM_ERR_SHUTTING_DOWN', closeCode: 1001 });
      }
      const again = await startRelayProcess({ dataDir: relay.dataDir });
      try {
        expect(again.setupLink).toBeUndefined();
        const token = await login(again, 'admin', PASSWORD);
        const row = await auditSession(again, token, s.sessionId);
        expect(row).toMatchObject({ customerName: 'Ann', endReason: 'relay-shutdown' });
        expect(typeof row?.endedAt).toBe('number');
      } finally {
        await again.stop();
      }
    } finally {
      await relay.stop();
    }
  });
});
