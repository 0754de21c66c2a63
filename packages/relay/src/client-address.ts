import type { IncomingMessage } from 'node:http';

/** Most reverse proxies `--trust-proxy-hops` may name; more is a configuration mistake. */
export const MAX_TRUSTED_HOPS = 10;

/**
 * The client's address: the socket's remote address, or behind
 * `trustedHops` reverse proxies the address the outermost of them saw.
 *
 * Each proxy appends the address of its own peer to X-Forwarded-For, so the
 * entries left of the ones our proxies appended are whatever the client
 * chose to send and prove nothing (RFC 7239 §5.2 and §8.3 say the same of
 * Forwarded). With N trusted hops the client is the Nth entry from the right;
 * a header with fewer entries came through fewer of our proxies, and its
 * left-most entry is then still one a trusted proxy appended. `trustedHops`
 * 0 ignores the header altogether: without a proxy in front anyone can send
 * it. Several X-Forwarded-For headers count as one list (Node joins them with
 * ", " in arrival order, as proxies do). IPv4-mapped IPv6 is shown as plain
 * IPv4.
 */
export function clientAddress(req: IncomingMessage, trustedHops: number): string {
  if (trustedHops > 0) {
    const header = req.headers['x-forwarded-for'];
    const entries = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    const appended = entries[Math.max(0, entries.length - trustedHops)];
    if (appended !== undefined) return normalise(appended).slice(0, 64);
  }
  return normalise(req.socket.remoteAddress ?? 'unknown');
}

function normalise(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
