/**
 * PAC scripts (Netscape's proxy auto-config, `FindProxyForURL(url, host)`):
 * fetched from an http, https or file address, run in a sandbox by
 * TooTallNate's pac-resolver on QuickJS compiled to WebAssembly
 * (quickjs-wasi) — the script is the network's, not ours, so it never runs
 * in Node's own engine — with a memory cap and a deadline, and its answer
 * (`PROXY a:1; PROXY b:2; DIRECT`) read into routes tried in that order.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createPacResolver } from 'pac-resolver';
import { QuickJS } from 'quickjs-wasi';
import { TandemError } from '@tandem/protocol';
import { DIRECT_ROUTE, parseProxyServer, type ProxyRoute } from './proxy-route.js';

/** Bounds of a PAC script. */
export const PAC_LIMITS = {
  /** Largest script fetched, bytes. */
  maxScriptBytes: 1 << 20,
  /** Time to fetch it, ms. */
  fetchTimeoutMs: 10_000,
  /** Time one FindProxyForURL may run, ms (DNS lookups it makes included). */
  runTimeoutMs: 5_000,
  /** Memory the sandbox may allocate, bytes. */
  memoryBytes: 32 << 20,
} as const;

/** Where the QuickJS engine's WebAssembly comes from; the downloaded agent passes its own part. */
export type PacEngineLoader = () => Promise<Uint8Array>;

/** The engine from node_modules (`quickjs-wasi/quickjs.wasm`). */
export const defaultPacEngine: PacEngineLoader = () => readFile(createRequire(import.meta.url).resolve('quickjs-wasi/quickjs.wasm'));

/** Fetches a PAC script: http and https (CA-verified, directly), or a local file. */
export async function fetchPacScript(address: string): Promise<string> {
  let url: URL;
  try {
    url = new URL(address);
  } catch (err) {
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `PAC ${JSON.stringify(address)}: is not an address`, { cause: err });
  }
  if (url.protocol === 'file:') {
    const text = await readFile(fileURLToPath(url), 'utf8');
    if (text.length > PAC_LIMITS.maxScriptBytes) throw new TandemError('TANDEM_ERR_BAD_INPUT', `PAC ${address}: larger than ${PAC_LIMITS.maxScriptBytes} bytes`);
    return text;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TandemError('TANDEM_ERR_BAD_INPUT', `PAC ${address}: must be an http, https or file address`);
  const get = url.protocol === 'https:' ? https.get : http.get;
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: PAC_LIMITS.fetchTimeoutMs }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new TandemError('TANDEM_ERR_RELAY_UNREACHABLE', `PAC ${address}: answered HTTP ${res.statusCode ?? '?'}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > PAC_LIMITS.maxScriptBytes) req.destroy(new TandemError('TANDEM_ERR_BAD_INPUT', `PAC ${address}: larger than ${PAC_LIMITS.maxScriptBytes} bytes`));
        else chunks.push(chunk);
      });
      res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.once('error', reject);
    });
    req.once('timeout', () => req.destroy(new TandemError('TANDEM_ERR_TIMEOUT', `PAC ${address}: no answer within ${PAC_LIMITS.fetchTimeoutMs} ms`)));
    req.once('error', (err) => reject(err instanceof TandemError ? err : new TandemError('TANDEM_ERR_RELAY_UNREACHABLE', `PAC ${address}: ${err.message}`, { cause: err })));
  });
}

/** Runs `FindProxyForURL` of `script` for `target` in a fresh sandbox; returns its answer as written. */
export async function runPacScript(script: string, target: string, engine: PacEngineLoader = defaultPacEngine): Promise<string> {
  const deadline = Date.now() + PAC_LIMITS.runTimeoutMs;
  const vm = await QuickJS.create({ wasm: await engine(), memoryLimit: PAC_LIMITS.memoryBytes, interruptHandler: () => Date.now() > deadline });
  try {
    // alert() would print to stdout, which carries the command's output lines: the script's messages are dropped.
    const find = createPacResolver(vm, script, { sandbox: { alert: () => undefined } });
    const answer: unknown = await find(target);
    if (typeof answer !== 'string') throw new TandemError('TANDEM_ERR_BAD_INPUT', 'PAC: FindProxyForURL did not return a string');
    return answer;
  } catch (err) {
    if (err instanceof TandemError) throw err;
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `PAC: the script failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  } finally {
    vm.dispose();
  }
}

/** A PAC answer read into routes; `skipped` lists entries Tandem cannot use (SOCKS, HTTPS proxies). */
export interface PacRoutes {
  routes: ProxyRoute[];
  skipped: string[];
}

/**
 * Reads `PROXY host:port; DIRECT; ...` (entries separated by `;`, keywords
 * case-insensitive; `HTTP` as `PROXY`, Chromium's spelling). An answer
 * naming nothing usable is an empty list: the caller decides what follows.
 */
export function parsePacAnswer(answer: string): PacRoutes {
  const out: PacRoutes = { routes: [], skipped: [] };
  for (const raw of answer.split(';')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const [keyword = '', value = '', ...extra] = entry.split(/\s+/);
    const kw = keyword.toUpperCase();
    if (kw === 'DIRECT' && value === '') out.routes.push(DIRECT_ROUTE);
    else if ((kw === 'PROXY' || kw === 'HTTP') && value !== '' && extra.length === 0) {
      try {
        out.routes.push({ kind: 'proxy', proxy: parseProxyServer(value, 'PAC') });
      } catch (err) {
        out.skipped.push(`${entry} (${err instanceof Error ? err.message : String(err)})`);
      }
    } else out.skipped.push(entry);
  }
  return out;
}
