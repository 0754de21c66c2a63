/**
 * Fuzz target: the VNC bridge's side of the RFB handshake
 * (screen/vnc-upstream.ts `connectVncUpstream`), against a real loopback TCP
 * server that plays a VNC server sending the input's bytes (in pieces), then
 * closing.
 *
 * Invariants: the handshake either gives a ServerInit or rejects with
 * TandemError TANDEM_ERR_PROTOCOL, TANDEM_ERR_UNAUTHORIZED or
 * TANDEM_ERR_PEER_LOST (nothing else, and no hang); which of these, and the
 * ServerInit and the bytes after it, are what a reference reading of
 * RFC 6143 §7.1-7.3 written here gives; the agent answers with the version it
 * chose.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { TandemError, type TandemErrorCode } from '@tandem/protocol';
import { connectVncUpstream } from '../src/screen/vnc-upstream.js';

/** How scripts/fuzz.mjs runs this target. */
export const fuzzOptions = { sync: false, maxLen: 4096 };

function expectTandemError(err: unknown, allowed: readonly TandemErrorCode[]): asserts err is TandemError {
  if (!(err instanceof TandemError)) throw new Error(`threw ${String(err)}, not a TandemError`, { cause: err });
  if (!allowed.includes(err.code)) throw new Error(`threw ${err.code}, expected one of ${allowed.join(', ')}: ${err.message}`, { cause: err });
}

type Expected = { code: TandemErrorCode } | { serverInit: Uint8Array; rest: Uint8Array; version: string };

/** The handshake read by the book (RFC 6143 §7.1.1-§7.3.2), as the bridge means to: a reference for the result. */
function reference(s: Uint8Array, password: boolean): Expected {
  let pos = 0;
  const short = (n: number): boolean => pos + n > s.length;
  const u32 = (): number => new DataView(s.buffer, s.byteOffset + pos - 4, 4).getUint32(0);
  const lost = { code: 'TANDEM_ERR_PEER_LOST' } as const;
  const proto = { code: 'TANDEM_ERR_PROTOCOL' } as const;
  /** A failure reason: a length, at most 4096, then that many bytes. */
  const reason = (then: Expected): Expected => {
    if (short(4)) return lost;
    pos += 4;
    const n = u32();
    if (n > 4096) return proto;
    return short(n) ? lost : then;
  };
  if (short(12)) return lost;
  const m = /^RFB (\d{3})\.(\d{3})\n$/.exec(Buffer.from(s.subarray(0, 12)).toString('latin1'));
  pos = 12;
  if (!m) return proto;
  const major = Number(m[1]), minor = Number(m[2]);
  const v = major > 3 || (major === 3 && minor >= 8) ? 8 : major === 3 && minor === 7 ? 7 : 3;
  let type: number;
  if (v === 3) {
    if (short(4)) return lost;
    pos += 4;
    type = u32();
    if (type === 0) return reason(lost);
  } else {
    if (short(1)) return lost;
    const count = s[pos++] as number;
    if (count === 0) return reason(lost);
    if (short(count)) return lost;
    const types = [...s.subarray(pos, pos + count)];
    pos += count;
    if (types.includes(1) && !password) type = 1;
    else if (types.includes(2)) type = 2;
    else if (types.includes(1)) type = 1;
    else return proto;
  }
  if (type === 2) {
    if (!password) return { code: 'TANDEM_ERR_UNAUTHORIZED' };
    if (short(16)) return lost;
    pos += 16;
  } else if (type !== 1) return proto;
  if (type === 2 || v === 8) {
    if (short(4)) return lost;
    pos += 4;
    if (u32() !== 0) return v === 8 ? reason({ code: type === 2 ? 'TANDEM_ERR_UNAUTHORIZED' : 'TANDEM_ERR_PEER_LOST' }) : { code: type === 2 ? 'TANDEM_ERR_UNAUTHORIZED' : 'TANDEM_ERR_PEER_LOST' };
  }
  if (short(24)) return lost;
  const nameLength = new DataView(s.buffer, s.byteOffset + pos + 20, 4).getUint32(0);
  if (nameLength > 4096) return proto;
  if (short(24 + nameLength)) return lost;
  return { serverInit: s.subarray(pos, pos + 24 + nameLength), rest: s.subarray(pos + 24 + nameLength), version: `RFB 003.00${v}\n` };
}

interface Script {
  pieces: Uint8Array[];
  received: number[];
  closed: () => void;
}

/** A loopback server that plays the current input to each connection, started on first use. */
class ScriptedServer {
  #listening: Promise<{ server: Server; port: number }> | null = null;
  #script: Script = { pieces: [], received: [], closed: () => undefined };

