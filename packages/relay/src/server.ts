import { mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server as TlsServer } from 'node:tls';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { CODE, LIMITS, RELAY_WS_PATH, TIMEOUTS, TandemError, toTandemError } from '@tandem/protocol';
import { AccountAdmin } from './account-admin.js';
import { registerAccountRoutes } from './account-routes.js';
import { Accounts, type SigninLimits } from './accounts.js';
import { AuditLog } from './audit.js';
import { MAX_TRUSTED_HOPS, clientAddress } from './client-address.js';
import { DEFAULT_PUBLIC_URL, originFor, parseListen, parsePublicUrl, setupLinkUrl, writeSavedConfig } from './config.js';
import { findConsoleDist, installSecurityHeaders, registerConsole } from './console-static.js';
import { checkAgentSigning, findAgentsDir, registerAgentDownloads, type AgentSigning } from './agent-downloads.js';
import { installErrorHandlers, registerApiRoutes } from './http-routes.js';
import type { HelpDesk } from './help-desk.js';
import { InvitationRegistry } from './invitations.js';
import { findSupportPageDist, helpDeskInfo, loadHelpDesk, registerSupportPage } from './support-page.js';
import { RendezvousConnection } from './rendezvous.js';
import { SecondFactors } from './second-factor.js';
import { Passkeys } from './second-factor/passkeys.js';
import { SecondFactorPolicy } from './second-factor/second-factor-policy.js';
import { registerSecondFactorRoutes } from './second-factor/second-factor-routes.js';
import { SessionRegistry } from './session-registry.js';
import { openStorage } from './storage.js';
import { loadOrCreateCertificate } from './tls.js';
import { TokenStore } from './tokens.js';
import { registerHealthRoutes } from './operations/health-routes.js';
import { relayLifecycle } from './operations/lifecycle.js';
import { RelayMetrics } from './operations/metrics.js';
import { databaseCheck } from './operations/readiness.js';
import { TlsReloader, loadTlsFiles, type TlsFiles } from './operations/tls-files.js';
import { waitForSessions } from './operations/drain.js';
import { installBodyTrace, logDestination, loggerOptions, type LogLevel } from './operations/logging.js';
import { FrontDoor, MemoryFrontDoorState, Teams, registerFrontDoorRoutes, type FrontDoorLimits } from './front-door/index.js';

/** Options of {@link startRelay}. */
export interface RelayOptions {
  /** Data folder (created if missing): database, certificate, saved config. */
  dataDir: string;
  /** The help desk this relay serves (support page, agents' stamp). */
  helpDesk?: HelpDesk;
  /** `HOST:PORT`; port 0 picks a free port. Default `127.0.0.1:8443`. */
  listen?: string;
  /** `self-signed` (default) or `off` (plain HTTP behind a TLS-terminating proxy). */
  tls?: 'self-signed' | 'off' | 'files';
  /** With `tls: 'files'`: the certificate (chain) and key, PEM, read again by {@link RelayHandle.reloadTls}. */
  tlsFiles?: TlsFiles;
  /** Origin clients use to reach the relay; default derived from the listening address. */
  publicUrl?: string;
  /** Lifetime of an unused session code, milliseconds (default CODE.defaultLifetimeMs). */
  codeLifetimeMs?: number;
  /** `postgres://...` to use PostgreSQL instead of DATA/tandem.sqlite. */
  databaseUrl?: string;
  /** Behind one reverse proxy: take client addresses from the X-Forwarded-For entry it appended (the right-most). */
  trustProxy?: boolean;
  /** Behind this many reverse proxies (overrides `trustProxy`): the Nth X-Forwarded-For entry from the right. */
  trustProxyHops?: number;
  /** Failed claims per address per minute before TANDEM_ERR_RATE_LIMITED (default 30). */
  claimFailuresPerMinute?: number;
  /** Failed claims per minute from all addresses before every claim is refused for a minute (default 120). */
  claimFailuresPerMinuteTotal?: number;
  /** Sign-in throttling (default SIGNIN_LIMITS). */
  signinLimits?: SigninLimits;
  /** Time allowed for a connection's first signal (default TIMEOUTS.firstMessageMs). */
  firstMessageMs?: number;
  /** Keep-alive ping interval (default TIMEOUTS.pingIntervalMs). */
  pingIntervalMs?: number;
  /** Time the customer's agent has to join an invitation attempt (default TIMEOUTS.handshakeMs). */
  attemptTimeoutMs?: number;
  /** The built agents to stamp and serve (default: @tandem/agent's dist/agents); a folder without them: downloads answer 404. */
  agentsDir?: string;
  /** A code-signing certificate and key (PEM) to sign the Windows agent with after stamping (Authenticode, osslsigncode). */
  agentSigning?: { certFile: string; keyFile: string };
  /** A bearer token that lets any address read `/metrics` (without it: the loopback address only). */
  metricsToken?: string;
  /** The JSON log (operations/logging.ts): its level (default `silent`) and file (default stderr). */
  log?: { level: LogLevel; file?: string | undefined };
  /** The queue's limits and timings (default FRONT_DOOR, protocol). */
  frontDoor?: Partial<FrontDoorLimits>;
}

