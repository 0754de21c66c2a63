import { TandemError, assertObject, type SigninInfo } from '@tandem/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccountAdmin } from './account-admin.js';
import { assertUsername, type Accounts, type PublicUser } from './accounts.js';
import { consoleSetupLinkUrl } from './config.js';
import { bearer } from './http-routes.js';
import type { SecondFactors, TotpEnrolment } from './second-factor.js';

/** What the account routes need. */
export interface AccountRouteDeps {
  accounts: Accounts;
  admin: AccountAdmin;
  factors: SecondFactors;
  publicUrl: () => string;
  addressOf: (req: FastifyRequest) => string;
}

/** The `:username` of a route, checked as a user name. */
function target(req: FastifyRequest): string {
  const { username } = req.params as { username?: unknown };
  assertUsername(username);
  return username;
}

/**
 * Registers the account lifecycle routes (administrators: disable, enable,
 * delete, reset, revoke sign-ins, unlock) and a user's own ones (change the
 * password, list the sign-ins); docs/protocol.md, "Relay HTTP API".
 */
export function registerAccountRoutes(app: FastifyInstance, deps: AccountRouteDeps): void {
  const { accounts, admin } = deps;
  const signedIn = async (req: FastifyRequest): Promise<{ user: PublicUser; token: string }> => {
    const token = bearer(req);
    const user = await accounts.authenticate(token);
    // authenticate refuses a missing token.
    return { user, token: token ?? '' };
  };
  /** An administrator acting on another account: acting on one's own could lock the last administrator out. */
  const adminOn = async (req: FastifyRequest, what: string): Promise<{ actor: string; username: string }> => {
    const { user } = await signedIn(req);
    if (user.role !== 'admin') throw new TandemError('TANDEM_ERR_FORBIDDEN', 'Only administrators may do this.');
    const username = target(req);
    if (username === user.username && what !== 'unlock' && what !== 'revoke') {
      throw new TandemError('TANDEM_ERR_CONFLICT', `You cannot ${what} your own account; another administrator (or tandem-relay user ${what}) can.`);
    }
    return { actor: user.username, username };
  };

  app.post('/api/users/:username/disable', async (req) => {
    const { actor, username } = await adminOn(req, 'disable');
    await admin.disable(username, actor);
    return {};
  });

  app.post('/api/users/:username/enable', async (req) => {
    const { actor, username } = await adminOn(req, 'enable');
    await admin.enable(username, actor);
    return {};
  });

  app.delete('/api/users/:username', async (req) => {
    const { actor, username } = await adminOn(req, 'delete');
    await admin.delete(username, actor);
    return {};
  });

  app.post('/api/users/:username/reset', async (req) => {
    const { actor, username } = await adminOn(req, 'reset');
    const token = await admin.reset(username, actor);
    return { setupLink: consoleSetupLinkUrl(deps.publicUrl(), token) };
  });

  app.post('/api/users/:username/revoke-signins', async (req) => {
    const { actor, username } = await adminOn(req, 'revoke');
    return { revoked: await admin.revokeSignins(username, actor) };
  });

  app.post('/api/users/:username/unlock', async (req) => {
    const { actor, username } = await adminOn(req, 'unlock');
    await admin.unlock(username, actor);
    return {};
  });

  app.get('/api/me/signins', async (req): Promise<{ signins: SigninInfo[] }> => {
    const { user, token } = await signedIn(req);
    return { signins: await accounts.signins(user.username, token) };
  });

  // TOTP enrolment: a secret shown (otpauth URI and QR code), then confirmed with a code from it.
  // Open to a sign-in that may only enrol a second factor (the policy requires one).
  const enrolling = (req: FastifyRequest): Promise<PublicUser> => accounts.authenticateForEnrolment(bearer(req));
  app.post('/api/me/totp/start', async (req): Promise<TotpEnrolment> => {
    const user = await enrolling(req);
    return deps.factors.startTotp(user.username);
  });

  app.post('/api/me/totp/confirm', async (req): Promise<{ recoveryCodes: string[] }> => {
    const user = await enrolling(req);
    assertObject(req.body, 'body');
    return { recoveryCodes: await deps.factors.confirmTotp(user.username, req.body.code, user.username) };
  });

  app.post('/api/me/password', async (req) => {
    const { user, token } = await signedIn(req);
    assertObject(req.body, 'body');
    await accounts.changePassword(user.username, req.body.currentPassword, req.body.newPassword, deps.addressOf(req), token);
    return {};
  });
}
