/**
 * The downloadable agents, stamped for this relay (docs/agent-file.md,
 * issue 9, contract 2): `GET /download/tandem-linux-x64` and
 * `GET /download/tandem-windows-x64.exe` (fixed paths: scripts and the
 * support page depend on them).
 *
 * The built agents (`npm run build:agents`, packages/agent/dist/agents/)
 * carry no stamp. This relay stamps each with its public URL, its
 * certificate's fingerprint when it is self-signed, and its help desk's
 * name, so that the customer types nothing but the code: once per relay
 * configuration and built file, on the first request for it, cached in the
 * data folder (`DATA/agents/NAME/KEY/`, KEY from the stamp and the built
 * file's digest; a changed configuration or a rebuilt agent makes a new one
 * and the old one is removed). Each compressed form (brotli, gzip) is made
 * once per stamp, on the first request that accepts it, never per request.
 *
 * Responses: `Content-Disposition: attachment`, the platform's media type,
 * `Content-Encoding` when compressed (`Vary: Accept-Encoding`), a strong
 * ETag per form (the stamped file's SHA-256 from its trailer) and 304 on a
 * matching If-None-Match. A relay whose agents are not built answers 404
 * TANDEM_ERR_NOT_FOUND; a built file that fails its integrity check is not
 * served (500 TANDEM_ERR_INTERNAL, the cause on the relay's stderr).
 *
 * With a code-signing certificate (`--agent-signing-cert`, `--agent-signing-key`)
 * the Windows agent is signed after stamping (Authenticode, with Debian's
 * `osslsigncode`), so Windows names the help desk as its publisher. The
 * signature leaves the integrity check intact (docs/agent-file.md).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import zlib from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AGENT_FILE, AgentDigest, TandemError, agentFileTail, peHashExclusions, verifyAgentFile, type AgentFileReader, type AgentStamp, type Sha256 } from '@tandem/protocol';

/** The downloads, by their fixed names. */
export const AGENT_DOWNLOADS = [
  { name: 'tandem-linux-x64', type: 'application/octet-stream' },
  // IANA's registered type for Windows executables.
  { name: 'tandem-windows-x64.exe', type: 'application/vnd.microsoft.portable-executable' },
] as const;

/** The URL path of a download. */
export const DOWNLOAD_PREFIX = '/download/';

/** One form of a stamped agent on disk. */
type Encoding = 'identity' | 'br' | 'gzip';

const SUFFIX: Record<Encoding, string> = { identity: '', br: '.br', gzip: '.gz' };

/** Brotli quality 5 with a 16 MiB window: within 10% of quality 9 for a fifth of the time (docs/benchmarks.md). */
const BROTLI_PARAMS = { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_LGWIN]: 24 };
const GZIP_LEVEL = 6;

/** Options of {@link registerAgentDownloads}. */
export interface AgentDownloadOptions {
  /** The built agents' folder; undefined: none built (every download answers 404). */
  agentsDir: string | undefined;
  /** The relay's data folder: the stamped copies are cached under `agents/`. */
  dataDir: string;
  /** The stamp of this relay's configuration (known once it listens). */
  stamp: () => AgentStamp;
  /** A line for the relay's stderr. */
  report: (line: string) => void;
  /** Sign the Windows agent after stamping with this certificate and key (PEM files). */
  signing?: AgentSigning;
}

/** A help desk's code-signing certificate and key, for the Windows agent. */
export interface AgentSigning {
  certFile: string;
  keyFile: string;
  /** The program's description in the signature (the help desk's name). */
  description: string;
}

/** Runs osslsigncode (Debian's package): Authenticode signing of PE files on Linux. */
const OSSLSIGNCODE = 'osslsigncode';

/** Fails unless osslsigncode can run and both files can be read: checked at start, not at the first download. */
export async function checkAgentSigning(signing: AgentSigning): Promise<void> {
  for (const [flag, file] of [['--agent-signing-cert', signing.certFile], ['--agent-signing-key', signing.keyFile]] as const) {
    try {
      readFileSync(file);
    } catch (err) {
      throw new TandemError('TANDEM_ERR_BAD_INPUT', `${flag}: cannot read ${file}: ${(err as Error).message}`, { cause: err });
    }
  }
  try {
    await promisify(execFile)(OSSLSIGNCODE, ['--version']);
  } catch (err) {
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `--agent-signing-cert: ${OSSLSIGNCODE} cannot run (${(err as Error).message}); install it (apt-get install osslsigncode)`, { cause: err });
  }
}

/** The built agents of the @tandem/agent package (its dist/agents/), or undefined when it is not installed. */
export function findAgentsDir(): string | undefined {
  try {
    // The package's main is dist/index.js: its agents are beside it.
    return join(dirname(createRequire(import.meta.url).resolve('@tandem/agent')), 'agents');
  } catch {
    // The agent package is not installed beside the relay: no downloads, every one answers 404.
    return undefined;
  }
}

