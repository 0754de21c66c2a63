import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { CONSOLE_PATH } from '@tandem/protocol';

/**
 * Content-Security-Policy for everything the relay serves: only its own
 * scripts, styles and connections, never framed. WebSockets may go to the
 * relay only: `'self'` (CSP Level 3 lets it match ws: and wss: on the page's
 * own host and port, which Chromium does, as the console's browser test
 * checks, so the relay works under any name it is reached by) and the exact
 * ws(s) origin of its public URL, never `ws:`/`wss:` at large, which would let
 * an injected script send a session anywhere.
 */
export function contentSecurityPolicy(publicUrl: string): string {
  const url = new URL(publicUrl);
  const wsOrigin = `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}`;
  return [
    "default-src 'self'",
    `connect-src 'self' ${wsOrigin}`,
    "img-src 'self' data: blob:",
    "style-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Adds the security headers to every response; `publicUrl` is read when a response goes out (known once listening). */
export function installSecurityHeaders(app: FastifyInstance, publicUrl: () => string): void {
  app.addHook('onSend', async (_req, reply) => {
    void reply.header('content-security-policy', contentSecurityPolicy(publicUrl()));
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'no-referrer');
    void reply.header('x-frame-options', 'DENY');
    void reply.header('cross-origin-opener-policy', 'same-origin');
    void reply.header('cross-origin-resource-policy', 'same-origin');
    void reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
  });
}

/** A workspace package's built web files (its dist/ with an index.html), or undefined when the package or its build is missing. */
export function findBuiltPage(packageName: string): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve(`${packageName}/package.json`);
    const dist = join(dirname(pkg), 'dist');
    return existsSync(join(dist, 'index.html')) ? dist : undefined;
  } catch {
    // The package is not installed: the relay still serves its API.
    return undefined;
  }
}

/** The console's built files, or undefined when the package or its dist/ is missing. */
export function findConsoleDist(): string | undefined {
  return findBuiltPage('@tandem/console');
}

/** The plain page the relay answers where a web app it serves was not built. */
export function notBuiltPage(what: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tandem relay</title></head>
<body><h1>Tandem relay</h1><p>${what} was not built. Run <code>npm run build</code> and restart the relay.</p></body></html>
`;
}

/**
 * Serves the console at {@link CONSOLE_PATH} (`/console/`, its index.html and
 * assets; `/console` redirects there), or a plain page saying it was not
 * built. Its routes are hash routes (`/console/#/signin`), so no deep path
 * needs a fallback; links to the old address (`ORIGIN/#/…`) are forwarded by
 * the support page at `/`, since only the browser sees a fragment.
 */
export async function registerConsole(app: FastifyInstance, dist: string | undefined): Promise<void> {
  app.get(CONSOLE_PATH.slice(0, -1), async (_req, reply) => reply.redirect(CONSOLE_PATH, 308));
  if (dist === undefined) {
    app.get(CONSOLE_PATH, async (_req, reply) => reply.type('text/html; charset=utf-8').send(notBuiltPage('The console')));
    return;
  }
  await app.register(fastifyStatic, { root: dist, prefix: CONSOLE_PATH, index: 'index.html', wildcard: true, dotfiles: 'deny', decorateReply: false });
}
