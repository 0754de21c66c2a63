/** The help desk's front door: teams, presence, directory, queue (issue 13). */
export { FrontDoor, type FrontDoorDeps, type FrontDoorLimits, type QueueActor } from './front-door.js';
export { MemoryFrontDoorState, type FrontDoorState, type StoredEntry, type StoredPresence } from './front-door-state.js';
export { registerFrontDoorRoutes, type FrontDoorRouteDeps } from './front-door-routes.js';
export { FRONT_DOOR_SCHEMAS } from './front-door-schemas.js';
export { Teams, assertTeamName } from './teams.js';
