/**
 * The files channel between two in-memory ends (no network: the records go
 * straight across), through every transition of TRANSFER_TRANSITIONS:
 *
 * | transition | test |
 * | --- | --- |
 * | offered → sending, sending → verifying, verifying → done, asking → receiving, receiving → saving, saving → done | sends a file whole |
 * | requested → receiving, approving → offered | fetches a requested file |
 * | asking → refused, offered → refused, approving → refused, requested → refused | refusals |
 * | asking → cancelled, offered → cancelled, approving → cancelled, requested → cancelled | cancelled before an answer |
 * | sending → cancelled, receiving → cancelled | cancelled mid-way |
 * | verifying → cancelled | cancelled mid-way (the receiver's commit is slow) |
 * | receiving → failed, sending → failed | a failed write |
 * | saving → failed | naming the file fails |
 * | asking → failed, offered → failed, approving → failed, requested → failed, verifying → failed | the session ends |
 */
import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { TransitionLog } from '@tandem/test-kit';
import { FileChannel, type FileEvent } from './file-channel.js';
import { encodeFileMessage, FILE_LIMITS } from './file-messages.js';
import { TRANSFER_TRANSITIONS, type FileSink, type FileSource } from './file-transfer.js';
import type { TandemError } from './errors.js';
import { concatBytes, equalBytes, toHex } from './bytes.js';

const log = new TransitionLog();

/** A file in memory, read in pieces. */
function memorySource(bytes: Uint8Array): FileSource & { closed: boolean } {
  let at = 0;
  return {
    closed: false,
    read: async (max) => {
      const out = bytes.subarray(at, at + max);
      at += out.length;
      return out;
    },
    async close() {
      this.closed = true;
    },
  };
}

interface MemorySink extends FileSink {
  written: Uint8Array[];
  committing: boolean;
  state: 'open' | 'committed' | 'discarded';
}

function memorySink(opts: { failAfter?: number; commit?: () => Promise<void> } = {}): MemorySink {
  const sink: MemorySink = {
    written: [],
    committing: false,
    state: 'open',
    async write(bytes) {
      if (opts.failAfter !== undefined && concatBytes(...sink.written).length + bytes.length > opts.failAfter) throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
      sink.written.push(bytes.slice());
    },
    async commit() {
      sink.committing = true;
      await opts.commit?.();
      sink.state = 'committed';
      return '/saved/file';
    },
    async discard() {
      sink.state = 'discarded';
    },
  };
  return sink;
}

/** A technician's and a customer's channel wired together, with their events and the errors each would fail its session with. */
function pair(opts: { tamper?: (payload: Uint8Array) => Uint8Array } = {}) {
  const events = { technician: [] as FileEvent[], customer: [] as FileEvent[] };
  const errors: TandemError[] = [];
  let open = true;
  const make = (role: 'technician' | 'customer', peer: () => FileChannel): FileChannel => {
    const channel = new FileChannel({
      role,
      isOpen: () => open,
      backlog: () => 0,
      onTransition: log.record,
      send: async (payload) => {
        const sent = role === 'technician' && opts.tamper ? opts.tamper(payload) : payload;
        setTimeout(() => {
          try {
            peer().receive(sent);
          } catch (err) {
            errors.push(err as TandemError);
          }
        }, 0);
      },
    });
    channel.onEvent((e) => events[role].push(e));
    return channel;
  };
  const tech: FileChannel = make('technician', () => customer);
  const customer: FileChannel = make('customer', () => tech);
  const until = async (role: 'technician' | 'customer', type: FileEvent['type']): Promise<FileEvent> => {
    for (let i = 0; i < 500; i++) {
      const found = events[role].find((e) => e.type === type);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 2));
    }
    throw new Error(`no ${type} on the ${role}'s side; saw ${events[role].map((e) => e.type).join(', ')}`);
  };
  return { tech, customer, events, errors, until, close: () => ((open = false), tech.close(), customer.close()) };
}

function bytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31) & 0xff;
  return out;
}
/** Larger than the window, so the sender waits for acknowledgements. */
const CONTENT = bytes(FILE_LIMITS.windowBytes * 2 + 12345);
const SHA_OF_CONTENT = toHex(sha256(CONTENT));

