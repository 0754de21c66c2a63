import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isIP } from 'node:net';
import { generate } from 'selfsigned';

/** The relay's certificate and key (PEM) and the SHA-256 fingerprint of the certificate's DER. */
export interface TlsMaterial {
  cert: string;
  key: string;
  /** 64 lowercase hex characters, no colons. */
  fingerprint: string;
}

export const CERT_FILE = 'tls-cert.pem';
export const KEY_FILE = 'tls-key.pem';

/** SHA-256 over the DER encoding of a PEM certificate, lowercase hex without colons. */
export function certificateFingerprint(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256.replace(/:/g, '').toLowerCase();
}

/**
 * Loads the self-signed certificate kept in the data folder, generating it
 * (ECDSA P-256, SHA-256, five years) on first start. Clients pin it by
 * fingerprint, so it is reused for the life of the data folder. Both files
 * are written 0600.
 */
export async function loadOrCreateCertificate(dataDir: string, hostnames: readonly string[]): Promise<TlsMaterial> {
  const certFile = join(dataDir, CERT_FILE);
  const keyFile = join(dataDir, KEY_FILE);
  if (existsSync(certFile) && existsSync(keyFile)) {
    const cert = readFileSync(certFile, 'utf8');
    return { cert, key: readFileSync(keyFile, 'utf8'), fingerprint: certificateFingerprint(cert) };
  }
  const names = [...new Set(['localhost', '127.0.0.1', '::1', ...hostnames].filter((h) => h !== '' && h !== '0.0.0.0' && h !== '::'))];
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + 5 * 365 * 86_400_000);
  const pems = await generate([{ name: 'commonName', value: 'Tandem relay' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((n) => (isIP(n) ? { type: 7 as const, ip: n } : { type: 2 as const, value: n })) },
    ],
  });
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  writeFileSync(certFile, pems.cert, { mode: 0o600 });
  return { cert: pems.cert, key: pems.private, fingerprint: certificateFingerprint(pems.cert) };
}
