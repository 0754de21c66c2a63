/**
 * A hostile relay fakes a clean end (security review, issue 7 item 7). A
 * small WebSocket server in front of a real relay pairs a real `tandem join`
 * with a real `tandem tech session` (or the console in Chromium) and forwards
 * everything, until it starts swallowing one side's frames: that side ends the
 * session, its encrypted `end` and authenticated close never reach the other,
 * and the hostile relay tells the other side `peer-left customer-ended` (or
 * `technician-ended`) itself. The other side must report truncation, not a
 * normal end: on the CLI's `error:` line, on the consent page, in the console.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Browser } from 'playwright-core';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { parseClientSignal } from '@tandem/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium, listeningPort, rawDataBytes, RelayFixture } from '@tandem/test-kit';

type Side = 'technician' | 'customer';

/** The hostile relay: HTTP passed through to the real relay, WebSockets relayed message by message. */
class HostileRelay {
  readonly #server: Server;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #upstream: string;
  readonly #clients: Partial<Record<Side, WebSocket>> = {};
  /** Once set, nothing from that side reaches the relay, and its `bye` becomes our own `peer-left` to the other. */
  swallow: Side | undefined;
  /** What was swallowed: the frames and signals the other side never got. */
  readonly swallowed: string[] = [];
  url = '';