function nodeSha256(): Sha256 {
  const hash = createHash('sha256');
  return { update: (data) => hash.update(data), digest: () => new Uint8Array(hash.digest()) };
}

/** What is cached of one stamped agent. */
interface Stamped {
  /** The built file it was made from, as it was then (a rebuild makes a new stamp). */
  source: { path: string; size: number; mtimeMs: number };
  dir: string;
  /** The ETag's value: the stamped file's digest, lower-case hex, and the signing certificate's when signed. */
  digest: string;
  /** Each form, made once on first use. */
  forms: Map<Encoding, Promise<{ path: string; size: number }>>;
}

/** True while the built file is still the one a stamp was made from. */
function sameSource(source: Stamped['source']): boolean {
  try {
    const now = statSync(source.path);
    return now.size === source.size && now.mtimeMs === source.mtimeMs;
  } catch {
    // Removed since: the next request says it is not built.
    return false;
  }
}

/** Reads a file by ranges, for verifyAgentFile. */
async function withReader<T>(path: string, fn: (reader: AgentFileReader) => Promise<T>): Promise<T> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    return await fn({
      size,
      read: async (offset, length) => {
        const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        return new Uint8Array(buffer.buffer, buffer.byteOffset, bytesRead);
      },
    });
  } finally {
    await handle.close();
  }
}

/** Stamps and compresses the agents of one relay, each once. */
class AgentStamper {
  readonly #opts: AgentDownloadOptions;
  readonly #stamped = new Map<string, Promise<Stamped>>();

  constructor(opts: AgentDownloadOptions) {
    this.#opts = opts;
  }

  /** The stamped agent `name` (made on first use, and again after a rebuild), or TANDEM_ERR_NOT_FOUND when it is not built. */
  async stamped(name: string): Promise<Stamped> {
    let found = this.#stamped.get(name);
    if (found !== undefined) {
      const current = await found.catch(() => undefined);
      if (current === undefined || !sameSource(current.source)) found = undefined;
    }
    if (found === undefined) {
      found = this.#stamp(name);
      // A failure is not cached: the next request tries again (a build may have finished meanwhile).
      found.catch(() => this.#stamped.delete(name));
      this.#stamped.set(name, found);
    }
    return found;
  }

  /** One form of it: the stamped file itself, or its brotli or gzip compression (made once). */
  async form(stamped: Stamped, encoding: Encoding): Promise<{ path: string; size: number }> {
    let form = stamped.forms.get(encoding);
    if (form === undefined) {
      form = this.#compress(stamped, encoding);
      form.catch(() => stamped.forms.delete(encoding));
      stamped.forms.set(encoding, form);
    }
    return form;
  }

  async #stamp(name: string): Promise<Stamped> {
    const agentsDir = this.#opts.agentsDir;
    const source = agentsDir === undefined ? undefined : join(agentsDir, name);
    if (source === undefined || !existsSync(source)) {
      throw new TandemError('TANDEM_ERR_NOT_FOUND', `${name} is not available on this relay: its agents were not built (npm run build:agents)`);
    }
    const stamp = this.#opts.stamp();
    const { size, mtimeMs } = statSync(source);
    let built;
    try {
      built = await withReader(source, (reader) => verifyAgentFile(reader, nodeSha256));
    } catch (err) {
      this.#opts.report(`agent downloads: the built ${source} cannot be served: ${(err as Error).message}`);
      throw new TandemError('TANDEM_ERR_INTERNAL', `${name}: the relay's built agent is damaged; see the relay's log`);
    }
    // A signed file is another file: the certificate and key are part of what it is made from.
    const signing = built.pe ? this.#opts.signing : undefined;
    const signedBy = signing === undefined ? '' : createHash('sha256').update(readFileSync(signing.certFile)).update(readFileSync(signing.keyFile)).update(signing.description).digest('hex').slice(0, 16);
    const key = createHash('sha256').update(JSON.stringify(stamp)).update('\0').update(built.digest).update('\0').update(signedBy).digest('hex').slice(0, 32);
    const parent = join(this.#opts.dataDir, 'agents', name);
    const dir = join(parent, key);
    const metaFile = join(dir, 'stamp.json');
    const target = join(dir, name);
    let digest: string | undefined;
    if (existsSync(metaFile) && existsSync(target)) {
      const meta: unknown = JSON.parse(readFileSync(metaFile, 'utf8'));
      if (typeof meta === 'object' && meta !== null && typeof (meta as { digest?: unknown }).digest === 'string' && statSync(target).size === (meta as { size?: unknown }).size) {
        digest = (meta as { digest: string }).digest;
      }
    }
    if (digest === undefined) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      digest = await this.#writeStamped(source, built.executableLength, stamp, target, signing);
      if (signing !== undefined) digest = `${digest}.${signedBy}`;
      writeFileSync(metaFile, JSON.stringify({ digest, size: statSync(target).size, stamp }) + '\n', { mode: 0o600 });
    }
    // Copies for an older configuration or build are of no use any more.
    for (const other of readdirSync(parent)) if (other !== key) rmSync(join(parent, other), { recursive: true, force: true });
    const stamped: Stamped = { source: { path: source, size, mtimeMs }, dir, digest, forms: new Map() };
    stamped.forms.set('identity', Promise.resolve({ path: target, size: statSync(target).size }));
    return stamped;
  }

