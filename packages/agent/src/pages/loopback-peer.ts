/**
 * Who is on the other end of a loopback connection to the page (Linux).
 *
 * Every local user can connect to 127.0.0.1, and the page's launch link has
 * to pass through a browser's command line, which every local user can read
 * (/proc/PID/cmdline). On Linux the kernel also tells every local user which
 * user owns each TCP socket (/proc/net/tcp, the `uid` column: the user that
 * created the socket), and a loopback connection has both of its ends in this
 * network namespace, so the page can refuse a connection whose client end
 * belongs to another user before it reads a byte of it: another user then
 * gains nothing from the link, not even by using it before the browser does.
 * The customer's own processes are the customer's (they could read the
 * agent's memory anyway).
 *
 * proc(5): each line is `sl local_address rem_address st tx_queue:rx_queue
 * tr:tm->when retrnsmt uid timeout inode ...`, addresses as `HEXIP:HEXPORT`
 * (the IPv4 address as the kernel's 32-bit value in host byte order: 127.0.0.1
 * is `0100007F` on little-endian machines, `7F000001` on big-endian ones).
 */
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';

const LOOPBACK = new Set(['0100007F', '7F000001']);

function parseAddress(field: string): { ip: string; port: number } | undefined {
  const [ip, port] = field.split(':');
  if (ip === undefined || port === undefined || !/^[0-9A-F]{8}$/i.test(ip) || !/^[0-9A-F]{4}$/i.test(port)) return undefined;
  return { ip: ip.toUpperCase(), port: Number.parseInt(port, 16) };
}

/**
 * The user id owning the client end of the loopback connection from
 * `clientPort` to `serverPort`, read from a /proc/net/tcp table; undefined
 * when the table has no such socket.
 */
export function loopbackPeerUid(table: string, serverPort: number, clientPort: number): number | undefined {
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = parseAddress(fields[1] ?? '');
    const remote = parseAddress(fields[2] ?? '');
    const uid = fields[7] ?? '';
    if (local === undefined || remote === undefined || !/^[0-9]+$/.test(uid)) continue;
    if (local.port === clientPort && remote.port === serverPort && LOOPBACK.has(local.ip) && LOOPBACK.has(remote.ip)) return Number(uid);
  }
  return undefined;
}

/** Decides whether a connection to the page may be served. */
export type PeerCheck = (socket: Socket) => boolean;

/**
 * Linux: only connections whose client end belongs to this process's user
 * (the customer); a connection whose owner cannot be found (or a table that
 * cannot be read any more) is refused too. Undefined, no check, elsewhere and
 * where /proc/net/tcp cannot be read at all (docs/security.md §9
 * says what that leaves).
 */
export function sameUserPeerCheck(platform: NodeJS.Platform = process.platform, uid: number | undefined = process.getuid?.(), tablePath = '/proc/net/tcp'): PeerCheck | undefined {
  if (platform !== 'linux' || uid === undefined) return undefined;
  const read = (): string | undefined => {
    try {
      return readFileSync(tablePath, 'utf8');
    } catch {
      // No table (no /proc in this environment): the caller decides what that means.
      return undefined;
    }
  };
  if (read() === undefined) return undefined;
  return (socket) => {
    const { localPort, remotePort } = socket;
    const table = read();
    if (localPort === undefined || remotePort === undefined || table === undefined) return false;
    return loopbackPeerUid(table, localPort, remotePort) === uid;
  };
}
