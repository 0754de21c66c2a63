import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TandemError } from '@tandem/protocol';
import { tempDir } from '@tandem/test-kit';
import { PrivateFolder, removeStaleFolders } from './private-folder.js';

describe('the private temporary folder', () => {
  it('is made 0700 under the given folder, takes files in sub-folders (0600), and is removed whole', () => {
    const parent = tempDir();
    const folder = PrivateFolder.create(parent);
    expect(folder.path.startsWith(join(parent, `tandem-agent-${process.pid}-`))).toBe(true);
    expect(statSync(folder.path).mode & 0o777).toBe(0o700);
    folder.write('node_modules/@img/x/lib/a.so', new Uint8Array([1, 2, 3]));
    const file = join(folder.path, 'node_modules/@img/x/lib/a.so');
    expect([...readFileSync(file)]).toEqual([1, 2, 3]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(folder.path, 'node_modules')).mode & 0o777).toBe(0o700);
    expect(() => folder.write('../escape', new Uint8Array(1))).toThrow(/outside the private folder/);
    folder.remove();
    expect(existsSync(folder.path)).toBe(false);
    folder.remove();
  });

  it('says TANDEM_ERR_TEMP_UNWRITABLE, naming the folder, when it cannot be made', () => {
    const parent = tempDir();
    const file = join(parent, 'file');
    writeFileSync(file, '');
    for (const where of [file, join(parent, 'missing')]) {
      const err: unknown = (() => {
        try {
          PrivateFolder.create(where);
          return undefined;
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(TandemError);
      expect(err).toMatchObject({ code: 'TANDEM_ERR_TEMP_UNWRITABLE' });
      expect((err as Error).message).toContain(`in ${where} (`);
    }
  });

  it('removes the folders of agents whose process is gone, and nothing else', () => {
    const parent = tempDir();
    const stale = join(parent, 'tandem-agent-999999999-abcdef');
    const live = join(parent, `tandem-agent-${process.pid}-abcdef`);
    const other = join(parent, 'tandem-agent-notapid-abcdef');
    for (const d of [stale, live, other]) mkdirSync(d);
    removeStaleFolders(parent);
    expect([existsSync(stale), existsSync(live), existsSync(other)]).toEqual([false, true, true]);
  });
});
