/**
 * Guessing an invitation's password (security review, issue 7 item 1) with
 * real processes: a real relay, a real `tandem invite` holding a
 * password-protected invitation, and a hostile technician script on a raw
 * WebSocket. The script plays the "test and vanish" attack: it runs the
 * handshake with one guess, holds back its own key-confirmation tag and waits
 * for the customer's tag, with which it could check its guess offline and
 * then vanish without the attempt being counted. The customer's agent must
 * send nothing that depends on the password before it has verified the
 * technician's tag, and every attempt that gets that far must count toward
 * --max-wrong.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FRAME_TYPE,
  SecureSession,
  normaliseRelayOrigin,
  readInvitation,
  utf8,
  webCryptoAeadProvider,
  type TandemError,
} from '@tandem/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentHome, agentRun, invite, login, RelayFixture, WsClient, type Proc } from '@tandem/test-kit';

/** How long the attacker waits for the customer's tag before it gives up and sends its own. */
const ATTACKER_PATIENCE_MS = 3000;

/** What the hostile technician saw in one attempt. */
interface AttackResult {
  /** Types of the binary frames the customer's agent sent, in order. */
  framesFromCustomer: number[];
  /** The attacker's offline check of its guess: only possible with the customer's tag. */
  offlineVerdict: 'no customer tag' | 'guess wrong' | 'guess right';
  /** How the attempt ended for the attacker (the relay's last signal). */
  end: string;
}

/**
 * One attempt of the attack: sign in, answer the ticket, run CPace with
 * `guess` as technician but hold back the key-confirmation tag until the
 * customer's tag arrives (then check the guess offline and vanish) or the
 * patience runs out (then send the tag and see how the attempt ends).
 */
async function attack(relayUrl: string, token: string, ticket: string, guess: string): Promise<AttackResult> {
  const ws = new WsClient(`${relayUrl.replace(/^http/, 'ws')}/ws`);
  await ws.opened;
  ws.send({ t: 'auth', token });
  expect((await ws.signal()).t).toBe('ready');
  ws.send({ t: 'answer', ticket, mode: 'control' });
  const paired = await ws.signal('paired', 20_000);
  expect(paired.t).toBe('paired');

  const framesFromCustomer: number[] = [];
  let heldTag: Uint8Array | undefined;
  let offlineVerdict: AttackResult['offlineVerdict'] = 'no customer tag';
  let sawCustomerTag!: () => void;
  const customerTag = new Promise<void>((resolve) => (sawCustomerTag = resolve));
  const attacker = new SecureSession({
    role: 'technician',
    secret: utf8(guess),
    relayOrigin: normaliseRelayOrigin(relayUrl),
    nameplate: ticket,
    sessionId: paired.sessionId,
    aead: webCryptoAeadProvider(),
    sendFrame: (frame) => {
      // The attacker's own tag is held back: it wants the customer's first.
      if (frame[0] === FRAME_TYPE.confirm) heldTag = frame.slice();
      else ws.ws.send(frame);
    },
    handlers: {
      open: () => (offlineVerdict = 'guess right'),
      message: () => undefined,
      closed: () => undefined,
      failed: (error: TandemError) => {
        if (error.code === 'TANDEM_ERR_WRONG_CODE' && framesFromCustomer.includes(FRAME_TYPE.confirm)) offlineVerdict = 'guess wrong';
      },
    },
  });
  attacker.start();

  // Everything the customer's agent sends, until the attempt ends.
  const ended = (async (): Promise<string> => {
    for (;;) {
      const m = await ws.next(60_000);
      if (m === undefined) return 'closed';
      if ('binary' in m) {
        framesFromCustomer.push(m.binary[0] ?? -1);
        if (m.binary[0] === FRAME_TYPE.confirm) sawCustomerTag();
        attacker.receive(new Uint8Array(m.binary));
        continue;
      }
      if (m.text.t === 'peer-left') return `${m.text.t} ${m.text.reason}`;
      if (m.text.t === 'error') return `${m.text.t} ${m.text.code}`;
    }
  })();

  const patience = new Promise<'patience'>((resolve) => setTimeout(() => resolve('patience'), ATTACKER_PATIENCE_MS));
  const first = await Promise.race([customerTag.then(() => 'tag' as const), patience, ended.then(() => 'ended' as const)]);
  if (first === 'tag') {
    // The old attack: the guess is checked offline with the customer's tag; vanish before anything counts.
    await attacker.settled();
    ws.ws.close();
    return { framesFromCustomer, offlineVerdict, end: await ended };
  }
  if (first === 'patience') {
    expect(heldTag, 'the attacker derived its tag (it had the customer\'s share)').toBeDefined();
    if (heldTag !== undefined) ws.ws.send(heldTag);
  }
  const end = await ended;
  ws.ws.close();
  return { framesFromCustomer, offlineVerdict, end };
}

