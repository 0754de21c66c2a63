/**
 * A corporate network in a box for the proxy tests (issue 12): a
 * {@link NetNamespace} with the relay (HTTPS, self-signed, pinned by both
 * clients) on a port that only squid's user may reach, squid proxies as a
 * test asks for them, a PAC script served over HTTP, and the technician's
 * client and the customer's agent started inside it with the environment a
 * test gives them. One teardown ends everything and removes every folder.
 */
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';
import { NetNamespace } from './net-namespace.js';
import type { Proc } from './process.js';
import { runCli } from './relay-process.js';
import { PASSWORD } from './relay-api.js';
import { RELAY_BIN, TANDEM_BIN, assertBuilt } from './repo-paths.js';
import { NGINX_USER, startNginx } from './nginx.js';
import { SQUID_USER, Squid, type SquidOptions } from './squid.js';
import { tempDir } from './temp-dir.js';

/** The relay's port in the namespace (nginx's, when it is in front). */
export const LAB_RELAY_PORT = 8443;
/** The relay's own plain-HTTP port behind nginx. */
export const LAB_UPSTREAM_PORT = 8081;

/** No proxy from the test's own environment leaks into the lab's processes. */
const NO_PROXY_ENV: NodeJS.ProcessEnv = Object.fromEntries(
  ['HTTPS_PROXY', 'HTTP_PROXY', 'ALL_PROXY', 'NO_PROXY'].flatMap((n) => [[n, ''], [n.toLowerCase(), '']]),
);

/** The lab. */
export class ProxyLab {
  #dir: string | undefined;
  #ns: NetNamespace | undefined;
  #fingerprint: string | undefined;
  readonly #squids: Squid[] = [];

