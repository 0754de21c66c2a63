/**
 * A customer's computer for the downloaded agent (docs/agent-file.md): an
 * environment with nothing of the repository in it (no Node on PATH, an
 * empty home and an empty temporary folder, none of the test's own
 * variables), the agent downloaded from a relay over HTTP as a browser or a
 * script would, run as a real process, and what it left behind afterwards.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { join, relative } from 'node:path';
import { Proc } from './process.js';
import { assertBuilt } from './repo-paths.js';
import { tempDir } from './temp-dir.js';

/** The downloads' names (the relay's fixed paths are `/download/NAME`). */
export const LINUX_AGENT = 'tandem-linux-x64';
export const WINDOWS_AGENT = 'tandem-windows-x64.exe';

/** One HTTP answer with its body. */
export interface Download {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as sent (compressed when `content-encoding` says so). */
  body: Buffer;
}

/**
 * `GET relay/download/NAME` with `headers`, as a plain HTTP client (no
 * decompression): self-signed relays are accepted here, since the test
 * compares the bytes, not the certificate.
 */
export function fetchDownload(relayUrl: string, name: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Download> {
  assertBuilt('agents');
  const url = new URL(`/download/${name}`, relayUrl);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, { method, headers, agent: false, rejectUnauthorized: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(120_000, () => req.destroy(new Error(`${method} ${url.href} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** Every file under `dir`, relative to it; [] when it does not exist. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).map((e) => relative(dir, join(e.parentPath, e.name)));
}

/** A customer's computer: an empty home, an empty temporary folder, a PATH without Node. */
export class CustomerMachine {
  readonly dir: string;
  /** The customer's home folder (HOME), empty at first. */
  readonly home: string;
  /** The temporary folder (TMPDIR), empty at first. */
  readonly tmp: string;
  /** Where downloads go. */
  readonly downloads: string;
  /** The only folder on PATH: empty, so neither Node nor anything else of the test is found. */
  readonly bin: string;

  constructor() {
    this.dir = tempDir('tandem-customer-');
    this.home = join(this.dir, 'home');
    this.tmp = join(this.dir, 'tmp');
    this.downloads = join(this.dir, 'downloads');
    this.bin = join(this.dir, 'bin');
    for (const d of [this.home, this.tmp, this.downloads, this.bin]) mkdirSync(d, { recursive: true });
  }

  /** The whole environment of a program run here (nothing of the test's own), plus `extra`. */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return { PATH: this.bin, HOME: this.home, TMPDIR: this.tmp, LANG: 'C.UTF-8', ...extra };
  }

  /** Fails unless `node` is out of reach on this machine's PATH (the test would prove nothing otherwise). */
  assertNoNode(): void {
    const found = spawnSync('/bin/sh', ['-c', 'command -v node'], { env: this.env(), encoding: 'utf8' });
    if (found.status === 0) throw new Error(`node is on the customer's PATH: ${found.stdout.trim()}`);
  }

  /** Downloads `name` from the relay into the downloads folder, executable, as a browser saves it; returns its path. */
  async download(relayUrl: string, name: string = LINUX_AGENT): Promise<string> {
    const answer = await fetchDownload(relayUrl, name);
    if (answer.status !== 200) throw new Error(`GET /download/${name}: ${answer.status} ${answer.body.toString('utf8').slice(0, 300)}`);
    const path = join(this.downloads, name);
    writeFileSync(path, answer.body, { mode: 0o755 });
    chmodSync(path, 0o755);
    return path;
  }

  /** Starts the downloaded agent at `path` with `args`, in this machine's environment only, from its downloads folder. */
  run(path: string, args: string[] = [], extra: NodeJS.ProcessEnv = {}): Proc {
    return new Proc('downloaded agent', path, args, this.env(extra), { bareEnv: true, cwd: this.downloads });
  }

  /** What programs left in the home and the temporary folder. */
  leftovers(): { home: string[]; tmp: string[] } {
    return { home: filesUnder(this.home), tmp: filesUnder(this.tmp) };
  }

  /** Removes the machine. */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
