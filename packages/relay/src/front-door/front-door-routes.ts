/**
 * The front door's HTTP routes (docs/protocol.md, "Relay HTTP API"): the
 * public directory, presence, the queue, and the administrators' teams.
 * `GET /api/directory` and `PUT /api/me/presence` are fixed: monitoring
 * scripts use them.
 */
import { QUEUE_TOKEN_HEADER, TandemError, assertObject, type DirectoryInfo, type PresenceInfo, type QueueEntryInfo, type QueueJoined, type QueueStatus, type TeamInfo } from '@tandem/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Accounts, PublicUser } from '../accounts.js';
import { bearer } from '../http-routes.js';
import type { FrontDoor } from './front-door.js';
import { FRONT_DOOR_SCHEMAS as S } from './front-door-schemas.js';
import type { Teams } from './teams.js';

/** What the routes need. */
export interface FrontDoorRouteDeps {
  accounts: Accounts;
  frontDoor: FrontDoor;
  teams: Teams;
  addressOf: (req: FastifyRequest) => string;
}

function param(req: FastifyRequest, name: string): unknown {
  return (req.params as Record<string, unknown>)[name];
}

function queueToken(req: FastifyRequest): unknown {
  return req.headers[QUEUE_TOKEN_HEADER];
}

/** Registers the front door's routes. */
export function registerFrontDoorRoutes(app: FastifyInstance, deps: FrontDoorRouteDeps): void {
  const { accounts, frontDoor, teams } = deps;
  const signedIn = async (req: FastifyRequest): Promise<PublicUser> => accounts.authenticate(bearer(req));
  const admin = async (req: FastifyRequest): Promise<PublicUser> => {
    const user = await signedIn(req);
    if (user.role !== 'admin') throw new TandemError('TANDEM_ERR_FORBIDDEN', 'Only administrators may do this.');
    return user;
  };

  app.get('/api/directory', { schema: S.directory }, async (): Promise<DirectoryInfo> => frontDoor.directory());

  app.get('/api/me/presence', { schema: S.getPresence }, async (req): Promise<PresenceInfo> => frontDoor.presence((await signedIn(req)).username));

  app.put('/api/me/presence', { schema: S.putPresence }, async (req): Promise<PresenceInfo> => frontDoor.setPresence((await signedIn(req)).username, req.body));

  app.post('/api/queue', { schema: S.join }, async (req): Promise<QueueJoined> => frontDoor.join(req.body, deps.addressOf(req)));

  app.get('/api/queue', { schema: S.list }, async (req): Promise<{ entries: QueueEntryInfo[] }> => ({ entries: await frontDoor.list(await signedIn(req)) }));

  app.get('/api/queue/:id', { schema: S.status }, async (req): Promise<QueueStatus> => frontDoor.status(param(req, 'id'), queueToken(req)));

  app.delete('/api/queue/:id', { schema: S.leave }, async (req) => {
    await frontDoor.leave(param(req, 'id'), queueToken(req));
    return {};
  });

  app.post('/api/queue/:id/accept', { schema: S.accept }, async (req): Promise<QueueEntryInfo> => frontDoor.accept(await signedIn(req), param(req, 'id')));

  app.get('/api/teams', { schema: S.teams }, async (req): Promise<{ teams: TeamInfo[] }> => {
    await admin(req);
    return { teams: await teams.list() };
  });

  app.post('/api/teams', { schema: S.addTeam }, async (req) => {
    const actor = await admin(req);
    assertObject(req.body, 'body');
    await teams.add({ name: req.body.name, displayName: req.body.displayName, listing: req.body.listing }, actor.username);
    return {};
  });

  app.patch('/api/teams/:team', { schema: S.changeTeam }, async (req) => {
    const actor = await admin(req);
    assertObject(req.body, 'body');
    await teams.change(param(req, 'team'), { displayName: req.body.displayName, listing: req.body.listing }, actor.username);
    return {};
  });

  app.delete('/api/teams/:team', { schema: S.removeTeam }, async (req) => {
    const actor = await admin(req);
    await teams.remove(param(req, 'team'), actor.username);
    return {};
  });

  app.put('/api/teams/:team/members/:username', { schema: S.putMember }, async (req) => {
    const actor = await admin(req);
    assertObject(req.body, 'body');
    await teams.addMember(param(req, 'team'), param(req, 'username'), req.body.showName ?? false, actor.username);
    return {};
  });

  app.delete('/api/teams/:team/members/:username', { schema: S.removeMember }, async (req) => {
    const actor = await admin(req);
    await teams.removeMember(param(req, 'team'), param(req, 'username'), actor.username);
    return {};
  });
}
