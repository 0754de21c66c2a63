/**
 * Which SetEncodings entries the gatekeeper lets through. An encoding or
 * pseudo-encoding is only safe when everything the client may send after
 * negotiating it is still one of the messages the gatekeeper parses
 * (RFC 6143 §7.5 plus SetDesktopSize). Extensions that add client messages
 * or change their format (Extended Clipboard 0xC0A1E5CE changes ClientCutText,
 * QEMU Extended Key Event -258 adds message 255, ContinuousUpdates -313 adds
 * 150, Fence -312 adds 248, xvp -309 adds 250, gii -305 adds 253, Extended
 * Mouse Buttons -316 changes PointerEvent) are dropped.
 */
import { ENCODING } from '@tandem/rfb';

/** True when the gatekeeper can parse every consequence of `encoding`. */
export function isGatekeeperSafe(encoding: number): boolean {
  switch (encoding) {
    case ENCODING.Raw:
    case ENCODING.CopyRect:
    case 2: // RRE
    case 5: // Hextile
    case ENCODING.Zlib:
    case ENCODING.Tight:
    case 8: // ZlibHex
    case 15: // TRLE
    case ENCODING.ZRLE:
    case ENCODING.Cursor:
    case -240: // XCursor
    case ENCODING.DesktopSize:
    case ENCODING.LastRect:
    case ENCODING.ExtendedDesktopSize: // its client message, SetDesktopSize, is parsed
    case -307: // DesktopName
    case -232: // PointerPos
    case -314: // Cursor with alpha
      return true;
    default:
      // Compression and JPEG quality levels only tune the server's encoders.
      return (encoding >= ENCODING.CompressLevel0 && encoding <= ENCODING.CompressLevel9)
        || (encoding >= ENCODING.QualityLevel0 && encoding <= ENCODING.QualityLevel9);
  }
}

/** Pseudo-encodings the built-in engine acts on (see interpretEncodings). */
export const BUILTIN_PSEUDO_ENCODINGS: readonly number[] = [
  ENCODING.Cursor, ENCODING.DesktopSize, ENCODING.LastRect, ENCODING.ExtendedDesktopSize,
];

/**
 * A filter for the built-in engine: its encoders plus the pseudo-encodings it
 * implements, intersected with what the gatekeeper can parse.
 */
export function builtinEncodingFilter(encoders: Iterable<number>): (encoding: number) => boolean {
  const supported = new Set<number>([...encoders, ...BUILTIN_PSEUDO_ENCODINGS]);
  return (e) => isGatekeeperSafe(e) && (supported.has(e)
    || (e >= ENCODING.CompressLevel0 && e <= ENCODING.CompressLevel9)
    || (e >= ENCODING.QualityLevel0 && e <= ENCODING.QualityLevel9));
}

/**
 * A filter for the bridge: exactly the encodings whose rectangles the
 * server gate can frame (`framed`, @tandem/rfb's framer table), plus the
 * compression and JPEG quality levels, which only tune the server's
 * encoders; intersected with what the gatekeeper can parse. A VNC server
 * sends only what the client asked for (RFC 6143 §7.5.2), so a rectangle in
 * anything else is the server's protocol violation and ends the stream.
 */
export function bridgeEncodingFilter(framed: Iterable<number>): (encoding: number) => boolean {
  const set = new Set<number>(framed);
  return (e) => isGatekeeperSafe(e) && (set.has(e)
    || (e >= ENCODING.CompressLevel0 && e <= ENCODING.CompressLevel9)
    || (e >= ENCODING.QualityLevel0 && e <= ENCODING.QualityLevel9));
}
