/**
 * JSON schemas of the front door's routes (Fastify validates bodies and
 * parameters with them and serialises answers by them). They state the
 * shapes only; lengths and characters are checked by the front door's own
 * asserts, whose messages name the field and the limit.
 */

const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const int = { type: 'integer' } as const;
const status = { type: 'string', enum: ['available', 'busy', 'away'] } as const;
const error = { type: 'object', properties: { code: str, message: str }, required: ['code', 'message'] } as const;

/** `{}` answers. */
const empty = { type: 'object', properties: {}, additionalProperties: false } as const;

const presence = {
  type: 'object',
  properties: { status, autoBusy: { type: 'boolean' }, effective: status },
  required: ['status', 'autoBusy', 'effective'],
} as const;

const entry = {
  type: 'object',
  properties: {
    id: str,
    state: str,
    name: str,
    customerNumber: nullableStr,
    caseNumber: nullableStr,
    description: nullableStr,
    team: nullableStr,
    technician: nullableStr,
    position: int,
    joinedAt: int,
    waitingMs: int,
    acceptedBy: nullableStr,
  },
  required: ['id', 'state', 'name', 'position', 'joinedAt', 'waitingMs'],
} as const;

const team = {
  type: 'object',
  properties: {
    name: str,
    displayName: str,
    listing: { type: 'string', enum: ['hidden', 'team', 'names'] },
    createdAt: int,
    members: {
      type: 'array',
      items: { type: 'object', properties: { username: str, displayName: str, showName: { type: 'boolean' } }, required: ['username', 'displayName', 'showName'] },
    },
  },
  required: ['name', 'displayName', 'listing', 'createdAt', 'members'],
} as const;

const idParams = { type: 'object', properties: { id: str }, required: ['id'] } as const;
const teamParams = { type: 'object', properties: { team: str }, required: ['team'] } as const;
const memberParams = { type: 'object', properties: { team: str, username: str }, required: ['team', 'username'] } as const;
const anyBody = { type: 'object' } as const;

/** The schemas, by route. */
export const FRONT_DOOR_SCHEMAS = {
  directory: {
    response: {
      200: {
        type: 'object',
        properties: {
          teams: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                name: str,
                displayName: str,
                status,
                waiting: int,
                technicians: { type: 'array', items: { type: 'object', properties: { id: str, displayName: str, status }, required: ['id', 'displayName', 'status'] } },
              },
              required: ['name', 'displayName', 'status', 'waiting', 'technicians'],
            },
          },
          anyone: { type: 'object', properties: { status, waiting: int }, required: ['status', 'waiting'] },
        },
        required: ['teams', 'anyone'],
      },
    },
  },
  getPresence: { response: { 200: presence } },
  putPresence: { body: anyBody, response: { 200: presence } },
  join: {
    body: anyBody,
    response: { 200: { type: 'object', properties: { id: str, token: str, position: int }, required: ['id', 'token', 'position'] } },
  },
  list: { response: { 200: { type: 'object', properties: { entries: { type: 'array', items: entry } }, required: ['entries'] } } },
  status: {
    params: idParams,
    response: {
      200: {
        type: 'object',
        properties: {
          id: str,
          state: str,
          position: int,
          estimatedWaitMs: { type: ['integer', 'null'] },
          technician: { type: 'object', properties: { displayName: str }, required: ['displayName'] },
        },
        required: ['id', 'state', 'position', 'estimatedWaitMs'],
      },
    },
  },
  leave: { params: idParams, response: { 200: empty } },
  accept: { params: idParams, response: { 200: entry } },
  teams: { response: { 200: { type: 'object', properties: { teams: { type: 'array', items: team } }, required: ['teams'] } } },
  addTeam: { body: anyBody, response: { 200: empty } },
  changeTeam: { params: teamParams, body: anyBody, response: { 200: empty } },
  removeTeam: { params: teamParams, response: { 200: empty } },
  putMember: { params: memberParams, body: anyBody, response: { 200: empty } },
  removeMember: { params: memberParams, response: { 200: empty } },
} as const;

/** The error answer's schema, for documents that describe the routes' failures. */
export const ERROR_SCHEMA = error;
