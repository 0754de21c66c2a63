/**
 * Authenticode for tests of the Windows agent: a self-made code-signing
 * certificate (openssl) and `osslsigncode verify` against it, as a help desk
 * would sign with its own certificate (docs/agent-file.md).
 */
import { join } from 'node:path';
import { runProcess } from './process.js';

/** A self-signed code-signing certificate and its key (PEM files in `dir`) for `name`. */
export async function codeSigningCertificate(dir: string, name: string): Promise<{ certFile: string; keyFile: string }> {
  const keyFile = join(dir, 'code-signing.key');
  const certFile = join(dir, 'code-signing.pem');
  const made = await runProcess('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', `/CN=${name}`, '-addext', 'extendedKeyUsage=codeSigning']);
  if (made.code !== 0) throw new Error(`openssl could not make a code-signing certificate: ${made.stderr}`);
  return { certFile, keyFile };
}

/** `osslsigncode verify` of `file` with `certFile` as the trusted root; resolves with its exit code and output. */
export async function verifyAuthenticode(file: string, certFile: string): Promise<{ code: number | null; output: string }> {
  const result = await runProcess('osslsigncode', ['verify', '-CAfile', certFile, '-in', file], { timeoutMs: 60_000 });
  return { code: result.code, output: result.stdout + result.stderr };
}
