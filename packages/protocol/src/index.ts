/**
 * @tandem/protocol: the wire protocol shared by the relay, the agent and the
 * console. Isomorphic: runs in Node and in the browser.
 */
export * from './api-types.js';
export * from './front-door.js';
export * from './assert.js';
export * from './bytes.js';
export * from './base64url.js';
export * from './constants.js';
export * from './duration.js';
export * from './errors.js';
export * from './emitter.js';
export * from './state-machine.js';
export * from './relay-messages.js';
export * from './session-messages.js';
export * from './session-code.js';
export * from './aead.js';
export * from './aead-vectors.js';
export * from './cpace.js';
export * from './key-schedule.js';
export * from './handshake.js';
export * from './record-layer.js';
export * from './relay-connection.js';
export * from './relay-origin.js';
export * from './secure-session.js';
export * from './file-names.js';
export * from './file-messages.js';
export * from './file-transfer.js';
export * from './file-channel.js';
export * from './sysinfo-channel.js';
export * from './transfer-log.js';
export * from './peer-session.js';
export * from './technician-session.js';
export * from './customer-session.js';
export * from './invitation.js';
export * from './invitation-holder.js';
export * from './agent-file.js';
