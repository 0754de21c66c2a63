/**
 * @tandem/agent: the customer's side of Tandem, and nothing of the
 * technician's: the customer's commands (join, invite, invitations, expire),
 * the local pages, the local policy, the screen engines (the built-in RFB
 * server on the desktop drivers, the bridge to a VNC server) and the
 * gatekeeper that enforces the mode on the technician's bytes.
 *
 * The repository's `tandem` command (@tandem/cli) and the downloadable agent
 * run {@link CUSTOMER_COMMANDS}; the rest is exported for embedding and for
 * the tests of the technician's client, which speak to the real engine.
 */
export { CUSTOMER_COMMANDS, agentCommandLine } from './customer-commands.js';
export { X11Desktop } from './desktop/x11-desktop.js';
export type { DesktopListener, DesktopSource } from './desktop/desktop-source.js';
export { serveRfb, startRfbServer, type RfbTcpServer } from './rfb-server/rfb-server.js';
export { defaultEncoders } from './rfb-server/encoders/registry.js';
export { EncoderStreams, type EncodeContext, type RectEncoder } from './rfb-server/encoders/encoder.js';
export { rawEncoder } from './rfb-server/encoders/raw.js';
export { zlibEncoder } from './rfb-server/encoders/zlib.js';
export { zrleEncoder } from './rfb-server/encoders/zrle.js';
export { PersistentDeflate } from './rfb-server/zlib-stream.js';
export { parsePolicyFile, parseRegistryPolicy, REGISTRY_POLICY_KEYS, POLICY_FORBID_FIELDS, type PolicyFile, type RegistryValue, type RegistryReadKey } from './policy/index.js';
export {
  parseWinInetProxy,
  parseProxyServer,
  winInetProxyFor,
  WININET_SETTINGS_KEY,
  type WinInetValues,
  type WinInetProxySettings,
  type WinInetChoice,
  type ProxyAddress,
} from './system/wininet-proxy.js';
export { readWinInetProxy, winInetValues } from './system/windows/wininet-settings.js';
export type { TextClipboard } from './desktop/clipboard.js';
export { WindowsClipboard } from './desktop/windows/windows-clipboard.js';
