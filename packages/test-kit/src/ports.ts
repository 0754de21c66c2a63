/** Loopback ports for tests: a free one, waiting until something listens, one where nothing does. */
import { connect, createServer } from 'node:net';
import { listeningPort } from './black-hole.js';
import { sleep } from './wait.js';

/** A loopback port free at the time of asking (for servers that cannot pick their own, such as x11vnc). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = listeningPort(s);
      s.close(() => resolve(port));
    });
  });
}

/** Waits until something accepts connections on loopback `port`; fails after `ms`. */
export async function waitPort(port: number, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port}`);
    await sleep(100);
  }
}

/** A loopback URL where nothing listens (connections are refused). */
export async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}