  /** The lab's folder, made on first use (a suite that never starts makes none). */
  get dir(): string {
    if (this.#dir === undefined) {
      this.#dir = tempDir('tandem-proxy-lab-');
      // Squid's and nginx's users must pass through to their own folders inside.
      chmodSync(this.#dir, 0o711);
    }
    return this.#dir;
  }

  /** The namespace. */
  get ns(): NetNamespace {
    if (this.#ns === undefined) throw new Error('the proxy lab is not started');
    return this.#ns;
  }

  /** `https://127.0.0.1:8443`. */
  get relayUrl(): string {
    return `https://127.0.0.1:${LAB_RELAY_PORT}`;
  }

  /** The relay certificate's fingerprint as it printed it. */
  get fingerprint(): string {
    if (this.#fingerprint === undefined) throw new Error('the proxy lab is not started');
    return this.#fingerprint;
  }

  /**
   * Makes the namespace, starts the relay, adds a technician `mori`, and
   * (unless `direct` is true) lets only squid's user reach the relay's port;
   * with `behindNginx`, the relay runs `--tls off --trust-proxy` behind
   * nginx on the lab's port, and only nginx's user reaches the relay.
   * Returns the technician's password file.
   */
  async start(options: { direct?: boolean; behindNginx?: boolean } = {}): Promise<string> {
    assertBuilt('relay');
    assertBuilt('cli');
    this.#ns = await NetNamespace.create('tandem-proxy');
    const data = join(this.dir, 'relay');
    // Behind nginx the relay speaks plain HTTP on its own port and nginx terminates TLS on the lab's.
    const relayPort = options.behindNginx === true ? LAB_UPSTREAM_PORT : LAB_RELAY_PORT;
    const tls = options.behindNginx === true ? ['--tls', 'off', '--trust-proxy'] : ['--tls', 'self-signed'];
    const relay = this.ns.start('relay', process.execPath, [RELAY_BIN, 'start', '--data', data, '--listen', `127.0.0.1:${relayPort}`, ...tls]);
    await relay.waitFor(/^listening: /, 30_000);
    this.#fingerprint = options.behindNginx === true
      ? await startNginx(this.ns, join(this.dir, 'nginx'), LAB_RELAY_PORT, LAB_UPSTREAM_PORT)
      : relay.lines.find((l) => l.startsWith('fingerprint: '))?.slice('fingerprint: '.length);
    const pwFile = join(this.dir, 'mori.pw');
    writeFileSync(pwFile, `${PASSWORD}\n`, { mode: 0o600 });
    const added = await runCli(['user', 'add', 'mori', '--role', 'technician', '--data', data, '--password-file', pwFile]);
    if (added.code !== 0) throw new Error(`user add mori failed: ${added.stderr}`);
    if (options.behindNginx === true) await this.ns.onlyUserReaches(LAB_UPSTREAM_PORT, NGINX_USER);
    else if (options.direct !== true) await this.ns.onlyUserReaches(LAB_RELAY_PORT, SQUID_USER);
    return pwFile;
  }

  /** Starts a squid in the namespace with its folder under the lab's. */
  async squid(options: SquidOptions): Promise<Squid> {
    const squid = await Squid.start(this.ns, join(this.dir, `squid-${options.port}`), options);
    this.#squids.push(squid);
    return squid;
  }

  /** Serves `script` as `http://127.0.0.1:PORT/proxy.pac` in the namespace; returns its address. */
  async servePac(port: number, script: string): Promise<string> {
    const path = join(this.dir, `proxy-${port}.pac`);
    writeFileSync(path, script);
    const server = [
      "const fs = require('node:fs');",
      "require('node:http').createServer((req, res) => {",
      "  res.writeHead(200, { 'content-type': 'application/x-ns-proxy-autoconfig' });",
      '  res.end(fs.readFileSync(process.env.PAC_FILE));',
      `}).listen(${port}, '127.0.0.1', () => console.log('listening'));`,
    ].join('\n');
    const p = this.ns.start(`pac:${port}`, process.execPath, ['-e', server], { PAC_FILE: path });
    await p.waitFor(/^listening$/);
    return `http://127.0.0.1:${port}/proxy.pac`;
  }

  /** `tandem tech session` for mori, pinned, with `env` (its proxy) and `extra` arguments. */
  tech(pwFile: string, env: NodeJS.ProcessEnv, extra: string[] = []): Proc {
    return this.ns.start('tech', process.execPath, [TANDEM_BIN, 'tech', 'session', '--relay', this.relayUrl, '--relay-fingerprint', this.fingerprint, '--user', 'mori', '--password-file', pwFile, ...extra], {
      ...NO_PROXY_ENV,
      ...env,
    });
  }

  /** `tandem join CODE --no-browser`, pinned, with `env` (its home, its proxy) and `extra` arguments. */
  join(code: string, env: NodeJS.ProcessEnv, extra: string[] = []): Proc {
    return this.agent([code, '--no-browser', ...extra], env);
  }

  /** `tandem join ARGS`, pinned to the lab's relay, with `env` (its home, its proxy, its `$BROWSER`). */
  agent(args: string[], env: NodeJS.ProcessEnv): Proc {
    return this.ns.start('agent', process.execPath, [TANDEM_BIN, 'join', ...args, '--relay', this.relayUrl, '--relay-fingerprint', this.fingerprint], {
      ...NO_PROXY_ENV,
      ...env,
    });
  }

  /**
   * Chromium inside the namespace, so it reaches the agent's local page
   * there: Playwright talks to it over a pipe, which `ip netns exec`
   * (exec'ing Chromium) keeps. The caller closes it.
   */
  chromium(): Promise<Browser> {
    const launcher = join(this.dir, 'chromium-in-lab.sh');
    writeFileSync(launcher, `#!/bin/sh\nexec ip netns exec '${this.ns.name}' '${CHROMIUM_PATH}' "$@"\n`, { mode: 0o755 });
    return chromium.launch({ executablePath: launcher, args: CHROMIUM_ARGS });
  }

  /** Ends every process, removes the namespace and the folders. */
  async stop(): Promise<void> {
    for (const s of this.#squids) s.stop();
    await this.#ns?.destroy();
    if (this.#dir !== undefined) rmSync(this.#dir, { recursive: true, force: true });
  }
}
