/**
 * @tandem/agent: the customer's agent and the scriptable technician client.
 * The CLI is `bin/tandem.js`; these exports are for tests and embedding.
 */
export * from './cli-args.js';
export * from './fingerprint.js';
export * from './relay-transport.js';
export * from './relay-socket.js';
export * from './http-client.js';
export * from './os-user.js';
export * from './output.js';
export * from './event-log.js';
export * from './join-controller.js';
export * from './consent-server.js';
export * from './browser-open.js';
export * from './terminal-prompts.js';
export { main, EXIT_FAILURE, EXIT_USAGE } from './cli.js';
export { nodeAeadProvider } from './node-aead.js';
export { RfbClient, type RfbClientOptions } from './rfb-client/rfb-client.js';
