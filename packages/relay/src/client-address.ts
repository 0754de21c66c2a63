import type { IncomingMessage } from 'node:http';

/**
 * The client's address: the socket's remote address, or with `trustProxy`
 * the first (client-most) hop of X-Forwarded-For (RFC 7239 §5.2 describes the
 * same order for Forwarded). IPv4-mapped IPv6 is shown as plain IPv4.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const header = req.headers['x-forwarded-for'];
    const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim();
    if (first) return normalise(first).slice(0, 64);
  }
  return normalise(req.socket.remoteAddress ?? 'unknown');
}

function normalise(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