  constructor(upstream: string) {
    this.#upstream = upstream;
    this.#server = createServer((req, res) => {
      const target = new URL(req.url ?? '/', upstream);
      const forward = request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.destroy());
      req.pipe(forward);
    });
    this.#server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.#wss.handleUpgrade(req, socket, head, (client) => this.#relay(client, req.url ?? '/ws'));
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${listeningPort(this.#server)}`;
  }

  async stop(): Promise<void> {
    for (const ws of this.#wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #relay(client: WebSocket, path: string): void {
    const up = new WebSocket(new URL(path, this.#upstream.replace(/^http/, 'ws')));
    let role: Side | undefined;
    const pending: { data: RawData; binary: boolean }[] = [];
    const toRelay = (data: RawData, binary: boolean): void => {
      if (up.readyState === WebSocket.OPEN) up.send(data, { binary });
      else pending.push({ data, binary });
    };
    up.on('open', () => {
      for (const m of pending.splice(0)) up.send(m.data, { binary: m.binary });
    });
    client.on('message', (data, binary) => {
      if (!binary) {
        const signal = parseClientSignal(rawDataBytes(data).toString('utf8'));
        if (role === undefined) {
          role = signal.t === 'claim' ? 'customer' : 'technician';
          this.#clients[role] = client;
        }
        if (role === this.swallow) {
          this.swallowed.push(`signal ${signal.t}`);
          // The lie: a clean end, in the relay's own words, instead of the peer's authenticated close.
          if (signal.t === 'bye') this.#clients[role === 'customer' ? 'technician' : 'customer']?.send(JSON.stringify({ t: 'peer-left', reason: `${role}-ended` }));
          return;
        }
      } else if (role !== undefined && role === this.swallow) {
        this.swallowed.push(`frame ${rawDataBytes(data)[0]}`);
        return;
      }
      toRelay(data, binary);
    });
    up.on('message', (data, binary) => {
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary });
    });
    client.on('close', () => {
      // The swallowed side's connection going away is not passed on either: the relay would report it.
      if (role === undefined || role !== this.swallow) up.close();
    });
    up.on('close', (code) => {
      if (client.readyState === WebSocket.OPEN) client.close(code === 1005 ? 1000 : code);
    });
    client.on('error', () => up.terminate());
    up.on('error', () => client.terminate());
  }
}

describe('a relay that fakes a clean end', () => {
  const relay = new RelayFixture();
  let hostile: HostileRelay;
  let browser: Browser;
  let techPw = '';
  const consolePassword = 'console-pass-123456';

  beforeAll(async () => {
    await relay.start();
    techPw = await relay.addUser('tanaka', 'technician');
    await relay.addUser('ito', 'technician', consolePassword, ['--display-name', 'Ito Kenji']);
    browser = await launchChromium();
  });
  beforeEach(async () => {
    hostile = new HostileRelay(relay.url);
    await hostile.start();
  });
  afterEach(async () => {
    await hostile.stop();
  });
  afterAll(async () => {
    await browser?.close();
    await relay.stop();
  });

  it('drops the customer\'s end and close and says "customer-ended": the technician reports truncation', async () => {
    // Both sides use the hostile relay's address: it is "the relay" for them (and CPace binds it).
    const techViaHostile = relay.agent(['tech', 'session', '--relay', hostile.url, '--user', 'tanaka', '--password-file', techPw]);
    const code = (await techViaHostile.waitFor(/^code: ([0-9]{8})$/))[1]!;
    const agent = relay.agent(['join', code, '--relay', hostile.url, '--no-browser']);
    agent.send('y');
    await techViaHostile.waitFor(/^event: accepted chat$/);
    // Everything is forwarded so far.
    techViaHostile.send('hello through the hostile relay');
    await agent.waitFor(/^chat: hello through the hostile relay$/);

    hostile.swallow = 'customer';
    agent.send('/end');
    expect(await agent.exitCode()).toBe(0);
    expect(await techViaHostile.exitCode()).not.toBe(0);
    expect(techViaHostile.stderrLines.join('\n')).toMatch(/^error: TANDEM_ERR_TRUNCATED .*customer-ended/m);
    expect(techViaHostile.count(/^event: ended/)).toBe(0);
    // The hostile relay did swallow the customer's encrypted end (a record) and close frame, then its bye.
    expect(hostile.swallowed).toEqual(['frame 3', 'frame 4', 'signal bye']);
  });

  it('the console shows the cut-off session as such when the customer\'s end is swallowed', async () => {
    const techPage = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // The console is served by the hostile relay too: its address is "the relay" for the technician.
    await techPage.goto(`${hostile.url}/#/signin`);
    await techPage.locator('[data-testid=lang-en]').click();
    await techPage.fill('#username', 'ito');
    await techPage.fill('#password', consolePassword);
    await techPage.click('[data-testid=signin]');
    await techPage.locator('[data-testid=new-session]').waitFor();
    await techPage.click('[data-testid=new-session]');
    const digits = async (): Promise<string> => ((await techPage.locator('[data-testid=code]').textContent()) ?? '').replace(/\D/g, '');
    await expect.poll(digits, { timeout: 15_000 }).toMatch(/^[0-9]{8}$/);
    const agent = relay.agent(['join', await digits(), '--relay', hostile.url, '--no-browser']);
    agent.send('y');
    const status = techPage.locator('[data-testid=session-status]');
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 15_000 }).toBe('active');

    hostile.swallow = 'customer';
    agent.send('/end');
    expect(await agent.exitCode()).toBe(0);
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 15_000 }).toBe('failed');
    expect(await techPage.locator('[data-testid=session-end-reason]').textContent()).toMatch(/cut off.*authenticated end never arrived/i);
    await techPage.close();
  });

  it('the consent page shows the cut-off session as such when the technician\'s end is swallowed', async () => {
    const tech = relay.agent(['tech', 'session', '--relay', hostile.url, '--user', 'tanaka', '--password-file', techPw]);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/))[1]!;
    // BROWSER=true: the agent "opens" its page with a command that does nothing; the test opens it.
    const agent = relay.agent(['join', code, '--relay', hostile.url], { BROWSER: 'true' });
    const pageUrl = (await agent.waitFor(/^page: (http:\/\/127\.0\.0\.1:\d+\/\S+)$/))[1]!;
    const page = await browser.newPage();
    await page.goto(pageUrl);
    await page.locator('[data-testid=lang-en]').click();
    await page.locator('[data-testid=accept]').click({ timeout: 15_000 });
    await tech.waitFor(/^event: accepted chat$/);

    hostile.swallow = 'technician';
    tech.send('/end');
    expect(await tech.exitCode()).toBe(0);
    const status = page.locator('[data-testid=status]');
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 15_000 }).toBe('failed');
    expect(await status.textContent()).toMatch(/TANDEM_ERR_TRUNCATED/);
    // The page says it in the customer's words; the agent's own message, with the relay's unproven claim, is its tooltip.
    expect(await status.getAttribute('title')).toMatch(/technician-ended/);
    expect(await agent.exitCode()).not.toBe(0);
    expect(agent.stderrLines.join('\n')).toMatch(/^error: TANDEM_ERR_TRUNCATED /m);
    expect(agent.count(/^event: ended/)).toBe(0);
    await page.close();
  });
});