/** A running relay. */
export interface RelayHandle {
  /** Where it listens, e.g. `https://127.0.0.1:8443`. */
  url: string;
  /** The public URL used in links. */
  publicUrl: string;
  /** SHA-256 of the certificate's DER, lowercase hex, when TLS is on. */
  fingerprint?: string;
  /** One-time link to create the first administrator, when none can sign in yet. */
  setupLink?: string;
  /** Ends every connection (TANDEM_ERR_SHUTTING_DOWN), flushes the audit, closes the database. */
  close(): Promise<void>;
  /**
   * Drains, then closes: `/readyz` answers not ready, new connections and
   * every connection outside a live session are ended with
   * TANDEM_ERR_SHUTTING_DOWN, live sessions go on until they end or
   * `timeoutMs` passed; then {@link close} ends the rest as `relay-shutdown`.
   */
  drain(timeoutMs: number): Promise<void>;
  /**
   * With `tls: 'files'`: reads the certificate files again and serves the
   * new pair to new connections; resolves to its fingerprint. A pair that
   * fails to load is logged and refused (the old one stays): undefined, as
   * without certificate files.
   */
  reloadTls(): Promise<string | undefined>;
  /** Reopens the log file (after logrotate moved it). */
  reopenLog(): void;
}

/** Default failed claims per address per minute. */
export const DEFAULT_CLAIM_FAILURES_PER_MINUTE = 30;

/**
 * Default failed claims per minute from all addresses together: a scan of
 * the 1000 3-digit nameplates takes over 8 minutes, longer than a code lives.
 */
export const DEFAULT_CLAIM_FAILURES_PER_MINUTE_TOTAL = 120;

function relayVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && typeof (pkg as { version?: unknown }).version === 'string' ? (pkg as { version: string }).version : '0.0.0';
}

