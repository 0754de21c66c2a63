import { crc32, deflateSync } from 'node:zlib';
import { assertInteger, assertThat } from '@tandem/protocol';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  // The CRC covers the chunk type and data, not the length (PNG §5.3).
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * Encodes 8-bit RGB (`channels` 3) or RGBA (4) pixels, row after row, as a
 * PNG file (ISO/IEC 15948): IHDR, one IDAT of zlib data whose rows all use
 * filter type 0 (None), IEND. Lossless by construction.
 */
export function encodePng(width: number, height: number, channels: 3 | 4, pixels: Uint8Array): Buffer {
  assertInteger(width, 'width', 1, 0x7fffffff);
  assertInteger(height, 'height', 1, 0x7fffffff);
  assertThat(channels === 3 || channels === 4, 'channels', 'must be 3 (RGB) or 4 (RGBA)');
  assertThat(pixels.length === width * height * channels, 'pixels', `must hold ${width * height * channels} bytes, not ${pixels.length}`);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 3 ? 2 : 6; // colour type: truecolour, or truecolour with alpha
  // compression 0 (deflate), filter method 0, interlace 0: the zeros already there
  const row = width * channels;
  const raw = Buffer.alloc((row + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (row + 1)] = 0; // filter type None
    raw.set(pixels.subarray(y * row, (y + 1) * row), y * (row + 1) + 1);
  }
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
}
