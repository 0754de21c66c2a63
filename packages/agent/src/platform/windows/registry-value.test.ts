import { describe, it, expect } from 'vitest';
import { REG_TYPES, decodeRegistryValue } from './registry-value.js';

const utf16 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf16le'));

describe('decodeRegistryValue', () => {
  it('strings with or without their NUL, multi-strings up to the empty one, little-endian numbers', () => {
    expect(decodeRegistryValue('a', REG_TYPES.REG_SZ, utf16('proxy:8080\0'))).toEqual({ name: 'a', type: 'REG_SZ', data: 'proxy:8080' });
    expect(decodeRegistryValue('a', REG_TYPES.REG_SZ, utf16('no terminator'))).toEqual({ name: 'a', type: 'REG_SZ', data: 'no terminator' });
    expect(decodeRegistryValue('a', REG_TYPES.REG_EXPAND_SZ, utf16('%APPDATA%\0'))).toEqual({ name: 'a', type: 'REG_EXPAND_SZ', data: '%APPDATA%' });
    expect(decodeRegistryValue('m', REG_TYPES.REG_MULTI_SZ, utf16('https://a.example\0日本.example\0\0'))).toEqual({ name: 'm', type: 'REG_MULTI_SZ', data: ['https://a.example', '日本.example'] });
    expect(decodeRegistryValue('m', REG_TYPES.REG_MULTI_SZ, utf16('\0'))).toEqual({ name: 'm', type: 'REG_MULTI_SZ', data: [] });
    expect(decodeRegistryValue('m', REG_TYPES.REG_MULTI_SZ, new Uint8Array(0))).toEqual({ name: 'm', type: 'REG_MULTI_SZ', data: [] });
    expect(decodeRegistryValue('d', REG_TYPES.REG_DWORD, new Uint8Array([0x10, 0x0e, 0, 0]))).toEqual({ name: 'd', type: 'REG_DWORD', data: 3600 });
    expect(decodeRegistryValue('q', REG_TYPES.REG_QWORD, new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]))).toEqual({ name: 'q', type: 'REG_QWORD', data: 1 });
    expect(decodeRegistryValue('q', REG_TYPES.REG_QWORD, new Uint8Array(8).fill(0xff))).toEqual({ name: 'q', type: 'REG_QWORD', data: 0xffffffffffffffffn });
  });

  it('a number of the wrong size, an odd string, and types it does not know keep their bytes', () => {
    expect(decodeRegistryValue('d', REG_TYPES.REG_DWORD, new Uint8Array([1, 0]))).toEqual({ name: 'd', type: 'REG_OTHER', data: new Uint8Array([1, 0]) });
    expect(decodeRegistryValue('s', REG_TYPES.REG_SZ, new Uint8Array([0x41, 0, 0x42]))).toEqual({ name: 's', type: 'REG_SZ', data: 'A' });
    expect(decodeRegistryValue('b', REG_TYPES.REG_BINARY, new Uint8Array([1, 2]))).toEqual({ name: 'b', type: 'REG_BINARY', data: new Uint8Array([1, 2]) });
    expect(decodeRegistryValue('n', REG_TYPES.REG_NONE, new Uint8Array([]))).toEqual({ name: 'n', type: 'REG_NONE', data: new Uint8Array([]) });
    expect(decodeRegistryValue('l', 6, new Uint8Array([9]))).toEqual({ name: 'l', type: 'REG_OTHER', data: new Uint8Array([9]) });
  });
});
