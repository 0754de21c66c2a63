/**
 * @tandem/rfb: the RFB wire format (RFC 6143) that both ends of a Tandem
 * screen share speak: the customer's engine, gatekeeper and VNC bridge (in
 * @tandem/agent) and the technician's client (in @tandem/tech). Messages,
 * encodings, pixel formats, the handshake, VNC Authentication, the
 * resumable byte queue every parser reads from, and the reader that frames
 * a server's messages and rectangles. No session, no I/O.
 */
export * from './byte-queue.js';
export * from './client-messages.js';
export * from './encodings.js';
export * from './handshake.js';
export * from './pixel-format.js';
export * from './rect-framers/rect-framer.js';
export { defaultRectFramers } from './rect-framers/registry.js';
export { tightPixelBytes } from './rect-framers/tight.js';
export * from './server-messages.js';
export * from './server-message-reader.js';
export * from './vnc-auth.js';