describe('guessing an invitation password', () => {
  const relay = new RelayFixture();
  const home = new AgentHome();
  let techPw = '';
  let token = '';

  beforeAll(async () => {
    await relay.start();
    techPw = await relay.addUser('mallory', 'technician');
    token = await login(relay, 'mallory', readFileSync(techPw, 'utf8').trim());
  });
  afterAll(async () => {
    await relay.stop();
    home.remove();
  });

  it('a hostile technician learns nothing before its tag, and every tag it sends is counted', async () => {
    const pw = home.file('guess.pw', '2718281\n');
    const out = join(home.dir, 'guess.tandem');
    const agent: Proc = invite(relay, home, ['--relay', relay.url, '--expires', '1h', '--password-file', pw, '--out', out]);
    await agent.waitFor(/^event: holding /);
    const ticket = readInvitation(readFileSync(out, 'utf8')).ticket;

    // Nothing the attacker received depends on the password: only the customer's share (a uniformly
    // random group element), no customer tag before its own; its tag then fails the attempt, counted.
    const first = await attack(relay.url, token, ticket, '0000000');
    expect(first).toEqual({ framesFromCustomer: [FRAME_TYPE.share], offlineVerdict: 'no customer tag', end: 'peer-left wrong-code' });
    await agent.waitFor(/^event: wrong-password 1$/);

    // The next attempt is answered, and counted the same way.
    const second = await attack(relay.url, token, ticket, '1234567');
    expect(second).toEqual({ framesFromCustomer: [FRAME_TYPE.share], offlineVerdict: 'no customer tag', end: 'peer-left wrong-code' });
    await agent.waitFor(/^event: wrong-password 2$/);
    expect(agent.count(/^event: attempt mallory$/)).toBe(2);
    agent.kill('SIGINT');
    expect(await agent.exitCode()).toBe(0);
  });

  it('refuses a password too short for --max-wrong with TANDEM_ERR_BAD_INPUT, before anything is written', async () => {
    const cases: { password: string; extra: string[]; min: number }[] = [
      { password: '271828', extra: [], min: 7 },
      { password: '2718281', extra: ['--max-wrong', '20'], min: 8 },
    ];
    for (const { password, extra, min } of cases) {
      const out = join(home.dir, `short-${min}.tandem`);
      const agent = invite(relay, home, ['--relay', relay.url, '--expires', '1h', '--password-file', home.file(`short-${min}.pw`, `${password}\n`), '--out', out, ...extra]);
      expect(await agent.exitCode()).toBe(1);
      expect(agent.stderrLines.join('\n')).toMatch(new RegExp(`^error: TANDEM_ERR_BAD_INPUT --password-file: the password must have at least ${min} characters`, 'm'));
      expect(existsSync(out)).toBe(false);
    }
    expect((await agentRun(home, ['invitations'])).lines.join('\n')).not.toMatch(/short-/);
  });
});
