/**
 * TLS from certificate files, as an ACME client (certbot, lego, acme.sh)
 * leaves them: a certificate chain and its private key in PEM. Loaded at
 * start and again on SIGHUP after a renewal; a new pair that cannot be
 * read, does not parse, or whose key does not match its certificate is
 * refused and the pair in use stays.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TandemError } from '@tandem/protocol';
import { certificateFingerprint, type TlsMaterial } from '../tls.js';

/** The two files of `--tls-cert` and `--tls-key`. */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

function read(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `${what}: cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** Reads and checks a certificate and key pair (the first certificate of the chain is the relay's). */
export function loadTlsFiles(files: TlsFiles): TlsMaterial {
  const cert = read(files.certFile, '--tls-cert');
  const key = read(files.keyFile, '--tls-key');
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch (err) {
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `--tls-cert: ${files.certFile} holds no PEM certificate`, { cause: err });
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch (err) {
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `--tls-key: ${files.keyFile} holds no PEM private key (or one with a passphrase)`, { cause: err });
  }
  if (!leaf.checkPrivateKey(privateKey)) throw new TandemError('TANDEM_ERR_BAD_INPUT', `--tls-key: ${files.keyFile} is not the key of the certificate in ${files.certFile}`);
  return { cert, key, fingerprint: certificateFingerprint(cert) };
}

/** The pair in use, replaced only by a good new one. */
export class TlsReloader {
  readonly #files: TlsFiles;
  readonly #apply: (material: TlsMaterial) => void;
  #current: TlsMaterial;

  /** `apply` puts a new pair to use (the HTTPS server's setSecureContext). */
  constructor(files: TlsFiles, initial: TlsMaterial, apply: (material: TlsMaterial) => void) {
    this.#files = files;
    this.#current = initial;
    this.#apply = apply;
  }

  /** The fingerprint of the certificate in use. */
  get fingerprint(): string {
    return this.#current.fingerprint;
  }

  /** Reads the files again and uses them; on any error throws and the pair in use stays. */
  reload(): TlsMaterial {
    const next = loadTlsFiles(this.#files);
    this.#apply(next);
    this.#current = next;
    return next;
  }
}
