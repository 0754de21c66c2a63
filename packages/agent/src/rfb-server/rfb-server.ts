import { createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { assertInteger, assertString, assertThat, type TandemError } from '@tandem/protocol';
import type { DesktopSource } from '../desktop/desktop-source.js';
import type { JpegEncoder, RectEncoder } from './encoders/encoder.js';
import { defaultEncoders } from './encoders/registry.js';
import { createSharpJpegEncoder } from './jpeg/sharp-jpeg-encoder.js';
import { RfbServerConnection } from './rfb-server-connection.js';

/** Options shared by {@link serveRfb} and {@link startRfbServer}. */
export interface RfbServeOptions {
  desktop: DesktopSource;
  /** VNC password; omitted means no authentication (only for channels that are already authenticated). */
  password?: string;
  name?: string;
  inputAllowed?: boolean;
  /** Tight's JPEG encoder; omitted: sharp ({@link createSharpJpegEncoder}); null: Tight stays lossless. */
  jpeg?: JpegEncoder | null;
  encoders?: ReadonlyMap<number, RectEncoder>;
  onClose?: (err: TandemError | null) => void;
}

/** Serves RFB on any duplex byte channel (the encrypted session's rfb channel, a socket). */
export function serveRfb(channel: Duplex, opts: RfbServeOptions): RfbServerConnection {
  if (opts.password !== undefined) assertString(opts.password, 'password', 1024, 1);
  return new RfbServerConnection(channel, {
    desktop: opts.desktop,
    encoders: opts.encoders ?? defaultEncoders(),
    password: opts.password,
    name: opts.name,
    inputAllowed: opts.inputAllowed,
    jpeg: opts.jpeg === undefined ? createSharpJpegEncoder() : opts.jpeg,
    onClose: opts.onClose,
  });
}

/** A running TCP RFB server. */
export interface RfbTcpServer {
  /** The bound address. */
  host: string;
  port: number;
  /** Live connections. */
  connections(): readonly RfbServerConnection[];
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/** Listens for RFB clients on TCP (`tandem join --rfb-listen`, tests); VNC password required. */
export async function startRfbServer(opts: RfbServeOptions & { listen: { host: string; port: number } }): Promise<RfbTcpServer> {
  assertString(opts.listen.host, 'listen.host', 255, 1);
  assertInteger(opts.listen.port, 'listen.port', 0, 65535);
  assertThat(opts.password !== undefined, 'password', 'is required on a TCP listener');
  const live = new Set<RfbServerConnection>();
  const server: Server = createServer((socket: Socket) => {
    socket.setNoDelay(true);
    const conn = serveRfb(socket, {
      ...opts,
      onClose: (err) => {
        live.delete(conn);
        opts.onClose?.(err);
      },
    });
    live.add(conn);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.listen.port, opts.listen.host, () => resolve());
  });
  const addr = server.address();
  assertThat(addr !== null && typeof addr === 'object', 'server.address()', 'must be bound');
  return {
    host: addr.address,
    port: addr.port,
    connections: () => [...live],
    close: () => new Promise<void>((resolve) => {
      for (const c of live) c.close();
      server.close(() => resolve());
    }),
  };
}
