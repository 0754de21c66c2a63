/**
 * The relay's configuration (--config, TANDEM_* environment, check-config),
 * certificate files reloaded on SIGHUP, and the drain on SIGTERM, each on a
 * real relay process.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { api, createAdmin, pairedSession, runCli, runProcess, startRelayProcess, tempDir } from '@tandem/test-kit';

const RELAY_BIN = new URL('../bin/tandem-relay.js', import.meta.url).pathname;

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

/** A fresh self-signed pair written to `cert` and `key` (openssl, as an ACME client leaves PEM files); its fingerprint. */
function newPair(cert: string, key: string): string {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost'], { stdio: 'ignore' });
  const der = execFileSync('openssl', ['x509', '-in', cert, '-outform', 'DER']);
  return execFileSync('openssl', ['dgst', '-sha256', '-hex'], { input: der }).toString().trim().split(' ').pop() ?? '';
}

describe('configuration', () => {
  it('check-config: command line over environment over file, secrets masked', async () => {
    const dir = tempDir();
    const file = join(dir, 'relay.json');
    writeFileSync(file, JSON.stringify({ data: 'data', listen: '127.0.0.1:9000', 'code-lifetime': '7m', 'trust-proxy-hops': 2, database: 'postgres://tandem:s3cret-pw@db.example/tandem' }));
    const result = await runProcess(process.execPath, [RELAY_BIN, 'check-config', '--config', file, '--listen', '127.0.0.1:9001'], {
      env: { TANDEM_LISTEN: '127.0.0.1:9002', TANDEM_CODE_LIFETIME: '9m', TANDEM_TRUST_PROXY: 'true' },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('s3cret-pw');
    const printed = JSON.parse(result.stdout) as Record<string, { value: unknown; source: string }>;
    expect(printed.listen).toEqual({ value: '127.0.0.1:9001', source: 'command line' });
    expect(printed['code-lifetime']).toEqual({ value: '9m', source: 'environment TANDEM_CODE_LIFETIME' });
    expect(printed['trust-proxy']).toEqual({ value: true, source: 'environment TANDEM_TRUST_PROXY' });
    expect(printed['trust-proxy-hops']).toEqual({ value: '2', source: `config file ${file}` });
    expect(printed.data).toEqual({ value: join(dir, 'data'), source: `config file ${file}` });
    expect(printed.database?.value).toBe('postgres://tandem:***@db.example/tandem');
    expect(printed['attempt-timeout']).toEqual({ value: '30s', source: 'default' });
  });

  it('check-config refuses an unknown key, a wrong type and a bad URL with TANDEM_ERR_CONFIG_INVALID, exit 2', async () => {
    const dir = tempDir();
    const cases: [Record<string, unknown>, Record<string, string>, RegExp][] = [
      [{ data: 'd', listen: '127.0.0.1:1', 'code-lifetme': '5m' }, {}, /unknown option "code-lifetme"/],
      [{ data: 'd', listen: '127.0.0.1:1', 'trust-proxy': 'yes' }, {}, /"trust-proxy" in .*: must be true or false/],
      [{ data: 'd', listen: '127.0.0.1:1', 'claim-failures-per-minute': '30' }, {}, /"claim-failures-per-minute" in .*: must be an integer/],
      [{ data: 'd', listen: '127.0.0.1:1' }, { TANDEM_PUBLIC_URL: 'not a url' }, /TANDEM_PUBLIC_URL: .*not a URL/],
      [{ data: 'd', listen: '127.0.0.1:1' }, { TANDEM_CODE_LIFETIME: 'soon' }, /TANDEM_CODE_LIFETIME: /],
      [{ data: 'd' }, {}, /--listen is required/],
    ];
    const results = await Promise.all(
      cases.map(([config, env], i) => {
        const file = join(dir, `c${i}.json`);
        writeFileSync(file, JSON.stringify(config));
        return runProcess(process.execPath, [RELAY_BIN, 'check-config', '--config', file], { env });
      }),
    );
    for (const [i, [, , message]] of cases.entries()) {
      const result = results[i];
      expect(result?.code, String(message)).toBe(2);
      expect(result?.stderr).toMatch(message);
      expect(result?.stderr).toMatch(/\(TANDEM_ERR_CONFIG_INVALID\)\n$/);
      expect(result?.stderr.trim().split('\n')).toHaveLength(1);
    }
    const notJson = join(dir, 'bad.json');
    writeFileSync(notJson, '{ listen: ');
    expect((await runCli(['check-config', '--config', notJson])).stderr).toMatch(/is not JSON.*TANDEM_ERR_CONFIG_INVALID/);
  });

  it('starts from a config file', async () => {
    const dir = tempDir();
    const file = join(dir, 'relay.json');
    writeFileSync(file, JSON.stringify({ 'code-lifetime': '90s', 'log-level': 'warn' }));
    const relay = await startRelayProcess({ args: ['--config', file] });
    try {
      expect((await api(relay, 'GET', '/readyz')).json).toMatchObject({ ready: true });
    } finally {
      await relay.stop();
    }
  });
});

describe('certificate files', () => {
  it('serves the new pair after SIGHUP; a broken pair is refused, logged, and the pair in use stays', async () => {
    const dir = tempDir();
    const cert = join(dir, 'fullchain.pem');
    const key = join(dir, 'privkey.pem');
    const first = newPair(cert, key);
    const relay = await startRelayProcess({ args: ['--tls', 'files', '--tls-cert', cert, '--tls-key', key] });
    try {
      expect(relay.fingerprint).toBe(first);
      expect(await servedFingerprint(relay.url)).toBe(first);
      const second = newPair(cert, key);
      relay.proc.kill('SIGHUP');
      await relay.proc.waitFor(/"msg":"TLS certificate reloaded"/, 10_000, 'err');
      expect(await servedFingerprint(relay.url)).toBe(second);
      expect((await api(relay, 'GET', '/api/info')).json?.fingerprint).toBe(second);

      const mark = relay.proc.mark();
      newPair(join(dir, 'other.pem'), key);
      relay.proc.kill('SIGHUP');
      const line = (await relay.proc.waitFor(/"level":"error".*TLS certificate not reloaded/, 10_000, 'err', mark))[0];
      expect(line).toMatch(/is not the key of the certificate/);
      expect(await servedFingerprint(relay.url)).toBe(second);
    } finally {
      await relay.stop();
    }
  });
});

describe('drain on SIGTERM', () => {
  it('is not ready, refuses new connections, lets a live session run until --drain-timeout, then ends it as relay-shutdown', async () => {
    const relay = await startRelayProcess({ args: ['--drain-timeout', '3s'] });
    try {
      const admin = await createAdmin(relay);
      const s = await pairedSession(relay, admin.token);
      relay.proc.kill('SIGTERM');
      await relay.proc.waitFor(/"msg":"draining/, 10_000, 'err');
      const ready = await api(relay, 'GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.json).toMatchObject({ ready: false, draining: true });
      // The session still forwards, both ways.
      s.tech.sendRaw(Buffer.from([1, 2, 3]));
      expect([...(await s.customer.binary())]).toEqual([1, 2, 3]);
      s.customer.sendRaw(Buffer.from([4]));
      expect([...(await s.tech.binary())]).toEqual([4]);
      for (const side of [s.tech, s.customer]) expect(await side.failure()).toMatchObject({ code: 'TANDEM_ERR_SHUTTING_DOWN' });
      expect(await relay.proc.exitCode()).toBe(0);
      expect(relay.proc.stderrLines.some((l) => l.includes('drain time is up'))).toBe(true);
    } finally {
      await relay.stop();
    }
  });
});
