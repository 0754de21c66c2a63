/**
 * nginx from Debian as the TLS-terminating reverse proxy in front of a relay
 * started with `--tls off --trust-proxy` (README, "Behind a reverse
 * proxy"), in a {@link NetNamespace}: its own self-signed certificate (made
 * with openssl) and the WebSocket upgrade passed on. Its workers run as
 * `www-data`, the one user a test lets reach the relay's port.
 */
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import type { NetNamespace } from './net-namespace.js';

/** The user nginx's workers run as on Debian. */
export const NGINX_USER = 'www-data';

/** The site configuration the README documents, for a relay on `upstream`. */
export function nginxSite(o: { listen: string; upstream: string; cert: string; key: string }): string {
  return `map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
  }
  server {
    listen ${o.listen} ssl;
    ssl_certificate     ${o.cert};
    ssl_certificate_key ${o.key};
    location / {
      proxy_pass http://${o.upstream};
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_read_timeout 1h;
      proxy_buffering off;
    }
  }`;
}

/** Starts nginx in `ns` on `127.0.0.1:port` for the relay on `127.0.0.1:upstreamPort`; resolves with its certificate's fingerprint (64 hex digits). */
export async function startNginx(ns: NetNamespace, dir: string, port: number, upstreamPort: number): Promise<string> {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const uid = Number(execFileSync('id', ['-u', NGINX_USER], { encoding: 'utf8' }).trim());
  // nginx's temporary folders must be its workers'.
  for (const t of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
    mkdirSync(join(dir, t));
    chownSync(join(dir, t), uid, 0);
  }
  const conf = `user ${NGINX_USER};
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events {}
http {
  access_log ${join(dir, 'access.log')};
  client_body_temp_path ${join(dir, 'body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  ${nginxSite({ listen: `127.0.0.1:${port}`, upstream: `127.0.0.1:${upstreamPort}`, cert, key })}
}
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const proc = ns.start('nginx', '/usr/sbin/nginx', ['-e', join(dir, 'error.log'), '-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;']);
  await ns.waitForPort(port, () => `nginx did not listen: ${proc.stderrLines.join('\n')}`);
  return new X509Certificate(readFileSync(cert)).fingerprint256.replace(/:/g, '').toLowerCase();
}
