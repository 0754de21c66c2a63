/**
 * The parts of the RFB handshake (RFC 6143 §7.1) that the server engine, the
 * gatekeeper, the VNC bridge and the technician's client all speak: the
 * ProtocolVersion message and the security types. Defined once here.
 */
import { TandemError } from '@tandem/protocol';

/** Length of a ProtocolVersion message, bytes (§7.1.1). */
export const PROTOCOL_VERSION_BYTES = 12;

/** RFB minor versions Tandem speaks: 3.3, 3.7 and 3.8. */
export type RfbMinorVersion = 3 | 7 | 8;

/** Security types (§7.1.2, §7.2). */
export const SECURITY = {
  /** Refusal: a failure reason follows. */
  invalid: 0,
  /** No authentication (§7.2.1). */
  none: 1,
  /** VNC Authentication: DES challenge and response (§7.2.2). */
  vncAuth: 2,
} as const;

/** The ProtocolVersion message for `minor` (3.x), e.g. `RFB 003.008\n`. */
export function protocolVersion(minor: RfbMinorVersion): Uint8Array {
  return new TextEncoder().encode(`RFB 003.00${minor}\n`);
}

/** A parsed ProtocolVersion message: the numbers as sent. */
export interface ProtocolVersion {
  major: number;
  minor: number;
}

/**
 * Parses the 12 bytes of a ProtocolVersion message (`RFB xxx.yyy\n`, §7.1.1);
 * throws TANDEM_ERR_PROTOCOL saying what `who` (the peer, e.g. "the client")
 * sent instead.
 */
export function parseProtocolVersion(bytes: Uint8Array, who: string): ProtocolVersion {
  let text = '';
  for (const b of bytes.subarray(0, PROTOCOL_VERSION_BYTES)) text += String.fromCharCode(b);
  const m = /^RFB (\d{3})\.(\d{3})\n$/.exec(text);
  if (bytes.length !== PROTOCOL_VERSION_BYTES || m === null) {
    throw new TandemError('TANDEM_ERR_PROTOCOL', `${who} sent ${JSON.stringify(text)}, not an RFB ProtocolVersion`);
  }
  return { major: Number(m[1]), minor: Number(m[2]) };
}

/**
 * The version a server speaks with a client that sent `v`: 3.7 and 3.8 as
 * such, anything else as 3.3 (§7.1.1: "other version numbers … should be
 * interpreted as 3.3").
 */
export function serverVersionFor(v: ProtocolVersion): RfbMinorVersion {
  if (v.major === 3 && v.minor === 8) return 8;
  if (v.major === 3 && v.minor === 7) return 7;
  return 3;
}

/**
 * The version a client answers a server that sent `v` with: the highest both
 * speak (§7.1.1), so 3.8 for anything from 3.8 up, 3.7 for 3.7, else 3.3.
 */
export function clientVersionFor(v: ProtocolVersion): RfbMinorVersion {
  if (v.major > 3 || (v.major === 3 && v.minor >= 8)) return 8;
  if (v.major === 3 && v.minor === 7) return 7;
  return 3;
}
