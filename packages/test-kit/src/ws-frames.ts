/**
 * Splits a captured TCP byte stream of one WebSocket connection into its
 * frames' unmasked payloads (RFC 6455 §5.2), so tests can search what the
 * relay actually forwarded. Test-only; the stream is complete when parsed.
 */
export interface CapturedFrame {
  opcode: number;
  payload: Buffer;
}

/** Parses `stream` (HTTP upgrade head first, then frames). */
export function parseWebSocketStream(stream: Buffer): CapturedFrame[] {
  const headEnd = stream.indexOf('\r\n\r\n');
  if (headEnd < 0) return [];
  let offset = headEnd + 4;
  const frames: CapturedFrame[] = [];
  while (offset + 2 <= stream.length) {
    const b0 = stream[offset]!;
    const b1 = stream[offset + 1]!;
    let length = b1 & 0x7f;
    let pos = offset + 2;
    if (length === 126) {
      if (pos + 2 > stream.length) break;
      length = stream.readUInt16BE(pos);
      pos += 2;
    } else if (length === 127) {
      if (pos + 8 > stream.length) break;
      length = Number(stream.readBigUInt64BE(pos));
      pos += 8;
    }
    const masked = (b1 & 0x80) !== 0;
    const mask = masked ? stream.subarray(pos, pos + 4) : undefined;
    if (masked) pos += 4;
    if (pos + length > stream.length) break;
    const payload = Buffer.from(stream.subarray(pos, pos + length));
    if (mask) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
    frames.push({ opcode: b0 & 0x0f, payload });
    offset = pos + length;
  }
  return frames;
}
