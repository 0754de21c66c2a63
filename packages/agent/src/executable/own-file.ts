/**
 * The downloaded agent checks its own file before anything else
 * (docs/agent-file.md): the integrity trailer at its end and the SHA-256
 * over everything before it, with protocol's one implementation of the
 * layout and node:crypto's SHA-256. A damaged or truncated download is
 * refused with TANDEM_ERR_AGENT_DAMAGED; nothing of it runs.
 */
import { createHash } from 'node:crypto';
import { openSync, closeSync, fstatSync, readSync } from 'node:fs';
import { TandemError, verifyAgentFile, type AgentFileInfo, type AgentFileReader, type Sha256 } from '@tandem/protocol';

/** node:crypto's SHA-256 in the shape the layout takes. */
export function nodeSha256(): Sha256 {
  const hash = createHash('sha256');
  return { update: (data) => hash.update(data), digest: () => new Uint8Array(hash.digest()) };
}

/** A reader over an open file descriptor. */
function fdReader(fd: number): AgentFileReader {
  const size = fstatSync(fd).size;
  return {
    size,
    read: (offset, length) => {
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      let done = 0;
      while (done < buffer.length) {
        const n = readSync(fd, buffer, done, buffer.length - done, offset + done);
        if (n === 0) break;
        done += n;
      }
      return Promise.resolve(new Uint8Array(buffer.buffer, buffer.byteOffset, done));
    },
  };
}

/** Checks the agent file at `path`; throws TANDEM_ERR_AGENT_DAMAGED when it is damaged or cut short. */
export async function checkAgentFile(path: string): Promise<AgentFileInfo> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new TandemError('TANDEM_ERR_AGENT_DAMAGED', `cannot read this program's own file ${path} to check it (${(err as Error).message})`, { cause: err });
  }
  try {
    return await verifyAgentFile(fdReader(fd), nodeSha256);
  } finally {
    closeSync(fd);
  }
}
