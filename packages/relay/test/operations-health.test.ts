import { describe, expect, it } from 'vitest';
import { api, connect, createAdmin, errorCode, pairedSession, startRelayProcess } from '@tandem/test-kit';

/** The value of one sample (`name` or `name{labels}`) in a Prometheus text exposition. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no sample ${series} in:\n${text}`);
  return Number(line.slice(series.length + 1));
}

describe('health, readiness and metrics', () => {
  it('answers /healthz and /readyz as JSON, with the database check', async () => {
    const relay = await startRelayProcess();
    try {
      const health = await api(relay, 'GET', '/healthz');
      expect(health.status).toBe(200);
      expect(health.json).toEqual({ status: 'ok' });
      const ready = await api(relay, 'GET', '/readyz');
      expect(ready.status).toBe(200);
      expect(ready.json).toEqual({ ready: true, draining: false, checks: { database: 'ok' } });
    } finally {
      await relay.stop();
    }
  });

  it('counts a session, its bytes, a refused code and a failed sign-in; no code, name, token or address in the metrics', async () => {
    const relay = await startRelayProcess();
    try {
      const admin = await createAdmin(relay);
      const before = (await api(relay, 'GET', '/metrics')).body;
      expect(sample(before, 'tandem_sessions_active')).toBe(0);
      expect(sample(before, 'tandem_pairing_outcomes_total{outcome="paired"}')).toBe(0);

      const wrong = await api(relay, 'POST', '/api/auth/login', { body: { username: 'admin', password: 'not the password at all' } });
      expect(errorCode(wrong)).toBe('TANDEM_ERR_SIGNIN_FAILED');
      const s = await pairedSession(relay, admin.token);
      s.customer.send({ t: 'consent', customer: { name: 'Ann Customer', customerNumber: '4242', caseNumber: 'CASE-77' }, mode: 'chat' });
      s.tech.ws.send(Buffer.alloc(1000, 7));
      await s.customer.binary();

      const during = await api(relay, 'GET', '/metrics');
      expect(during.status).toBe(200);
      expect(during.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(sample(during.body, 'tandem_sessions_active')).toBe(1);
      expect(sample(during.body, 'tandem_sessions_started_total')).toBe(1);
      expect(sample(during.body, 'tandem_pairing_outcomes_total{outcome="paired"}')).toBe(1);
      // confirmBoth's two 1-byte frames and the 1000 bytes above.
      expect(sample(during.body, 'tandem_forwarded_bytes_total')).toBe(1002);
      expect(sample(during.body, 'tandem_signin_failures_total')).toBe(1);
      expect(sample(during.body, 'tandem_audit_write_seconds_count')).toBeGreaterThan(0);

      s.tech.ws.close();
      await s.customer.signal('peer-left');
      const unknown = await claimUnknown(relay);
      expect(unknown).toBe('TANDEM_ERR_CODE_UNKNOWN');
      const after = (await api(relay, 'GET', '/metrics')).body;
      expect(sample(after, 'tandem_sessions_active')).toBe(0);
      expect(sample(after, 'tandem_sessions_ended_total{reason="technician-ended"}') + sample(after, 'tandem_sessions_ended_total{reason="network-lost"}')).toBe(1);
      expect(sample(after, 'tandem_pairing_outcomes_total{outcome="code-unknown"}')).toBe(1);
      // A secret would leak as a metric's name or label, never as a sample's value: the values (memory in bytes,
      // CPU seconds) are numbers that may contain a three-digit nameplate by chance, so they are left out here.
      const namesAndLabels = after.split('\n').map((line) => (line.startsWith('#') ? line : line.replace(/ \S+$/, ''))).join('\n');
      expect(namesAndLabels).toContain('tandem_sessions_ended_total{reason=');
      for (const secret of [s.nameplate, s.sessionId, 'Ann Customer', '4242', 'CASE-77', 'admin', admin.token, '127.0.0.1']) {
        expect(namesAndLabels, secret).not.toContain(secret);
      }
    } finally {
      await relay.stop();
    }
  });

  it('serves /metrics to the loopback address only: a request a proxy forwarded is refused', async () => {
    const relay = await startRelayProcess();
    try {
      const forwarded = await api(relay, 'GET', '/metrics', { headers: { 'x-forwarded-for': '203.0.113.9' } });
      expect(forwarded.status).toBe(403);
      expect(errorCode(forwarded)).toBe('TANDEM_ERR_FORBIDDEN');
      const rfc7239 = await api(relay, 'GET', '/metrics', { headers: { forwarded: 'for=203.0.113.9' } });
      expect(rfc7239.status).toBe(403);
    } finally {
      await relay.stop();
    }
  });
});

async function claimUnknown(relay: { wsUrl: string }): Promise<string> {
  const customer = await connect(relay);
  customer.send({ t: 'claim', nameplate: '999' });
  const failure = await customer.failure();
  return failure.code;
}
