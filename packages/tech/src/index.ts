/**
 * @tandem/tech: the technician's scriptable client (`tandem tech session`,
 * `tandem tech invitation`): signing in, the stdin commands and stdout lines
 * scripts depend on, and an RFB client with its decoders and a PNG writer for
 * `/snapshot`. It sends what it is told whatever the mode (tests use it to
 * play a hostile console): enforcement is the customer's agent's job. It never
 * ships to customers.
 */
export { TECH_COMMANDS, TECH_GROUP } from './command-line/tech-commands.js';
export { RfbClient, DEFAULT_ENCODINGS, type RfbClientEvent, type RfbClientOptions, type RfbSnapshot } from './rfb-client/rfb-client.js';
export { defaultDecoders } from './rfb-client/decoders/registry.js';
export type { DecodeContext, RectDecoder, RectHeader } from './rfb-client/decoders/decoder.js';
export { ClientFramebuffer } from './rfb-client/framebuffer.js';
export { drawTiles as drawZrleTiles } from './rfb-client/decoders/zrle.js';
export { encodePng } from './rfb-client/png-writer.js';
export { login, type LoginResult } from './commands/sign-in.js';
