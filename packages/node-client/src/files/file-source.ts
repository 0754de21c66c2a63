/**
 * A file to send, read in chunks from its open handle (so a file renamed
 * or replaced after it was chosen is still the one that was chosen).
 */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { FILE_LIMITS, TandemError, type FileSource } from '@tandem/protocol';

/** A file opened for sending: its name (the last part of its path), size and bytes. */
export interface OpenedFile {
  name: string;
  size: number;
  source: FileSource;
}

/** Opens `path` for sending; TANDEM_ERR_NOT_FOUND when there is none, TANDEM_ERR_BAD_INPUT when it is not a file. */
export async function openFileSource(path: string): Promise<OpenedFile> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new TandemError('TANDEM_ERR_NOT_FOUND', `${path}: no such file`, { cause: err });
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `${path}: cannot be read (${code ?? String(err)})`, { cause: err });
  }
  const stat = await handle.stat();
  if (!stat.isFile() || stat.size > FILE_LIMITS.maxFileBytes) {
    await handle.close();
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `${path}: ${stat.isFile() ? `larger than ${FILE_LIMITS.maxFileBytes} bytes` : 'not a file (a folder is sent as an archive: make one first)'}`);
  }
  let position = 0;
  const file = handle;
  return {
    name: basename(path),
    size: stat.size,
    source: {
      async read(max) {
        const buffer = Buffer.allocUnsafe(max);
        const { bytesRead } = await file.read(buffer, 0, max, position);
        position += bytesRead;
        return buffer.subarray(0, bytesRead);
      },
      close: () => file.close(),
    },
  };
}
