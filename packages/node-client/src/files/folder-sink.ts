/**
 * A received file on disk, as the agent and the technician's client both
 * save it (issue 11): written under a temporary name in the destination
 * folder itself (so naming it is a link, never a copy across disks), given
 * its final name only once its SHA-256 matched, never over an existing file
 * (a numbered name instead), and removed when the transfer does not complete.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, mkdir, open, rm, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { numberedFileName, safeFileName, TandemError, type FileSink } from '@tandem/protocol';

/** Most numbered names tried before giving up. */
const MAX_NUMBERED = 1000;

/** The suffix of the temporary names of files being received (docs/protocol.md, "The files channel"). */
export const PARTIAL_SUFFIX = '.tandem-partial';

/** A {@link FileSink} in a folder, with the names it uses. */
export interface FolderSink extends FileSink {
  /** The name the file will have, before numbering: the sender's name made safe. */
  readonly name: string;
  /** Where the bytes go until the file is named. */
  readonly tempPath: string;
}

/** Makes `dir` if needed and opens a temporary file in it for `sentName` (made safe with protocol's safeFileName). */
export async function openFolderSink(dir: string, sentName: string): Promise<FolderSink> {
  const name = safeFileName(sentName);
  await mkdir(dir, { recursive: true });
  // A hidden name no sender can choose (safe names never start with a dot) and no other transfer shares.
  const tempPath = join(dir, `.${randomBytes(8).toString('hex')}${PARTIAL_SUFFIX}`);
  const handle = await open(tempPath, 'wx', 0o600);
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  return {
    name,
    tempPath,
    write: (bytes) => writeAll(handle, bytes),
    async commit() {
      await handle.sync();
      await close();
      return nameFile(tempPath, dir, name);
    },
    async discard() {
      try {
        await close();
      } finally {
        await rm(tempPath, { force: true });
      }
    },
  };
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}

/**
 * Gives `tempPath` the first free name of `name`, `name (2)`, ...: a hard
 * link fails when the name exists, so an existing file is never replaced,
 * even one made meanwhile; where links are not supported, a copy that
 * refuses an existing target (COPYFILE_EXCL) does the same.
 */
async function nameFile(tempPath: string, dir: string, name: string): Promise<string> {
  for (let n = 1; n <= MAX_NUMBERED; n++) {
    const target = join(dir, numberedFileName(name, n));
    try {
      await link(tempPath, target);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV') throw err;
      try {
        await copyFile(tempPath, target, constants.COPYFILE_EXCL);
      } catch (copyErr) {
        if ((copyErr as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw copyErr;
      }
    }
    await unlink(tempPath);
    return target;
  }
  await rm(tempPath, { force: true });
  throw new TandemError('TANDEM_ERR_FILE_FAILED', `${name}: ${MAX_NUMBERED} files of that name already exist in ${dir}`);
}
