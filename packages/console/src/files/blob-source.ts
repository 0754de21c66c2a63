/**
 * A file the technician dropped or picked in the console, as the files
 * channel reads it (protocol's FileSource): slices of the browser's File,
 * read one at a time, so a large file is never in memory whole.
 */
import type { FileSource } from '@tandem/protocol';

/** Reads `blob` front to back in slices of at most the size asked. */
export function blobSource(blob: Blob): FileSource {
  const at = { offset: 0 };
  return {
    async read(max: number): Promise<Uint8Array> {
      const end = Math.min(blob.size, at.offset + max);
      const bytes = new Uint8Array(await blob.slice(at.offset, end).arrayBuffer());
      at.offset = end;
      return bytes;
    },
    close: async () => undefined,
  };
}
