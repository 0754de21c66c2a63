import { describe, expect, it } from 'vitest';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { loopbackPeerUid, sameUserPeerCheck } from './loopback-peer.js';

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const line = (n: number, local: string, remote: string, uid: number): string =>
  `   ${n}: ${local} ${remote} 01 00000000:00000000 00:00000000 00000000 ${String(uid).padStart(5)}        0 ${1000 + n} 1 0000000000000000 20 4 30 10 -1\n`;

describe('loopbackPeerUid', () => {
  // Server on 127.0.0.1:8080 (0x1F90); clients from ports 40000 (0x9C40) and 40001 (0x9C41).
  const table =
    HEADER +
    line(0, '0100007F:1F90', '00000000:0000', 1000) +
    line(1, '0100007F:1F90', '0100007F:9C40', 1000) +
    line(2, '0100007F:9C40', '0100007F:1F90', 1001) +
    line(3, '7F000001:9C41', '7F000001:1F90', 1000) +
    line(4, '0A000001:9C42', '0100007F:1F90', 1000);

  it("finds the owner of the connection's client end, in either byte order", () => {
    expect(loopbackPeerUid(table, 8080, 40000)).toBe(1001);
    expect(loopbackPeerUid(table, 8080, 40001)).toBe(1000);
  });

  it('finds nothing for an unknown connection, a non-loopback address or a damaged table', () => {
    expect(loopbackPeerUid(table, 8080, 40005)).toBeUndefined();
    expect(loopbackPeerUid(table, 8081, 40000)).toBeUndefined();
    expect(loopbackPeerUid(table, 8080, 40002)).toBeUndefined();
    expect(loopbackPeerUid('', 8080, 40000)).toBeUndefined();
    expect(loopbackPeerUid(HEADER + '   0: garbage\n   1: 0100007F:9C40 0100007F:1F90 01 x x x x\n', 8080, 40000)).toBeUndefined();
  });
});

describe('sameUserPeerCheck', () => {
  it('checks nothing where the kernel does not say who owns a socket', () => {
    expect(sameUserPeerCheck('darwin', 1000)).toBeUndefined();
    expect(sameUserPeerCheck('win32', undefined)).toBeUndefined();
    expect(sameUserPeerCheck('linux', 1000, '/nonexistent/proc/net/tcp')).toBeUndefined();
  });

  // /proc/net/tcp says who owns a socket only on Linux; on other systems the check is undefined (the test above), and this one says why it skips.
  it("on Linux, takes this user's own loopback connection and refuses it for another user id", async (ctx) => {
    if (process.platform !== 'linux') {
      const why = `SKIPPED on ${process.platform}: only Linux's /proc/net/tcp names a socket's owner`;
      console.warn(why);
      ctx.skip(why);
    }
    const accepted: Socket[] = [];
    const server = createServer((socket) => accepted.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    await expect.poll(() => accepted.length).toBe(1);
    const socket = accepted[0] as Socket;
    try {
      const uid = process.getuid?.() ?? -1;
      expect(sameUserPeerCheck('linux', uid)?.(socket)).toBe(true);
      expect(sameUserPeerCheck('linux', uid + 1)?.(socket)).toBe(false);
    } finally {
      client.destroy();
      socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
