/**
 * The relay's rendezvous played with raw {@link WsClient}s
 * (docs/protocol.md, "Signals"): a technician with a code, a customer's
 * claim, an invitation's holder, answer and join, and both sides paired, as
 * honest clients do it; tests then do what honest clients would not.
 */
import { randomBytes } from 'node:crypto';
import type { Mode, RelaySignal } from '@tandem/protocol';
import { WsClient, narrowSignal, type SignalOf } from './signal-client.js';

/** Extra request headers for the WebSocket upgrade (e.g. a forged X-Forwarded-For). */
export interface ConnectOptions {
  headers?: Record<string, string>;
  /** The loopback address to connect from (127.0.0.2 …): another client address for the relay, without a proxy. */
  localAddress?: string;
}

/** Options of a technician's connection. */
export interface TechnicianOptions extends ConnectOptions {
  mode?: Mode;
  caseNumber?: string;
}

/** Options of the session helpers: `confirm: false` leaves out the `confirmed` signals honest clients send. */
export interface SessionHelperOptions {
  mode?: Mode;
  caseNumber?: string;
  /** Both sides send `confirmed` once paired, as clients do once their keys are confirmed (default true). */
  confirm?: boolean;
}

/** Opens a WebSocket to the relay's rendezvous endpoint. */
export async function connect(relay: { wsUrl: string }, options: ConnectOptions = {}): Promise<WsClient> {
  const client = new WsClient(relay.wsUrl, { ...(options.headers ? { headers: options.headers } : {}), ...(options.localAddress !== undefined ? { localAddress: options.localAddress } : {}) });
  await client.opened;
  return client;
}

/** A connection that signed in with `token` and got `ready`. */
async function signedIn(relay: { wsUrl: string }, token: string, options: TechnicianOptions): Promise<WsClient> {
  const tech = await connect(relay, options.headers ? { headers: options.headers } : {});
  tech.send({ t: 'auth', token });
  await tech.signal('ready');
  return tech;
}

/** A technician connection that signed in and allocated a code. */
export async function technicianWithCode(relay: { wsUrl: string }, token: string, options: TechnicianOptions = {}): Promise<{ tech: WsClient; nameplate: string; expiresAt: number }> {
  const tech = await signedIn(relay, token, options);
  tech.send({ t: 'allocate', mode: options.mode ?? 'chat', ...(options.caseNumber ? { caseNumber: options.caseNumber } : {}) });
  const allocated = await tech.signal('allocated');
  return { tech, nameplate: allocated.nameplate, expiresAt: allocated.expiresAt };
}

/** A customer connection claiming `nameplate`; resolves with its first answer. */
export async function claim(relay: { wsUrl: string }, nameplate: string, options: ConnectOptions = {}): Promise<{ customer: WsClient; answer: RelaySignal }> {
  const customer = await connect(relay, options);
  customer.send({ t: 'claim', nameplate });
  return { customer, answer: await customer.signal() };
}

/**
 * Both sides say `confirmed`, as clients do once their keys are confirmed,
 * then a binary frame goes each way behind it (and is consumed here): once
 * each side got the other's, the relay has handled both signals, so a test's
 * next step on either connection cannot overtake them.
 */
export async function confirmBoth(tech: WsClient, customer: WsClient): Promise<void> {
  for (const [from, to] of [[tech, customer], [customer, tech]] as const) {
    from.send({ t: 'confirmed' });
    from.sendRaw(Buffer.from([0]));
    await to.binary();
  }
}

/** A paired session: both sides have received `paired` (and, unless `confirm: false`, sent `confirmed`). */
export async function pairedSession(
  relay: { wsUrl: string },
  token: string,
  options: SessionHelperOptions = {},
): Promise<{ tech: WsClient; customer: WsClient; nameplate: string; sessionId: string; paired: SignalOf<'paired'> }> {
  const { tech, nameplate } = await technicianWithCode(relay, token, options);
  const { customer, answer } = await claim(relay, nameplate);
  const paired = narrowSignal(answer, 'paired');
  const techPaired = await tech.signal('paired');
  if (techPaired.sessionId !== paired.sessionId) throw new Error(`technician was paired with another session: ${JSON.stringify(techPaired)}`);
  if (options.confirm ?? true) await confirmBoth(tech, customer);
  return { tech, customer, nameplate, sessionId: paired.sessionId, paired };
}

/** A fresh invitation ticket: 128 random bits in base64url, as an agent makes one. */
export function newTicket(): string {
  return randomBytes(16).toString('base64url');
}

/** A holder connection (the customer's agent) holding `tickets`, each answered `holding`. */
export async function holder(relay: { wsUrl: string }, ...tickets: string[]): Promise<WsClient> {
  const client = await connect(relay);
  for (const ticket of tickets) {
    client.send({ t: 'hold', ticket });
    const answer = await client.signal('holding');
    if (answer.ticket !== ticket) throw new Error(`expected holding ${ticket}, got ${JSON.stringify(answer)}`);
  }
  return client;
}

/** A signed-in technician connection that answered `ticket` (no answer awaited: the holder gets `attempt`). */
export async function technicianAnswering(relay: { wsUrl: string }, token: string, ticket: string, options: TechnicianOptions = {}): Promise<WsClient> {
  const tech = await signedIn(relay, token, options);
  tech.send({ t: 'answer', ticket, mode: options.mode ?? 'chat', ...(options.caseNumber ? { caseNumber: options.caseNumber } : {}) });
  return tech;
}

/** An invitation session: the holder got `attempt`, joined on a new connection, and both sides got `paired`. */
export async function invitationSession(
  relay: { wsUrl: string },
  token: string,
  held: { client: WsClient; ticket: string },
  options: SessionHelperOptions = {},
): Promise<{ tech: WsClient; customer: WsClient; sessionId: string; attempt: SignalOf<'attempt'>; paired: SignalOf<'paired'> }> {
  const tech = await technicianAnswering(relay, token, held.ticket, options);
  const attempt = await held.client.signal('attempt');
  const customer = await connect(relay);
  customer.send({ t: 'join', ticket: held.ticket, attemptId: attempt.attemptId });
  const paired = await customer.signal('paired');
  const techPaired = await tech.signal('paired');
  if (techPaired.sessionId !== paired.sessionId) throw new Error(`technician was not paired: ${JSON.stringify(techPaired)}`);
  if (options.confirm ?? true) await confirmBoth(tech, customer);
  return { tech, customer, sessionId: paired.sessionId, attempt, paired };
}
