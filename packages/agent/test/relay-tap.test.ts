/**
 * The relay never sees content: every byte between the clients and the relay
 * passes through a TCP tap (test-kit's RelayTap), which searches the raw
 * streams and every unmasked WebSocket frame, both ways, for each secret of
 * a session: the chat marker both sides send, the secret half of the session
 * code (and the whole code), and an invitation's password or the random
 * secret inside its file. Each search has its positive control: the same
 * secret sent through the tap on a connection of its own is found there, so
 * a search that finds nothing in the session could have found it. And the
 * metadata the relay is meant to see (the nameplate, the ticket) is found
 * in the session's own frames.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url, parseInvitation } from '@tandem/protocol';
import { AgentHome, invite, RelayFixture, RelayTap, techInvitation, type TapHit } from '@tandem/test-kit';

/** The secrets a session must never show the relay, each with how to match it. */
interface Secret {
  name: string;
  value: string | Uint8Array;
  standalone?: boolean;
}

/**
 * Where each secret was seen on the session's connections (from connection
 * `from` to the last before the plants), and where on its own planted one.
 */
async function leaksAndControls(tap: RelayTap, secrets: Secret[], from: number): Promise<{ leaks: Record<string, TapHit[]>; controls: Record<string, TapHit[]> }> {
  const sessionConnections = tap.connectionCount;
  const leaks: Record<string, TapHit[]> = {};
  const controls: Record<string, TapHit[]> = {};
  for (const s of secrets) {
    const opts = { standalone: s.standalone === true };
    leaks[s.name] = tap.find(s.value, opts).filter((h) => h.connection >= from && h.connection < sessionConnections);
    const planted = await tap.plant(s.value);
    controls[s.name] = tap.find(s.value, opts).filter((h) => h.connection === planted && h.direction === 'to-relay' && h.where.startsWith('frame'));
  }
  return { leaks, controls };
}

describe('what the relay sees', () => {
  const relay = new RelayFixture();
  const home = new AgentHome();
  let tap: RelayTap;
  let techPw = '';

  beforeAll(async () => {
    await relay.start();
    techPw = await relay.addUser('kato', 'technician', undefined, ['--display-name', 'Kato Ken']);
    tap = await RelayTap.start(relay.url);
  });
  afterAll(async () => {
    await tap?.close();
    await relay.stop();
    home.remove();
  });

  it('a session code: neither the chat marker nor the code\'s secret digits cross the relay in any frame or signal, each search with its positive control', async () => {
    const marker = 'MARKER-7f3a9c-秘密';
    const first = tap.connectionCount;
    const techThroughTap = relay.agent(['tech', 'session', '--relay', tap.url, '--user', 'kato', '--password-file', techPw]);
    const code = (await techThroughTap.waitFor(/^code: ([0-9]{8})$/))[1]!;
    const agent = relay.agent(['join', code, '--relay', tap.url, '--no-browser', '--name', 'Customer']);
    agent.send('y');
    await techThroughTap.waitFor(/^event: accepted chat$/);
    techThroughTap.send(`from tech ${marker}`);
    await agent.waitFor(new RegExp(`^chat: from tech ${marker}$`));
    agent.send(`from customer ${marker}`);
    await techThroughTap.waitFor(new RegExp(`^chat: from customer ${marker}$`));
    techThroughTap.endInput();
    expect(await techThroughTap.exitCode()).toBe(0);
    expect(await agent.exitCode()).toBe(0);

    const nameplate = code.slice(0, 3);
    const secretDigits = code.slice(3);
    // Both sides went through the tap, and it read their signals: the nameplate in the code and the claim.
    expect(tap.connectionCount - first).toBeGreaterThanOrEqual(2);
    const session = tap.payloads().map((p) => p.toString('utf8'));
    expect(session.some((t) => t.includes(`"nameplate":"${nameplate}"`))).toBe(true);
    expect(session.filter((t) => t.includes('"t":"claim"'))).toEqual([JSON.stringify({ t: 'claim', nameplate })]);

    const { leaks, controls } = await leaksAndControls(tap, [
      { name: 'chat marker', value: marker },
      { name: 'secret digits', value: secretDigits, standalone: true },
      { name: 'whole code', value: code, standalone: true },
    ], first);
    expect(leaks).toEqual({ 'chat marker': [], 'secret digits': [], 'whole code': [] });
    for (const [name, hits] of Object.entries(controls)) expect(hits.length, `positive control for ${name}`).toBeGreaterThan(0);
  });

  for (const withPassword of [true, false]) {
    it(`an invitation ${withPassword ? 'with a password: the password' : 'without a password: the secret in its file'} never crosses the relay, nor the chat marker; each search with its positive control`, async () => {
      const first = tap.connectionCount;
      const marker = `INVITE-MARKER-${withPassword ? 'pw' : 'secret'}-4b1d`;
      const password = 'tap-sesame-90210-パス';
      const out = join(home.dir, `tap-${withPassword ? 'pw' : 'secret'}.tandem`);
      const pwFile = home.file(`tap-${withPassword ? 'pw' : 'secret'}.pw`, `${password}\n`);
      const agent = invite(relay, home, ['--relay', tap.url, '--expires', '1h', '--name', 'Tap Customer', '--out', out, ...(withPassword ? ['--password-file', pwFile] : [])]);
      await agent.waitFor(/^event: holding /);
      const invitation = parseInvitation(readFileSync(out, 'utf8'));
      const tech = techInvitation(relay, out, 'kato', techPw, ['--relay', tap.url, ...(withPassword ? ['--invitation-password-file', pwFile] : [])]);
      await agent.waitFor(/Allow Kato Ken to chat with you\? \[y\/n\]/, 20_000, 'err');
      agent.send('y');
      await tech.waitFor(/^event: accepted chat$/);
      tech.send(marker);
      await agent.waitFor(new RegExp(`^chat: ${marker}$`));
      tech.endInput();
      expect(await tech.exitCode()).toBe(0);
      expect(await agent.exitCode()).toBe(0);

      // The ticket is what the relay routes by: the tap sees it in the session's signals.
      expect(tap.find(invitation.ticket).filter((h) => h.connection >= first).length).toBeGreaterThan(0);
      const secrets: Secret[] = [{ name: 'chat marker', value: marker }];
      if (withPassword) {
        expect(invitation.secret).toBeUndefined();
        secrets.push({ name: 'password', value: password });
      } else {
        const secret = invitation.secret!;
        secrets.push({ name: 'file secret', value: secret }, { name: 'file secret bytes', value: fromBase64Url(secret) });
      }
      const { leaks, controls } = await leaksAndControls(tap, secrets, first);
      expect(leaks).toEqual(Object.fromEntries(secrets.map((s) => [s.name, []])));
      for (const [name, hits] of Object.entries(controls)) expect(hits.length, `positive control for ${name}`).toBeGreaterThan(0);
    });
  }
});