describe('FileChannel', () => {
  it('sends a file whole, in windows, hashes equal on both sides', async () => {
    const p = pair();
    const content = CONTENT;
    const sink = memorySink();
    p.tech.offer('a.bin', content.length, memorySource(content));
    const offer = await p.until('customer', 'file-offer');
    expect(offer).toMatchObject({ name: 'a.bin', size: content.length });
    p.customer.accept(offer.id, async () => sink);
    const sent = await p.until('technician', 'file-sent');
    const received = await p.until('customer', 'file-received');
    expect(sink.state).toBe('committed');
    expect(equalBytes(concatBytes(...sink.written), content)).toBe(true);
    expect(sent).toMatchObject({ bytes: content.length, sha256: SHA_OF_CONTENT });
    expect(received).toMatchObject({ path: '/saved/file', sha256: SHA_OF_CONTENT });
    expect(p.events.technician.filter((e) => e.type === 'file-progress').length).toBeGreaterThan(1);
    expect(p.errors).toEqual([]);
  });

  it('fetches a requested file once the customer approves it', async () => {
    const p = pair();
    const sink = memorySink();
    p.tech.request('/home/c/x.txt', async (name, size) => {
      expect([name, size]).toEqual(['x.txt', 5]);
      return sink;
    });
    const request = await p.until('customer', 'file-request');
    expect(request).toMatchObject({ path: '/home/c/x.txt' });
    const source = memorySource(bytes(5));
    p.customer.approve(request.id, 'x.txt', 5, source);
    await p.until('technician', 'file-received');
    expect(await p.until('customer', 'file-sent')).toMatchObject({ path: '/home/c/x.txt', bytes: 5 });
    expect(source.closed).toBe(true);
  });

  it('refusals: of an offer and of a request, each told to the technician', async () => {
    const p = pair();
    p.tech.offer('a', 1, memorySource(bytes(1)));
    p.customer.refuse((await p.until('customer', 'file-offer')).id, 'declined');
    expect(await p.until('technician', 'file-refused')).toMatchObject({ name: 'a', reason: 'declined', by: 'peer' });
    const q = pair();
    q.tech.request('/p', async () => memorySink());
    q.customer.refuse((await q.until('customer', 'file-request')).id, 'policy');
    expect(await q.until('technician', 'file-refused')).toMatchObject({ name: '/p', reason: 'policy' });
  });

  it('cancelled before an answer, from the technician\'s side', async () => {
    const p = pair();
    const offered = p.tech.offer('a', 1, memorySource(bytes(1)));
    await p.until('customer', 'file-offer');
    p.tech.cancel(offered);
    await p.until('customer', 'file-cancelled');
    const q = pair();
    const requested = q.tech.request('/p', async () => memorySink());
    await q.until('customer', 'file-request');
    q.tech.cancel(requested);
    expect(await q.until('customer', 'file-cancelled')).toMatchObject({ by: 'peer' });
    expect(await q.until('technician', 'file-cancelled')).toMatchObject({ by: 'me' });
  });

  it('cancelled mid-way by the receiver: the partial file is discarded, never committed', async () => {
    const p = pair();
    const content = CONTENT;
    const sink = memorySink();
    const source = memorySource(content);
    p.tech.offer('a', content.length, source);
    const offer = await p.until('customer', 'file-offer');
    p.customer.accept(offer.id, async () => sink);
    await p.until('customer', 'file-progress');
    p.customer.cancel(offer.id);
    await p.until('technician', 'file-cancelled');
    await p.customer.settled();
    expect(sink.state).toBe('discarded');
    expect(source.closed).toBe(true);
  });

  it('cancelled mid-way by the sender while the receiver is naming the file: too late for the receiver, over for the sender', async () => {
    let release: () => void = () => undefined;
    const sink = memorySink({ commit: () => new Promise<void>((r) => (release = r)) });
    const p = pair();
    const id = p.tech.offer('a', 10, memorySource(bytes(10)));
    p.customer.accept((await p.until('customer', 'file-offer')).id, async () => sink);
    for (let i = 0; i < 500 && !sink.committing; i++) await new Promise((r) => setTimeout(r, 2));
    expect(p.tech.cancel(id)).toBe(true);
    release();
    await p.until('customer', 'file-received');
    expect(sink.state).toBe('committed');
  });

  it('a failed write (a full disk) fails both sides, with the reason, and discards', async () => {
    const p = pair();
    const sink = memorySink({ failAfter: 100_000 });
    p.tech.offer('big', 1024 * 1024, memorySource(bytes(1024 * 1024)));
    p.customer.accept((await p.until('customer', 'file-offer')).id, async () => sink);
    const failed = await p.until('customer', 'file-failed');
    expect(failed.type === 'file-failed' && failed.error.message).toBe('big could not be saved: the disk is full (ENOSPC)');
    const told = await p.until('technician', 'file-failed');
    expect(told.type === 'file-failed' && told.error.message).toMatch(/^the other side: big could not be saved: the disk is full/);
    expect(sink.state).toBe('discarded');
  });

  it('a damaged file (a hash that differs) never takes its name', async () => {
    // The technician's `done` carries another hash, as a corrupted sender would.
    const p = pair({
      tamper: (payload) => (payload[0] === 6 ? encodeFileMessage({ type: 'done', id: 1, sha256: '0'.repeat(64) }) : payload),
    });
    const sink = memorySink();
    p.tech.offer('a', 10, memorySource(bytes(10)));
    p.customer.accept((await p.until('customer', 'file-offer')).id, async () => sink);
    const failed = await p.until('customer', 'file-failed');
    expect(failed.type === 'file-failed' && failed.error.message).toMatch(/arrived damaged/);
    await p.until('technician', 'file-failed');
    expect(sink.state).toBe('discarded');
  });

  it('naming the file fails (the folder turned read-only): both sides told, the partial file discarded', async () => {
    const p = pair();
    const sink = memorySink({ commit: () => Promise.reject(Object.assign(new Error('read-only'), { code: 'EROFS' })) });
    p.tech.offer('a', 10, memorySource(bytes(10)));
    p.customer.accept((await p.until('customer', 'file-offer')).id, async () => sink);
    const failed = await p.until('customer', 'file-failed');
    expect(failed.type === 'file-failed' && failed.error.message).toBe('a could not be saved: the disk is read-only (EROFS)');
    await p.until('technician', 'file-failed');
    expect(sink.state).toBe('discarded');
  });

  it('the session ends: every transfer still open fails and lets its files go', async () => {
    const p = pair();
    const source = memorySource(bytes(10));
    p.tech.offer('a', 10, source);
    p.tech.request('/p', async () => memorySink());
    await p.until('customer', 'file-request');
    p.close();
    await p.tech.settled();
    expect(source.closed).toBe(true);
    expect(p.events.customer.filter((e) => e.type === 'file-failed')).toHaveLength(2);
    expect(p.events.technician.filter((e) => e.type === 'file-failed')).toHaveLength(2);
  });

  it('refuses what the peer may not send: a request to the technician, more bytes than offered, an unknown kind', async () => {
    const p = pair();
    expect(() => p.tech.receive(encodeFileMessage({ type: 'request', id: 9, path: '/x' }))).toThrow(/only the technician asks/);
    expect(() => p.customer.offer('x', 1, memorySource(bytes(1)))).toThrow(/only the technician/);
    expect(() => p.customer.receive(Uint8Array.of(200))).toThrow(/unknown message kind/);
    expect(() => p.customer.receive(encodeFileMessage({ type: 'data', id: 1, bytes: bytes(FILE_LIMITS.chunkBytes + 1) }))).toThrow(/at most/);
    p.customer.receive(encodeFileMessage({ type: 'offer', id: 1, name: 'x', size: 1 }));
    p.customer.accept(1, async () => memorySink());
    await new Promise((r) => setTimeout(r, 5));
    expect(() => p.customer.receive(encodeFileMessage({ type: 'data', id: 1, bytes: bytes(2) }))).toThrow(/more bytes than the 1 offered/);
  });

  it('takes every transition of the table', () => {
    expect(log.untaken(TRANSFER_TRANSITIONS)).toEqual([]);
  });
});
