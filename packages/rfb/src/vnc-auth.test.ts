import { describe, it, expect } from 'vitest';
import { decodeVncPasswordFile, encodeVncPasswordFile, vncKey, vncResponse, vncVerify } from './vnc-auth.js';

describe('VNC authentication', () => {
  it('reverses the bits of each password byte for the DES key', () => {
    expect(Buffer.from(vncKey('a')).toString('hex')).toBe('8600000000000000'); // 0x61 → 0x86
  });

  it('answers a challenge and verifies it (real viewers check it in test/rfb-engine.test.ts)', () => {
    // ECB: two equal challenge blocks give two equal response blocks.
    const challenge = new Uint8Array(16);
    const r = vncResponse(challenge, 'password');
    expect(r.subarray(0, 8)).toEqual(r.subarray(8, 16));
    expect(vncVerify(challenge, r, 'password')).toBe(true);
    expect(vncVerify(challenge, r, 'passwore')).toBe(false);
    expect(vncVerify(challenge, r, 'password-longer')).toBe(true); // only 8 bytes count (RFC 6143 §7.2.2)
  });

  it('writes and reads the vncpasswd file format', () => {
    expect(decodeVncPasswordFile(encodeVncPasswordFile('secret'))).toBe('secret');
  });
});
