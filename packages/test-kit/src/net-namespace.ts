/**
 * A network namespace of a test's own (`ip netns add`, loopback only): the
 * processes a test starts in it see no network but each other, and a packet
 * filter (iptables' owner match) decides which of them may reach a port, so
 * a test can make "only the proxy reaches the relay" true rather than
 * assumed. Root only (the tests run as root; scripts/test.mjs installs
 * iptables).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Proc, runProcess, type ProcessResult } from './process.js';

/** Where `ip netns exec NAME` finds the files it bind-mounts over `/etc` (ip-netns(8)). */
const NETNS_ETC = '/etc/netns';

/** One namespace; {@link destroy} removes it and ends what runs in it. */
export class NetNamespace {
  readonly name: string;
  readonly #procs: Proc[] = [];

  private constructor(name: string) {
    this.name = name;
  }

  /** Makes a namespace with its loopback up. */
  static async create(prefix = 'tandem'): Promise<NetNamespace> {
    const ns = new NetNamespace(`${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
    await must(runProcess('ip', ['netns', 'add', ns.name]), 'ip netns add');
    try {
      await ns.run('ip', ['link', 'set', 'lo', 'up']);
    } catch (err) {
      await ns.destroy();
      throw err;
    }
    return ns;
  }

  /** Runs a program in the namespace to its end; rejects when it fails. */
  run(cmd: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<ProcessResult> {
    return must(runProcess('ip', ['netns', 'exec', this.name, cmd, ...args], { timeoutMs: 20_000, ...(env !== undefined ? { env } : {}) }), `${cmd} ${args.join(' ')}`);
  }

  /** Starts a process in the namespace (`ip netns exec` execs it: the pid is the program's), ended with {@link destroy}. */
  start(name: string, cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, options: { cwd?: string } = {}): Proc {
    const p = new Proc(name, 'ip', ['netns', 'exec', this.name, cmd, ...args], env, options);
    this.#procs.push(p);
    return p;
  }

  /**
   * Gives the processes started in the namespace from now on their own
   * `/etc/NAME` (`hosts`, `resolv.conf`): `ip netns exec` bind-mounts
   * `/etc/netns/NAMESPACE/NAME` over it (ip-netns(8)), so a test can give
   * them a DNS domain and names of its own without touching the machine's.
   */
  etcFile(name: 'hosts' | 'resolv.conf', content: string): void {
    const dir = join(NETNS_ETC, this.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, name), content);
  }

  /**
   * Lets only `user`'s processes open TCP connections to `port` on
   * loopback: everybody else's SYN is refused (REJECT, so a blocked client
   * fails at once instead of waiting out its timeout).
   */
  async onlyUserReaches(port: number, user: string): Promise<void> {
    await this.run('iptables', ['-A', 'OUTPUT', '-o', 'lo', '-p', 'tcp', '--dport', String(port), '-m', 'owner', '!', '--uid-owner', user, '-j', 'REJECT', '--reject-with', 'tcp-reset']);
  }

  /** Waits until something in the namespace accepts TCP connections on `port` (at most 20 s). */
  async waitForPort(port: number, late: () => string): Promise<void> {
    const probe = `const net = require('node:net'); const end = Date.now() + 20000;
      (function attempt() { const s = net.connect(${port}, '127.0.0.1', () => { s.destroy(); process.exit(0); });
        s.on('error', () => { if (Date.now() > end) process.exit(1); setTimeout(attempt, 100); }); })();`;
    const r = await runProcess('ip', ['netns', 'exec', this.name, process.execPath, '-e', probe], { timeoutMs: 25_000 });
    if (r.code !== 0) throw new Error(late());
  }

  /**
   * Ends every process started in it and every process still in it (nginx's
   * workers and squid's helpers outlive a killed master), then removes the
   * namespace.
   */
  async destroy(): Promise<void> {
    for (const p of this.#procs) p.kill('SIGKILL');
    await Promise.all(this.#procs.map((p) => p.exited));
    const left = await runProcess('ip', ['netns', 'pids', this.name]);
    for (const pid of left.stdout.split(/\s+/).filter((p) => /^\d+$/.test(p))) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch (err) {
        // Gone meanwhile: nothing to end.
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
      }
    }
    await runProcess('ip', ['netns', 'del', this.name]);
    rmSync(join(NETNS_ETC, this.name), { recursive: true, force: true });
  }
}

async function must(p: Promise<ProcessResult>, what: string): Promise<ProcessResult> {
  const r = await p;
  if (r.code !== 0 || r.timedOut) throw new Error(`${what} failed (${r.timedOut ? 'timed out' : `exit ${r.code}`}): ${r.stderr}`);
  return r;
}
