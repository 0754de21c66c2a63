/**
 * A relay on its default, HTTPS with a self-signed certificate: both command
 * lines pin its fingerprint; a wrong fingerprint or none is refused clearly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelayFixture } from '@tandem/test-kit';

describe('a self-signed relay', () => {
  const relay = new RelayFixture();
  let techPw = '';

  beforeAll(async () => {
    await relay.start(['--tls', 'self-signed']);
    techPw = await relay.addUser('mori', 'technician');
  });
  afterAll(() => relay.stop());

  it('prints an https URL and a SHA-256 fingerprint', () => {
    expect(relay.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(relay.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('carries a session when both sides pin the fingerprint', async () => {
    const fp = relay.fingerprint!;
    const tech = relay.tech('mori', techPw, ['--relay-fingerprint', fp]);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/))[1]!;
    // Upper case with colons, as a person may copy it from a browser's certificate viewer.
    const colons = fp.toUpperCase().match(/../g)!.join(':');
    const agent = relay.join(code, ['--relay-fingerprint', colons]);
    agent.send('y');
    await tech.waitFor(/^event: accepted chat$/);
    tech.send('over TLS');
    await agent.waitFor(/^chat: over TLS$/);
    tech.endInput();
    expect(await tech.exitCode()).toBe(0);
    expect(await agent.exitCode()).toBe(0);
  });

  it('refuses a wrong fingerprint, and an unpinned self-signed certificate, with a clear error', async () => {
    const wrong = relay.agent(['tech', 'session', '--relay', relay.url, '--user', 'mori', '--password-file', techPw, '--relay-fingerprint', '00'.repeat(32)]);
    expect(await wrong.exitCode()).not.toBe(0);
    expect(wrong.stderrLines.join('\n')).toMatch(/TANDEM_ERR_TLS_FINGERPRINT/);

    const unpinned = relay.join('12345678');
    expect(await unpinned.exitCode()).not.toBe(0);
    expect(unpinned.stderrLines.join('\n')).toMatch(/TANDEM_ERR_TLS_FINGERPRINT.*--relay-fingerprint/s);
  });
});
