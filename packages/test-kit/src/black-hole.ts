/** A relay address that swallows connections: a TCP server that accepts and never answers. */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** A local TCP server that accepts connections and never answers (a black hole), counting connections. */
export class BlackHole {
  readonly server: Server;
  connections = 0;
  port = 0;
  readonly #sockets = new Set<Socket>();

  constructor() {
    this.server = createServer((socket) => {
      this.connections++;
      this.#sockets.add(socket);
      // A client giving up (reset) is what a black hole expects; nothing to report.
      socket.on('error', () => undefined);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  /** Listens on a free loopback port; resolves with the URL. */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.port = listeningPort(this.server);
    return `http://127.0.0.1:${this.port}`;
  }

  /** Drops every connection and stops listening. */
  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The port `server` (a net, http or WebSocket server) listens on; it must be listening on TCP. */
export function listeningPort(server: { address(): AddressInfo | string | null }): number {
  const address: AddressInfo | string | null = server.address();
  if (address === null || typeof address === 'string') throw new Error(`not listening on a TCP port: ${String(address)}`);
  return address.port;
}
