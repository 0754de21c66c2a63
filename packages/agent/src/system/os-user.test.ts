import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gecosFullName, passwdGecos, osFullName } from './os-user.js';

describe('gecosFullName', () => {
  it('takes the first comma-separated field', () => {
    expect(gecosFullName('Hanako Yamada,Room 101,555-1234,,', 'hanako')).toBe('Hanako Yamada');
  });
  it('expands & to the capitalised user name', () => {
    expect(gecosFullName('& Smith', 'john')).toBe('John Smith');
  });
  it('gives empty for an empty field', () => {
    expect(gecosFullName(',,,', 'x')).toBe('');
    expect(gecosFullName('', 'x')).toBe('');
  });
  it('keeps non-ASCII names', () => {
    expect(gecosFullName('山田 花子,,,', 'hanako')).toBe('山田 花子');
  });
});

describe('passwdGecos and osFullName', () => {
  const passwd = [
    'root:x:0:0:root:/root:/bin/bash',
    'hanako:x:1000:1000:Hanako Yamada,,,:/home/hanako:/bin/bash',
    'nogecos:x:1001:1001::/home/nogecos:/bin/sh',
    'evil:x:1002:1002:Eve \u202Eexe.gnp,,,:/home/evil:/bin/sh',
    '',
  ].join('\n');

  it('finds the entry by exact user name', () => {
    expect(passwdGecos(passwd, 'hanako')).toBe('Hanako Yamada,,,');
    expect(passwdGecos(passwd, 'hana')).toBeUndefined();
  });

  it('reads a passwd file and falls back to the user name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-passwd-'));
    try {
      const file = join(dir, 'passwd');
      writeFileSync(file, passwd);
      expect(osFullName({ username: 'hanako', passwdPath: file })).toBe('Hanako Yamada');
      expect(osFullName({ username: 'nogecos', passwdPath: file })).toBe('nogecos');
      // Shown to the technician and kept in the audit: the override character is dropped, not passed on.
      expect(osFullName({ username: 'evil', passwdPath: file })).toBe('Eve exe.gnp');
      expect(osFullName({ username: 'missing', passwdPath: file })).toBe('missing');
      expect(osFullName({ username: 'hanako', passwdPath: join(dir, 'absent') })).toBe('hanako');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('osFullName on Windows', () => {
  it('the account\'s display name, else the user name, as a plain name', () => {
    expect(osFullName({ platform: 'win32', username: 'hanako', windowsDisplayName: () => 'Yamada Hanako' })).toBe('Yamada Hanako');
    expect(osFullName({ platform: 'win32', username: 'hanako', windowsDisplayName: () => undefined })).toBe('hanako');
    expect(osFullName({ platform: 'win32', username: 'evil', windowsDisplayName: () => 'Eve \u202Eexe.gnp' })).toBe('Eve exe.gnp');
    expect(osFullName({ platform: 'win32', username: 'hanako', windowsDisplayName: () => { throw new Error('koffi cannot be loaded'); } })).toBe('hanako');
  });
});
