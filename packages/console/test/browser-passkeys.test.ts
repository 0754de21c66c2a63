/**
 * Passkeys (WebAuthn) as a second factor, in Chromium with its virtual
 * authenticator (DevTools protocol) against a real relay process reached as
 * `localhost` (WebAuthn refuses an IP address as the RP ID; Chromium treats
 * localhost as a secure context): enrolment on My account, sign-in with
 * one, and the relay's defences, each with a signature that is otherwise
 * right (signed here with the credential's key read from the authenticator):
 * an answer made on another origin, a replayed answer, a spent challenge
 * with a higher counter, a counter that did not grow (a clone), a removed
 * passkey. With TANDEM_SCREENSHOTS set, My account's passkeys and the
 * sign-in's passkey step are saved in English and Japanese.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, RelayFixture, VirtualAuthenticator, api, auditEvents, createAdmin, errorCode, launchChromium, signAssertion, type VirtualCredential } from '@tandem/test-kit';

const SHOTS_DIR = process.env.TANDEM_SCREENSHOTS;

describe('passkeys in the console', () => {
  const relay = new RelayFixture();
  let browser: Browser;
  let adminToken: string;

  beforeAll(async () => {
    await relay.start([], { host: 'localhost' });
    adminToken = (await createAdmin(relay)).token;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await relay.stop();
  });

  /** A fresh page with a virtual authenticator, signed in to the console as `username`. */
  async function signedIn(username: string): Promise<{ page: Page; authenticator: VirtualAuthenticator }> {
    const page = await (await browser.newContext()).newPage();
    const authenticator = await VirtualAuthenticator.add(page);
    await page.goto(relay.consoleUrl);
    await page.locator('[data-testid=lang-en]').click();
    await page.fill('#username', username);
    await page.fill('#password', PASSWORD);
    await page.click('[data-testid=signin]');
    await page.locator('[data-testid=whoami]').waitFor({ timeout: 15_000 });
    return { page, authenticator };
  }

  async function addPasskey(page: Page, name: string): Promise<void> {
    await page.click('[data-testid=nav-account]');
    await page.fill('#passkey-name', name);
    await page.click('[data-testid=passkey-add]');
    await expect.poll(() => page.locator('[data-testid=passkey-result]').textContent(), { timeout: 15_000 }).toBe(`Passkey "${name}" added.`);
  }

  async function shoot(page: Page, name: string): Promise<void> {
    if (!SHOTS_DIR) return;
    await page.screenshot({ path: join(SHOTS_DIR, `${name}-en.png`), fullPage: true });
    await page.locator('[data-testid=lang-ja]').click();
    await page.screenshot({ path: join(SHOTS_DIR, `${name}-ja.png`), fullPage: true });
    await page.locator('[data-testid=lang-en]').click();
  }

  /** Signs in with the password only: the relay answers TANDEM_ERR_SECOND_FACTOR and a fresh passkey challenge. */
  async function challengeFor(username: string): Promise<string> {
    const answer = await api(relay, 'POST', '/api/auth/login', { body: { username, password: PASSWORD } });
    expect(errorCode(answer)).toBe('TANDEM_ERR_SECOND_FACTOR');
    expect(answer.json?.factors).toEqual(['passkey']);
    const options = answer.json?.passkey as { challenge?: unknown; rpId?: unknown } | undefined;
    expect(options?.rpId).toBe('localhost');
    if (typeof options?.challenge !== 'string') throw new Error('no passkey challenge in the answer');
    return options.challenge;
  }

  const signInWith = (username: string, passkey: unknown) => api(relay, 'POST', '/api/auth/login', { body: { username, password: PASSWORD, passkey } });

  /** The audit's detail of the latest failed sign-in of `username` (the audit lists the newest first). */
  async function lastFailure(username: string): Promise<string | undefined> {
    const failures = (await auditEvents(relay, adminToken, 'signin-failed')).filter((e) => e.username === username);
    return failures[0]?.detail;
  }

  it('adds a passkey on My account, signs in with it, and refuses the same answer replayed', async () => {
    await relay.addUser('pia');
    const { page } = await signedIn('pia');
    await addPasskey(page, 'Office laptop');
    await expect.poll(() => page.locator('[data-testid=passkeys] li[data-passkey="Office laptop"]').count(), { timeout: 15_000 }).toBe(1);
    await shoot(page, 'passkeys');

    await page.click('[data-testid=signout]');
    await page.fill('#username', 'pia');
    await page.fill('#password', PASSWORD);
    await page.click('[data-testid=signin]');
    await page.locator('[data-testid=signin-passkey]').waitFor({ timeout: 15_000 });
    // An account with passkeys only is asked for no code.
    expect(await page.locator('#totp').count()).toBe(0);
    await shoot(page, 'signin-passkey');
    const sent = page.waitForRequest((r) => r.url().endsWith('/api/auth/login') && (r.postData() ?? '').includes('"passkey"'));
    await page.click('[data-testid=signin-passkey]');
    await page.locator('[data-testid=whoami]').waitFor({ timeout: 15_000 });
    const assertion = (JSON.parse((await sent).postData() ?? '{}') as { passkey?: unknown }).passkey;

    // The browser's own answer, sent again: its challenge is spent.
    const replay = await signInWith('pia', assertion);
    expect(replay.status).toBe(401);
    expect(errorCode(replay)).toBe('TANDEM_ERR_SIGNIN_FAILED');
    expect(await lastFailure('pia')).toBe('passkey challenge unknown, used or expired');
    await page.click('[data-testid=nav-account]');
    await expect.poll(() => page.locator('[data-testid=passkeys] li').textContent(), { timeout: 15_000 }).toMatch(/last used/);
    await page.context().close();

    const kinds = (await auditEvents(relay, adminToken, 'passkey-added')).map((e) => `${e.username ?? ''} ${e.detail}`);
    expect(kinds).toContain('pia by=pia name=Office laptop');
  });

  it('refuses an answer from another origin, a stale counter and a spent challenge, each otherwise right', async () => {
    await relay.addUser('quinn');
    const { page, authenticator } = await signedIn('quinn');
    await addPasskey(page, 'Key');
    const [credential] = await authenticator.credentials();
    if (credential === undefined) throw new Error('the authenticator holds no credential');
    expect(credential.rpId).toBe('localhost');
    let counter = credential.signCount + 10;
    const forge = async (options: { origin?: string; challenge?: string; counter?: number } = {}) =>
      signAssertion({ credential, challenge: options.challenge ?? (await challengeFor('quinn')), origin: options.origin ?? relay.url, counter: options.counter ?? counter });

    // The positive control: the test's own signature, right in every part, is accepted.
    expect((await signInWith('quinn', await forge())).status).toBe(200);

    // A sibling site on the same host name (another port: the RP ID is the same, the origin is not).
    counter += 10;
    const otherOrigin = await signInWith('quinn', await forge({ origin: 'http://localhost:1' }));
    expect(errorCode(otherOrigin)).toBe('TANDEM_ERR_SIGNIN_FAILED');
    expect(await lastFailure('quinn')).toBe('passkey answer made for another site (origin or RP ID)');
    expect((await signInWith('quinn', await forge())).status).toBe(200);

    // A clone of the authenticator: a fresh challenge, the right origin, the counter not above the last one.
    const stale = await signInWith('quinn', await forge());
    expect(errorCode(stale)).toBe('TANDEM_ERR_SIGNIN_FAILED');
    expect(await lastFailure('quinn')).toBe('passkey counter did not increase (a cloned authenticator or a replay)');

    // A challenge answered once, answered again with a counter that did grow.
    const challenge = await challengeFor('quinn');
    counter += 10;
    expect((await signInWith('quinn', await forge({ challenge }))).status).toBe(200);
    counter += 10;
    const spent = await signInWith('quinn', await forge({ challenge }));
    expect(errorCode(spent)).toBe('TANDEM_ERR_SIGNIN_FAILED');
    expect(await lastFailure('quinn')).toBe('passkey challenge unknown, used or expired');

    // An account with passkeys only has no TOTP secret: a guessed code is no way in.
    const guess = await api(relay, 'POST', '/api/auth/login', { body: { username: 'quinn', password: PASSWORD, totp: '123456' } });
    expect(errorCode(guess)).toBe('TANDEM_ERR_SIGNIN_FAILED');
    await page.context().close();
  });

  it('refuses a passkey once it is removed, and keeps the others', async () => {
    await relay.addUser('rosa');
    // Both consoles signed in before the first passkey: after it, a sign-in needs one.
    const first = await signedIn('rosa');
    const second = await signedIn('rosa');
    await addPasskey(first.page, 'Laptop');
    await addPasskey(second.page, 'Phone');
    const laptop = (await first.authenticator.credentials())[0];
    const phone = (await second.authenticator.credentials())[0];
    if (laptop === undefined || phone === undefined) throw new Error('an authenticator holds no credential');
    await second.page.reload();
    await expect.poll(() => second.page.locator('[data-testid=passkeys] li').count(), { timeout: 15_000 }).toBe(2);

    await second.page.click('[data-testid="passkey-remove-Laptop"]');
    await expect.poll(() => second.page.locator('[data-testid=passkey-result]').textContent(), { timeout: 15_000 }).toBe('Passkey "Laptop" removed.');
    expect(await second.page.locator('[data-testid=passkeys] li').count()).toBe(1);

    const sign = async (credential: VirtualCredential) => signAssertion({ credential, challenge: await challengeFor('rosa'), origin: relay.url, counter: credential.signCount + 5 });
    const removed = await signInWith('rosa', await sign(laptop));
    expect(errorCode(removed)).toBe('TANDEM_ERR_SIGNIN_FAILED');
    expect(await lastFailure('rosa')).toBe('unknown passkey');
    expect((await signInWith('rosa', await sign(phone))).status).toBe(200);
    expect((await auditEvents(relay, adminToken, 'passkey-removed')).map((e) => `${e.username ?? ''} ${e.detail}`)).toContain('rosa by=rosa name=Laptop');
    await first.page.context().close();
    await second.page.context().close();
  });
});
