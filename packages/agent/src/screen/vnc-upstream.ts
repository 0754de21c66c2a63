/**
 * The agent as an RFB client of a VNC server already running on the
 * customer's machine (bridge mode): ProtocolVersion 3.8, 3.7 or 3.3
 * (RFC 6143 §7.1.1), security None or VNC Authentication (§7.2.1-7.2.2),
 * ClientInit with shared=1 (§7.3.1), ServerInit (§7.3.2).
 */
import { connect, type Socket } from 'node:net';
import { TandemError } from '@tandem/protocol';
import { ByteQueue, PROTOCOL_VERSION_BYTES, SECURITY, clientVersionFor, parseProtocolVersion, protocolVersion, vncResponse, type RfbMinorVersion } from '@tandem/rfb';

/** Where and how to reach the VNC server. */
export interface VncUpstreamOptions {
  host: string;
  port: number;
  password?: string;
  /** Connect and handshake deadline, ms (default 10 s). */
  timeoutMs?: number;
}

/** A VNC server connection after ServerInit. */
export interface VncUpstream {
  socket: Socket;
  /** The ServerInit message exactly as the server sent it. */
  serverInit: Uint8Array;
  width: number;
  height: number;
  name: string;
  /** Bytes the server sent after ServerInit, read along with it. */
  leftover: Uint8Array;
}

/** Connects to the VNC server and completes the handshake; rejects with a clear TandemError. */
export async function connectVncUpstream(opts: VncUpstreamOptions): Promise<VncUpstream> {
  const where = `the VNC server at ${opts.host}:${opts.port}`;
  const socket = connect({ host: opts.host, port: opts.port });
  socket.setNoDelay(true);
  const q = new ByteQueue();
  let ended: Error | null = null;
  let wake: (() => void) | null = null;
  const onData = (c: Buffer): void => { q.push(c); wake?.(); };
  const onEnd = (err?: Error): void => { ended = err ?? new Error('it closed the connection'); wake?.(); };
  const onClose = (): void => onEnd();
  socket.on('data', onData);
  socket.on('error', onEnd);
  socket.on('close', onClose);
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  /** Gives up on the server: drops the socket and throws what went wrong. */
  const abandon = (code: 'TANDEM_ERR_PEER_LOST' | 'TANDEM_ERR_UNAUTHORIZED' | 'TANDEM_ERR_PROTOCOL' | 'TANDEM_ERR_TIMEOUT', message: string): never => {
    socket.destroy();
    throw new TandemError(code, `${where}: ${message}`);
  };
  const need = async (n: number): Promise<void> => {
    while (!q.has(n)) {
      if (ended) abandon('TANDEM_ERR_PEER_LOST', `unreachable or closed during the handshake (${ended.message})`);
      const left = deadline - Date.now();
      if (left <= 0) abandon('TANDEM_ERR_TIMEOUT', 'no answer in time during the handshake');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        wake = () => { clearTimeout(t); wake = null; resolve(); };
      });
    }
  };
  const take = async (n: number): Promise<Uint8Array> => { await need(n); return q.take(n); };
  const u32 = async (): Promise<number> => Buffer.from(await take(4)).readUInt32BE(0);
  const reason = async (): Promise<string> => {
    const n = await u32();
    if (n > 4096) abandon('TANDEM_ERR_PROTOCOL', `failure reason of ${n} bytes`);
    return Buffer.from(await take(n)).toString('latin1');
  };

  const version = await take(PROTOCOL_VERSION_BYTES);
  let v: RfbMinorVersion = 3;
  try {
    // §7.1.1: answer with the highest version both speak; anything unknown below 3.7 is 3.3.
    v = clientVersionFor(parseProtocolVersion(version, 'it'));
  } catch (err) {
    abandon('TANDEM_ERR_PROTOCOL', `not an RFB server: ${(err as Error).message}`);
  }
  socket.write(protocolVersion(v));

  let type: number;
  if (v === 3) {
    type = await u32();
    if (type === 0) abandon('TANDEM_ERR_PEER_LOST', `refused the connection: ${await reason()}`);
  } else {
    const count = (await take(1))[0] as number;
    if (count === 0) abandon('TANDEM_ERR_PEER_LOST', `refused the connection: ${await reason()}`);
    const types = [...(await take(count))];
    if (types.includes(SECURITY.none) && opts.password === undefined) type = SECURITY.none;
    else if (types.includes(SECURITY.vncAuth)) type = SECURITY.vncAuth;
    else if (types.includes(SECURITY.none)) type = SECURITY.none;
    else return abandon('TANDEM_ERR_PROTOCOL', `offers only security types ${types.join(', ')}; the agent speaks None (1) and VNC Authentication (2)`);
    socket.write(Uint8Array.of(type));
  }
  if (type === SECURITY.vncAuth) {
    const password = opts.password ?? abandon('TANDEM_ERR_UNAUTHORIZED', 'asks for a VNC password: give it with --vnc-password-file');
    const challenge = await take(16);
    socket.write(vncResponse(challenge, password));
  } else if (type !== SECURITY.none) {
    abandon('TANDEM_ERR_PROTOCOL', `chose security type ${type}; the agent speaks None (1) and VNC Authentication (2)`);
  }
  // SecurityResult: always after VNC Authentication, after None only in 3.8 (§7.1.3).
  if (type === SECURITY.vncAuth || v === 8) {
    const result = await u32();
    if (result !== 0) {
      const why = v === 8 ? await reason() : 'authentication failed';
      abandon(type === SECURITY.vncAuth ? 'TANDEM_ERR_UNAUTHORIZED' : 'TANDEM_ERR_PEER_LOST', `${type === SECURITY.vncAuth ? 'refused the VNC password' : 'refused the connection'} (${why})`);
    }
  }
  socket.write(Uint8Array.of(1)); // ClientInit: shared, so the customer's own viewers stay connected.
  await need(24);
  const nameLength = q.peekU32(20);
  if (nameLength > 4096) abandon('TANDEM_ERR_PROTOCOL', `desktop name of ${nameLength} bytes`);
  const serverInit = await take(24 + nameLength);
  const head = Buffer.from(serverInit);
  const upstream: VncUpstream = {
    socket,
    serverInit,
    width: head.readUInt16BE(0),
    height: head.readUInt16BE(2),
    name: head.subarray(24).toString('latin1'),
    leftover: q.take(q.length),
  };
  // Paused before the reader lets go, so no byte is lost until the bridge reads on.
  socket.pause();
  socket.off('data', onData);
  socket.off('error', onEnd);
  socket.off('close', onClose);
  return upstream;
}
