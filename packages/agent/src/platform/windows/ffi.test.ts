import { describe, expect, it } from 'vitest';
import { WindowsFfi } from './ffi.js';

describe('WindowsFfi', () => {
  it('refuses to load anywhere but on Windows, naming the platform', () => {
    expect(() => WindowsFfi.load('linux')).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_INTERNAL', message: 'the Windows functions are not available on linux' }));
    expect(() => WindowsFfi.load('darwin')).toThrow(/not available on darwin/);
  });
});
