/**
 * Squid from Debian (`squid-openssl`, for ssl-bump) as a test's HTTP proxy,
 * in a {@link NetNamespace}: CONNECT to any port, optionally Basic
 * authentication (basic_ncsa_auth over an htpasswd file made with openssl)
 * or TLS interception (ssl-bump with a CA the test makes, re-signing every
 * server's certificate as a corporate inspection proxy does). It runs as
 * its user `proxy`, the one user the namespace's filter lets reach the
 * relay.
 */
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { NetNamespace } from './net-namespace.js';
import type { Proc } from './process.js';

/** The user squid runs as on Debian. */
export const SQUID_USER = 'proxy';

/** How the proxy behaves. */
export interface SquidOptions {
  /** Its port on the namespace's loopback. */
  port: number;
  /** Ask for Basic authentication and accept this one user. */
  basicAuth?: { user: string; password: string };
  /** Ask for NTLM authentication only (squid's `ntlm_fake_auth`, which accepts anyone who completes the handshake). */
  ntlmOnly?: boolean;
  /** Intercept TLS with a CA of its own (made in `dir`). */
  sslBump?: boolean;
}

/** A running squid. */
export class Squid {
  readonly port: number;
  readonly dir: string;
  readonly #proc: Proc;

  private constructor(port: number, dir: string, proc: Proc) {
    this.port = port;
    this.dir = dir;
    this.#proc = proc;
  }

  /** Writes the configuration into `dir` (made for the proxy user), starts squid in `ns`, and waits until it accepts connections. */
  static async start(ns: NetNamespace, dir: string, o: SquidOptions): Promise<Squid> {
    mkdirSync(dir, { recursive: true });
    const uid = Number(execFileSync('id', ['-u', SQUID_USER], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', SQUID_USER], { encoding: 'utf8' }).trim());
    // squid's workers run as the proxy user: its folder, logs and files must be theirs.
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o755);
    const lines = [
      `http_port 127.0.0.1:${o.port}${o.sslBump === true ? ` ssl-bump generate-host-certificates=on dynamic_cert_mem_cache_size=4MB tls-cert=${join(dir, 'ca.pem')} tls-key=${join(dir, 'ca.key')}` : ''}`,
      `pid_filename ${join(dir, 'squid.pid')}`,
      `cache_log ${join(dir, 'cache.log')}`,
      `access_log stdio:${join(dir, 'access.log')}`,
      `coredump_dir ${dir}`,
      `cache_effective_user ${SQUID_USER}`,
      'cache deny all',
      'shutdown_lifetime 0 seconds',
      'acl local src 127.0.0.1/32',
    ];
    if (o.basicAuth !== undefined) {
      const hash = execFileSync('openssl', ['passwd', '-apr1', o.basicAuth.password], { encoding: 'utf8' }).trim();
      writeFileSync(join(dir, 'passwd'), `${o.basicAuth.user}:${hash}\n`, { mode: 0o644 });
      lines.push(
        `auth_param basic program /usr/lib/squid/basic_ncsa_auth ${join(dir, 'passwd')}`,
        'auth_param basic realm Tandem test proxy',
        'acl signed_in proxy_auth REQUIRED',
        'http_access allow local signed_in',
      );
    } else if (o.ntlmOnly === true) {
      lines.push(
        'auth_param ntlm program /usr/lib/squid/ntlm_fake_auth',
        'auth_param ntlm children 2',
        'acl signed_in proxy_auth REQUIRED',
        'http_access allow local signed_in',
      );
    } else {
      lines.push('http_access allow local');
    }
    lines.push('http_access deny all');
    if (o.sslBump === true) {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=Tandem Test Inspection CA',
        '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
        '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem')], { stdio: 'ignore' });
      for (const f of ['ca.key', 'ca.pem']) chownSync(join(dir, f), uid, gid);
      const db = join(dir, 'ssl_db');
      execFileSync('/usr/lib/squid/security_file_certgen', ['-c', '-s', db, '-M', '4MB'], { stdio: 'ignore' });
      execFileSync('chown', ['-R', `${uid}:${gid}`, db]);
      lines.push(
        `sslcrtd_program /usr/lib/squid/security_file_certgen -s ${db} -M 4MB`,
        'sslcrtd_children 2 startup=1 idle=1',
        // The relay's self-signed certificate is accepted upstream: the point is what the client downstream sees.
        'tls_outgoing_options flags=DONT_VERIFY_PEER',
        'sslproxy_cert_error allow all',
        'acl step1 at_step SslBump1',
        'ssl_bump peek step1',
        'ssl_bump bump all',
      );
    }
    writeFileSync(join(dir, 'squid.conf'), `${lines.join('\n')}\n`, { mode: 0o644 });
    const proc = ns.start(`squid:${o.port}`, '/usr/sbin/squid', ['-N', '-d', '1', '-f', join(dir, 'squid.conf')]);
    await proc.waitFor(/Accepting (?:SSL bumped )?HTTP Socket connections at/, 30_000, 'err');
    return new Squid(o.port, dir, proc);
  }

  /** `http://127.0.0.1:PORT`, with credentials when given. */
  url(credentials?: { user: string; password: string }): string {
    return `http://${credentials !== undefined ? `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@` : ''}127.0.0.1:${this.port}`;
  }

  /** Its access log so far (one line per request: the CONNECTs it carried). */
  accessLog(): string {
    try {
      return readFileSync(join(this.dir, 'access.log'), 'utf8');
    } catch {
      // Nothing logged yet: squid creates the file on its first request.
      return '';
    }
  }

  /** Stops squid (the namespace's teardown would too). */
  stop(): void {
    this.#proc.kill('SIGKILL');
  }
}