  /** The built file's executable part, then this relay's stamp and a new trailer; returns the new digest. */
  async #writeStamped(source: string, executableLength: number, stamp: AgentStamp, target: string, signing?: AgentSigning): Promise<string> {
    const tmp = `${target}.tmp`;
    const head = await withReader(source, (reader) => reader.read(0, AGENT_FILE.headBytes));
    const digest = new AgentDigest(nodeSha256(), peHashExclusions(head));
    await pipeline(
      createReadStream(source, { start: 0, end: executableLength - 1 }),
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          digest.update(chunk);
          done(null, chunk);
        },
        flush(done) {
          done(null, Buffer.from(agentFileTail(digest, stamp)));
        },
      }),
      createWriteStream(tmp, { mode: 0o600 }),
    );
    let ready = tmp;
    if (signing !== undefined) {
      ready = `${target}.signed.tmp`;
      rmSync(ready, { force: true });
      try {
        await promisify(execFile)(OSSLSIGNCODE, ['sign', '-certs', signing.certFile, '-key', signing.keyFile, '-n', signing.description, '-h', 'sha256', '-in', tmp, '-out', ready]);
      } catch (err) {
        this.#opts.report(`agent downloads: signing ${target} failed: ${(err as Error).message}`);
        throw new TandemError('TANDEM_ERR_INTERNAL', "the relay could not sign the Windows agent; see the relay's log");
      } finally {
        rmSync(tmp, { force: true });
      }
    }
    // Checked as the agent will check it, before it is ever served.
    const info = await withReader(ready, (reader) => verifyAgentFile(reader, nodeSha256));
    if (signing !== undefined && !info.signed) throw new TandemError('TANDEM_ERR_INTERNAL', `${target}: osslsigncode wrote no signature`);
    renameSync(ready, target);
    return info.digest;
  }

  async #compress(stamped: Stamped, encoding: Encoding): Promise<{ path: string; size: number }> {
    const identity = await this.form(stamped, 'identity');
    const path = identity.path + SUFFIX[encoding];
    if (!existsSync(path)) {
      const tmp = `${path}.tmp`;
      const size = identity.size;
      const compressor =
        encoding === 'br'
          ? zlib.createBrotliCompress({ params: { ...BROTLI_PARAMS, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: size } })
          : zlib.createGzip({ level: GZIP_LEVEL });
      await pipeline(createReadStream(identity.path), compressor, createWriteStream(tmp, { mode: 0o600 }));
      renameSync(tmp, path);
    }
    return { path, size: statSync(path).size };
  }
}

/** The encoding to serve for an Accept-Encoding header: brotli, then gzip, else none (RFC 9110 §12.5.3, q=0 refuses). */
export function chooseEncoding(header: string | undefined): Encoding {
  const accepted = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [token = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    accepted.set(token.trim(), q === undefined ? 1 : Number(q.slice(2)));
  }
  const ok = (name: string): boolean => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return 'identity';
}

/** True when If-None-Match names `etag` (or is `*`). */
function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

/** Registers the download routes (before the console's static files). */
export function registerAgentDownloads(app: FastifyInstance, opts: AgentDownloadOptions): void {
  const stamper = new AgentStamper(opts);
  for (const download of AGENT_DOWNLOADS) {
    app.get(`${DOWNLOAD_PREFIX}${download.name}`, async (req: FastifyRequest, reply: FastifyReply) => {
      const stamped = await stamper.stamped(download.name);
      const encoding = chooseEncoding(req.headers['accept-encoding']);
      const etag = `"${stamped.digest}${encoding === 'identity' ? '' : `-${encoding}`}"`;
      void reply
        .header('content-type', download.type)
        .header('content-disposition', `attachment; filename="${download.name}"`)
        .header('etag', etag)
        .header('vary', 'Accept-Encoding')
        // Revalidated each time: a relay's new configuration makes a new stamp.
        .header('cache-control', 'no-cache');
      if (matches(req.headers['if-none-match'], etag)) return reply.status(304).send();
      const form = await stamper.form(stamped, encoding);
      if (encoding !== 'identity') void reply.header('content-encoding', encoding);
      void reply.header('content-length', form.size);
      return reply.send(req.method === 'HEAD' ? undefined : createReadStream(form.path));
    });
  }
}
