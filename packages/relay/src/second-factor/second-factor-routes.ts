import { SECOND_FACTOR_REQUIREMENTS, TandemError, assertObject, type PasskeyInfo, type SecondFactorRequirement } from '@tandem/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Accounts, PublicUser } from '../accounts.js';
import { bearer } from '../http-routes.js';
import { MAX_PASSKEY_NAME_CHARS, type Passkeys } from './passkeys.js';
import type { SecondFactorPolicy } from './second-factor-policy.js';

/** What the second-factor routes need. */
export interface SecondFactorRouteDeps {
  accounts: Accounts;
  passkeys: Passkeys;
  policy: SecondFactorPolicy;
}

/** A JSON object whose other properties pass as they are (WebAuthn's options and answers are the library's to check). */
const OPEN_OBJECT = { type: 'object', additionalProperties: true } as const;
const EMPTY = { type: 'object', properties: {}, additionalProperties: false } as const;
const PASSKEY = {
  type: 'object',
  required: ['id', 'name', 'createdAt', 'lastUsedAt'],
  properties: { id: { type: 'string' }, name: { type: 'string' }, createdAt: { type: 'number' }, lastUsedAt: { type: ['number', 'null'] } },
} as const;
const NAME = { type: 'string', minLength: 1, maxLength: MAX_PASSKEY_NAME_CHARS } as const;
const ID_PARAMS = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 1024 } } } as const;
const REQUIREMENT = { type: 'object', required: ['require'], properties: { require: { type: 'string', enum: [...SECOND_FACTOR_REQUIREMENTS] } } } as const;

/**
 * Registers the passkey routes of a signed-in user (list, register, rename,
 * remove; registering is open to a sign-in that may only enrol) and the
 * administrators' second-factor policy; docs/protocol.md, "Relay HTTP API".
 */
export function registerSecondFactorRoutes(app: FastifyInstance, deps: SecondFactorRouteDeps): void {
  const { accounts, passkeys, policy } = deps;
  const enrolling = (req: FastifyRequest): Promise<PublicUser> => accounts.authenticateForEnrolment(bearer(req));
  const signedIn = (req: FastifyRequest): Promise<PublicUser> => accounts.authenticate(bearer(req));
  const admin = async (req: FastifyRequest): Promise<PublicUser> => {
    const user = await signedIn(req);
    if (user.role !== 'admin') throw new TandemError('TANDEM_ERR_FORBIDDEN', 'Only administrators may do this.');
    return user;
  };
  const idOf = (req: FastifyRequest): unknown => (req.params as { id?: unknown }).id;

  app.get('/api/me/passkeys', { schema: { response: { 200: { type: 'object', required: ['passkeys'], properties: { passkeys: { type: 'array', items: PASSKEY } } } } } }, async (req): Promise<{ passkeys: PasskeyInfo[] }> => {
    const user = await enrolling(req);
    return { passkeys: await passkeys.list(user.username) };
  });

  app.post('/api/me/passkeys/options', { schema: { body: EMPTY, response: { 200: OPEN_OBJECT } } }, async (req) => {
    const user = await enrolling(req);
    return passkeys.registrationOptions(user.username, user.displayName);
  });

  app.post(
    '/api/me/passkeys',
    { schema: { body: { type: 'object', required: ['name', 'response'], properties: { name: NAME, response: OPEN_OBJECT } }, response: { 200: PASSKEY } } },
    async (req): Promise<PasskeyInfo> => {
      const user = await enrolling(req);
      assertObject(req.body, 'body');
      return passkeys.register(user.username, req.body.name, req.body.response, user.username);
    },
  );

  app.patch('/api/me/passkeys/:id', { schema: { params: ID_PARAMS, body: { type: 'object', required: ['name'], properties: { name: NAME } }, response: { 200: EMPTY } } }, async (req) => {
    const user = await signedIn(req);
    assertObject(req.body, 'body');
    await passkeys.rename(user.username, idOf(req), req.body.name);
    return {};
  });

  app.delete('/api/me/passkeys/:id', { schema: { params: ID_PARAMS, response: { 200: EMPTY } } }, async (req) => {
    const user = await signedIn(req);
    await passkeys.remove(user.username, idOf(req), user.username);
    return {};
  });

  app.get('/api/policy/second-factor', { schema: { response: { 200: REQUIREMENT } } }, async (req): Promise<{ require: SecondFactorRequirement }> => {
    await admin(req);
    return { require: await policy.get() };
  });

  app.put('/api/policy/second-factor', { schema: { body: REQUIREMENT, response: { 200: EMPTY } } }, async (req) => {
    const user = await admin(req);
    assertObject(req.body, 'body');
    await policy.set(req.body.require, user.username);
    return {};
  });
}
