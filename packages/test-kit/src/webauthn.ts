/**
 * WebAuthn for tests: Chromium's virtual authenticator (DevTools protocol,
 * `WebAuthn.enable`, `WebAuthn.addVirtualAuthenticator`) on a page, and
 * assertions signed in the test with a credential's private key read from
 * it, so a test can play a sibling site, a cloned authenticator or a replay
 * with a signature that is otherwise right.
 */
import { createHash, createPrivateKey, sign } from 'node:crypto';
import type { CDPSession, Page } from 'playwright-core';

/** A credential the virtual authenticator holds (`WebAuthn.getCredentials`). */
export interface VirtualCredential {
  /** base64url, as the relay names it. */
  id: string;
  rpId: string;
  /** PKCS#8, DER. */
  privateKey: Buffer;
  signCount: number;
  userHandle: string | undefined;
}

/** A virtual authenticator on one page: internal (platform), CTAP2, resident keys, user verification that always passes. */
export class VirtualAuthenticator {
  readonly #cdp: CDPSession;
  readonly id: string;

  private constructor(cdp: CDPSession, id: string) {
    this.#cdp = cdp;
    this.id = id;
  }

  /** Adds one to `page` (WebAuthn.enable first, once per page). */
  static async add(page: Page): Promise<VirtualAuthenticator> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    return new VirtualAuthenticator(cdp, authenticatorId);
  }

  /** The credentials it holds now. */
  async credentials(): Promise<VirtualCredential[]> {
    const { credentials } = await this.#cdp.send('WebAuthn.getCredentials', { authenticatorId: this.id });
    return credentials.map((c) => ({
      id: Buffer.from(c.credentialId, 'base64').toString('base64url'),
      rpId: c.rpId ?? '',
      privateKey: Buffer.from(c.privateKey, 'base64'),
      signCount: c.signCount,
      userHandle: c.userHandle,
    }));
  }

  /** Takes it off the page (its credentials go with it). */
  async remove(): Promise<void> {
    await this.#cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: this.id });
  }
}

/** What {@link signAssertion} signs. */
export interface AssertionInput {
  credential: VirtualCredential;
  /** The challenge the relay handed out, base64url. */
  challenge: string;
  /** clientDataJSON's origin: the page's (a browser never lies about it). */
  origin: string;
  /** The RP ID hashed into the authenticator data (default: the credential's). */
  rpId?: string;
  /** The signature counter (the authenticator's count after this use). */
  counter: number;
}

/**
 * An assertion as `navigator.credentials.get()` answers it in JSON
 * (`AuthenticationResponseJSON`), made and signed here (WebAuthn §6.1
 * authenticator data, §7.2 the signature over it and the hash of
 * clientDataJSON; Ed25519, or ES256 in DER).
 */
export function signAssertion(input: AssertionInput): Record<string, unknown> {
  const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: input.challenge, origin: input.origin, crossOrigin: false }), 'utf8');
  const counter = Buffer.alloc(4);
  counter.writeUInt32BE(input.counter);
  // Flags: user present (0x01) and user verified (0x04).
  const authData = Buffer.concat([createHash('sha256').update(input.rpId ?? input.credential.rpId).digest(), Buffer.from([0x05]), counter]);
  const key = createPrivateKey({ key: input.credential.privateKey, format: 'der', type: 'pkcs8' });
  // Chromium makes Ed25519 keys when the relying party lists EdDSA first (as @simplewebauthn does), ES256 otherwise.
  const signature = sign(key.asymmetricKeyType === 'ed25519' ? null : 'sha256', Buffer.concat([authData, createHash('sha256').update(clientData).digest()]), key);
  return {
    id: input.credential.id,
    rawId: input.credential.id,
    type: 'public-key',
    clientExtensionResults: {},
    response: {
      clientDataJSON: clientData.toString('base64url'),
      authenticatorData: authData.toString('base64url'),
      signature: signature.toString('base64url'),
      ...(input.credential.userHandle ? { userHandle: Buffer.from(input.credential.userHandle, 'base64').toString('base64url') } : {}),
    },
  };
}