/** Starts a relay: HTTP API, support page, console, and rendezvous WebSocket on one port. */
export async function startRelay(options: RelayOptions): Promise<RelayHandle> {
  const { host, port } = parseListen(options.listen ?? '127.0.0.1:8443');
  const tlsMode = options.tls ?? 'self-signed';
  if (tlsMode !== 'self-signed' && tlsMode !== 'off' && tlsMode !== 'files') {
    throw new TandemError('TANDEM_ERR_BAD_INPUT', '--tls: must be self-signed, off or files');
  }
  if ((tlsMode === 'files') !== (options.tlsFiles !== undefined)) throw new TandemError('TANDEM_ERR_BAD_INPUT', 'tls: files goes with tlsFiles, and only with it');
  const tls = tlsMode !== 'off';
  const tlsFiles = options.tlsFiles;
  // Checked before anything is opened: a bad pair stops the start with its reason.
  const fromFiles = tlsFiles === undefined ? undefined : loadTlsFiles(tlsFiles);
  const helpDesk = loadHelpDesk(options.helpDesk);
  const signing: AgentSigning | undefined =
    options.agentSigning === undefined ? undefined : { ...options.agentSigning, description: options.helpDesk?.name ?? 'Tandem' };
  if (signing !== undefined) await checkAgentSigning(signing);
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const storage = await openStorage({ dataDir: options.dataDir, databaseUrl: options.databaseUrl });
  let app: FastifyInstance | undefined;
  try {
    const extraNames = options.publicUrl ? [new URL(options.publicUrl).hostname.replace(/^\[|\]$/g, '')] : [];
    const material = fromFiles ?? (tls ? await loadOrCreateCertificate(options.dataDir, [host, ...extraNames]) : undefined);
    // Read at each scrape, long after the registry below exists.
    const metrics = new RelayMetrics((): number => registry.sessions.size);
    const lifecycle = relayLifecycle();
    const audit = new AuditLog(storage, { observer: metrics });
    const tokens = new TokenStore(storage);
    const factors = new SecondFactors({ storage, audit });
    // The RP ID is the public URL's host name, read when a ceremony starts (the URL is known once the relay listens).
    const passkeys = new Passkeys({ storage, audit, relyingParty: () => ({ name: options.helpDesk?.name ?? 'Tandem', publicUrl }) });
    const policy = new SecondFactorPolicy({ storage, audit });
    const accounts = new Accounts({ storage, audit, tokens, factors, passkeys, policy, ...(options.signinLimits ? { signinLimits: options.signinLimits } : {}) });
    const registry = new SessionRegistry({
      audit,
      codeLifetimeMs: options.codeLifetimeMs ?? CODE.defaultLifetimeMs,
      claimFailuresPerMinute: options.claimFailuresPerMinute ?? DEFAULT_CLAIM_FAILURES_PER_MINUTE,
      claimFailuresPerMinuteTotal: options.claimFailuresPerMinuteTotal ?? DEFAULT_CLAIM_FAILURES_PER_MINUTE_TOTAL,
      report: (line) => process.stderr.write(`${line}\n`),
      onForwarded: (bytes) => metrics.forwarded(bytes),
    });
    const invitations = new InvitationRegistry({
      audit,
      sessions: registry,
      attemptTimeoutMs: options.attemptTimeoutMs ?? TIMEOUTS.handshakeMs,
      // Unknown tickets are throttled per address like failed claims, with the same limit.
      unknownTicketsPerMinute: options.claimFailuresPerMinute ?? DEFAULT_CLAIM_FAILURES_PER_MINUTE,
    });
    const teams = new Teams({ storage, audit });
    const frontDoor = new FrontDoor({
      state: new MemoryFrontDoorState(),
      teams,
      audit,
      inSession: (username) => [...registry.sessions.values()].some((s) => s.info.identity.username === username),
      ...(options.frontDoor ? { limits: options.frontDoor } : {}),
    });
    const trustedHops = options.trustProxyHops ?? (options.trustProxy ? 1 : 0);
    if (!Number.isInteger(trustedHops) || trustedHops < 0 || trustedHops > MAX_TRUSTED_HOPS) {
      throw new TandemError('TANDEM_ERR_BAD_INPUT', `trustProxyHops: must be an integer from 0 (no proxy) to ${MAX_TRUSTED_HOPS}`);
    }
    const connections = new Set<RendezvousConnection>();
    let publicUrl = '';

    const logTo = logDestination(options.log?.file);
    app = Fastify({
      ...loggerOptions(options.log?.level ?? 'silent', logTo),
      bodyLimit: 16 * 1024,
      // Addresses are taken in one place (clientAddress), so Fastify's own proxy handling stays off.
      trustProxy: false,
      ...(material ? { https: { key: material.key, cert: material.cert } } : {}),
    });
    installSecurityHeaders(app, () => publicUrl || DEFAULT_PUBLIC_URL);
    installErrorHandlers(app);
    installBodyTrace(app);
    await app.register(fastifyWebsocket, {
      options: { maxPayload: LIMITS.maxFrameBytes },
      // Connections are ended by close() below, each with TANDEM_ERR_SHUTTING_DOWN.
      preClose: async function (this: FastifyInstance) {
        await new Promise<void>((resolve) => this.websocketServer.close(() => resolve()));
      },
    });
    const deps = { accounts, registry, invitations, firstMessageMs: options.firstMessageMs ?? TIMEOUTS.firstMessageMs };
    app.get(RELAY_WS_PATH, { websocket: true }, (socket, req) => {
      const conn = new RendezvousConnection(socket, clientAddress(req.raw, trustedHops), deps, (c) => connections.delete(c));
      connections.add(conn);
      if (!lifecycle.is('running')) conn.fail(new TandemError('TANDEM_ERR_SHUTTING_DOWN'));
    });
    registerHealthRoutes(app, { metrics, checks: [databaseCheck(storage)], draining: () => !lifecycle.is('running'), metricsToken: options.metricsToken });
    registerApiRoutes(app, {
      accounts,
      audit,
      version: relayVersion(),
      tls,
      // Read at each request: a certificate reloaded on SIGHUP shows at once.
      get fingerprint() {
        return reloader?.fingerprint ?? material?.fingerprint;
      },
      publicUrl: () => publicUrl,
      addressOf: (req) => clientAddress(req.raw, trustedHops),
      ...(helpDesk ? { helpDesk: helpDeskInfo(helpDesk) } : {}),
    });
    registerAccountRoutes(app, {
      accounts,
      admin: new AccountAdmin({ storage, audit, tokens, accounts, factors }),
      factors,
      publicUrl: () => publicUrl,
      addressOf: (req) => clientAddress(req.raw, trustedHops),
    });
    registerSecondFactorRoutes(app, { accounts, passkeys, policy });
    registerFrontDoorRoutes(app, { accounts, frontDoor, teams, addressOf: (req) => clientAddress(req.raw, trustedHops) });
    registerAgentDownloads(app, {
      agentsDir: options.agentsDir ?? findAgentsDir(),
      dataDir: options.dataDir,
      stamp: () => ({
        relay: new URL(publicUrl).origin,
        // A certificate from files is a CA's and renews: agents verify it as browsers do, unpinned.
        ...(material && tlsFiles === undefined ? { fingerprint: material.fingerprint } : {}),
        ...(helpDesk ? { helpDesk: helpDesk.desk.name } : {}),
      }),
      report: (line) => process.stderr.write(`${line}\n`),
      ...(signing !== undefined ? { signing } : {}),
    });
    await registerSupportPage(app, findSupportPageDist(), helpDesk);
    await registerConsole(app, findConsoleDist());

    await app.listen({ host, port });
    const address = app.server.address() as AddressInfo;
    const server = app.server;
    const reloader =
      tlsFiles !== undefined && fromFiles !== undefined
        ? new TlsReloader(tlsFiles, fromFiles, (m) => (server as unknown as TlsServer).setSecureContext({ key: m.key, cert: m.cert }))
        : undefined;
    const url = originFor(tls ? 'https' : 'http', host, address.port);
    publicUrl = options.publicUrl
      ? parsePublicUrl(options.publicUrl)
      : originFor(tls ? 'https' : 'http', host === '0.0.0.0' || host === '::' ? 'localhost' : host, address.port);
    writeSavedConfig(options.dataDir, { publicUrl });
    const setupToken = await accounts.ensureFirstAdmin();

    const pingTimer = setInterval(() => {
      for (const conn of connections) {
        if (!conn.ping()) conn.fail(new TandemError('TANDEM_ERR_TIMEOUT', 'The connection stopped answering keep-alive pings.'), 'network-lost');
      }
    }, options.pingIntervalMs ?? TIMEOUTS.pingIntervalMs);
    pingTimer.unref();
    const sweepTimer = setInterval(() => {
      frontDoor.sweep().catch((err: unknown) => console.error('queue sweep failed:', err));
    }, frontDoor.sweepIntervalMs);
    sweepTimer.unref();

    const running = app;
    const log = app.log;
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> =>
      (closing ??= (async () => {
        lifecycle.to('closing');
        clearInterval(pingTimer);
        clearInterval(sweepTimer);
        registry.stop();
        invitations.stop();
        for (const conn of [...connections]) conn.fail(new TandemError('TANDEM_ERR_SHUTTING_DOWN', 'The relay is shutting down.'), 'relay-shutdown');
        await audit.flush();
        await running.close();
        await audit.flush();
        await storage.close();
        lifecycle.to('closed');
      })());

    const drain = async (timeoutMs: number): Promise<void> => {
      if (!lifecycle.is('running')) return close();
      lifecycle.to('draining');
      const live = new Set<unknown>();
      for (const session of registry.sessions.values()) live.add(session.technician).add(session.customer);
      log.info({ sessions: registry.sessions.size, timeoutMs }, 'draining: not ready, live sessions may go on');
      // Waiting technicians, ticket holders, connections still pairing: none of them can start a session now.
      for (const conn of [...connections]) if (!live.has(conn)) conn.fail(new TandemError('TANDEM_ERR_SHUTTING_DOWN', 'The relay is shutting down.'));
      const ended = await waitForSessions(() => registry.sessions.size, timeoutMs);
      log.info({ sessionsLeft: registry.sessions.size }, ended ? 'drained: every session ended' : 'drain time is up: ending the sessions left as relay-shutdown');
      return close();
    };

    const reloadTls = async (): Promise<string | undefined> => {
      if (reloader === undefined) {
        log.info('no certificate files (--tls-cert, --tls-key) to reload');
        return undefined;
      }
      try {
        const { fingerprint } = reloader.reload();
        log.info({ fingerprint }, 'TLS certificate reloaded');
        return fingerprint;
      } catch (err) {
        log.error({ err: toTandemError(err), fingerprint: reloader.fingerprint }, 'TLS certificate not reloaded: the certificate in use stays');
        return undefined;
      }
    };

    return {
      url,
      publicUrl,
      ...(material ? { fingerprint: material.fingerprint } : {}),
      ...(setupToken ? { setupLink: setupLinkUrl(publicUrl, setupToken) } : {}),
      close,
      drain,
      reloadTls,
      reopenLog: () => logTo.reopen(),
    };
  } catch (err) {
    await app?.close();
    await storage.close();
    throw err;
  }
}
