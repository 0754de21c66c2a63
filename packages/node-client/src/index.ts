/**
 * @tandem/node-client: what a Node process needs to be a client of a Tandem
 * relay and a scriptable command, shared by the customer's agent
 * (@tandem/agent) and the technician's client (@tandem/tech): the relay
 * transport with certificate pinning (WebSocket and HTTPS), the node:crypto
 * AEAD provider, trying several relays with a diagnostic report, the clock,
 * and the command-line kit (command table, option scanner, line output and
 * input, password files).
 */
export * from './clock.js';
export * from './node-aead.js';
export * from './relay-failover.js';
export * from './transport/fingerprint.js';
export * from './transport/http-client.js';
export * from './transport/relay-socket.js';
export * from './transport/relay-transport.js';
export * from './command-line/command-context.js';
export * from './command-line/command-line.js';
export * from './command-line/line-input.js';
export * from './command-line/line-output.js';
export * from './command-line/option-scan.js';
export * from './command-line/password-file.js';
export * from './command-line/session-lines.js';
export * from './version.js';
export * from './proxy/connection-trace.js';
export * from './proxy/desktop-proxy.js';
export * from './proxy/env-proxy.js';
export * from './proxy/no-proxy.js';
export * from './proxy/pac-script.js';
export * from './proxy/proxy-file.js';
export * from './proxy/proxy-resolver.js';
export * from './proxy/proxy-route.js';
export * from './proxy/proxy-response.js';
export * from './proxy/report-lines.js';
export * from './proxy/wpad.js';
export * from './proxy/client-proxy.js';
export { ProxyAuthError, proxyAskingCredentials } from './proxy/route-dialer.js';
export * from './files/file-source.js';
export * from './files/folder-sink.js';