  port(): Promise<number> {
    this.#listening ??= new Promise((resolve) => {
      // Half-open: the server ends its side after the script but reads on, so no reset loses bytes.
      const server = createServer({ allowHalfOpen: true }, (socket: Socket) => {
        // A script that cannot be played ends its socket: the handshake under test then fails as on a dead server.
        this.#play(socket).catch(() => socket.destroy());
      });
      // Unreferenced: the fuzzer's process ends when its run does.
      server.unref();
      server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
    });
    return this.#listening.then((l) => l.port);
  }

  /** Plays `pieces` to the next connection; resolves what it received once that connection closed. */
  set(pieces: Uint8Array[]): Promise<number[]> {
    return new Promise((resolve) => {
      const received: number[] = [];
      this.#script = { pieces, received, closed: () => resolve(received) };
    });
  }

  async #play(socket: Socket): Promise<void> {
    const { pieces, received, closed } = this.#script;
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => received.push(...d));
    socket.on('close', closed);
    socket.on('error', () => socket.destroy());
    socket.on('end', () => socket.destroy());
    for (const p of pieces) {
      if (socket.destroyed) return;
      socket.write(p);
      await new Promise((r) => setImmediate(r));
    }
    socket.end();
  }
}

const vnc = new ScriptedServer();

/** One input: a flags byte (bit 0: the agent has a VNC password), a split seed, then the server's bytes. */
export async function fuzz(data: Buffer): Promise<void> {
  if (data.length < 2) return;
  const password = ((data[0] as number) & 1) === 1;
  const stream = Uint8Array.from(data.subarray(2));
  const pieces: Uint8Array[] = [];
  let x = (data[1] as number) | 1;
  for (let at = 0; at < stream.length;) {
    x = (x * 1103515245 + 12345) >>> 0;
    const n = 1 + ((x >>> 16) % 40);
    pieces.push(stream.subarray(at, at + n));
    at += n;
  }
  const port = await vnc.port();
  const received = vnc.set(pieces);
  const want = reference(stream, password);
  let got: Awaited<ReturnType<typeof connectVncUpstream>>;
  try {
    got = await connectVncUpstream({ host: '127.0.0.1', port, timeoutMs: 5000, ...(password ? { password: 'fuzzpass' } : {}) });
  } catch (err) {
    expectTandemError(err, ['TANDEM_ERR_PROTOCOL', 'TANDEM_ERR_UNAUTHORIZED', 'TANDEM_ERR_PEER_LOST']);
    if (!('code' in want)) throw new Error(`failed (${err.code}: ${err.message}) where the reference reads a ServerInit`, { cause: err });
    if (err.code !== want.code) throw new Error(`failed with ${err.code} (${err.message}), the reference says ${want.code}`, { cause: err });
    return;
  }
  got.socket.on('error', () => undefined);
  got.socket.destroy();
  if ('code' in want) throw new Error(`read a ServerInit where the reference fails with ${want.code}`);
  if (Buffer.compare(got.serverInit, want.serverInit) !== 0) throw new Error('ServerInit is not the bytes the server sent');
  const head = Buffer.from(want.serverInit);
  if (got.width !== head.readUInt16BE(0) || got.height !== head.readUInt16BE(2) || got.name !== head.subarray(24).toString('latin1')) throw new Error('ServerInit fields misread');
  if (Buffer.compare(Buffer.from(got.leftover), Buffer.from(want.rest.subarray(0, got.leftover.length))) !== 0) throw new Error('the bytes after ServerInit are not what followed it');
  const answer = await received;
  if (Buffer.from(answer.slice(0, 12)).toString('latin1') !== want.version) throw new Error(`answered ${JSON.stringify(Buffer.from(answer.slice(0, 12)).toString('latin1'))}, not ${JSON.stringify(want.version)}`);
}

/** Handshakes as x11vnc, TigerVNC and the built-in engine send them: 3.8, 3.7 and 3.3, None and VNC Authentication. */
export function seeds(): Uint8Array[] {
  const u32 = (n: number): number[] => [n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  const pf = [32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0];
  const init = (name: string): number[] => [0x04, 0x00, 0x03, 0x00, ...pf, ...u32(name.length), ...Buffer.from(name, 'latin1')];
  const version = (v: string): number[] => [...Buffer.from(`RFB ${v}\n`, 'latin1')];
  const challenge = Array.from({ length: 16 }, (_, i) => i * 13);
  const update = [0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 9, 9, 9, 0];
  return [
    Uint8Array.of(0, 5, ...version('003.008'), 1, 1, ...u32(0), ...init('x11vnc'), ...update),
    Uint8Array.of(1, 9, ...version('003.008'), 2, 2, 1, ...challenge, ...u32(0), ...init('TigerVNC: user')),
    Uint8Array.of(1, 3, ...version('003.008'), 1, 2, ...challenge, ...u32(1), ...u32(20), ...Buffer.from('Authentication failed', 'latin1')),
    Uint8Array.of(0, 7, ...version('003.007'), 2, 1, 2, ...init('Tandem')),
    Uint8Array.of(1, 1, ...version('003.003'), ...u32(2), ...challenge, ...u32(0), ...init('old server')),
    Uint8Array.of(0, 2, ...version('003.889'), 1, 1, ...u32(0), ...init('Apple')),
    Uint8Array.of(0, 4, ...version('003.008'), 0, ...u32(12), ...Buffer.from('Too many tries', 'latin1')),
  ];
}
