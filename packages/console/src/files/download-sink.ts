/**
 * Where a file the customer sent goes in the console (protocol's FileSink):
 * its pieces are kept as a Blob, which the browser may hold on disk, and
 * only once the files channel has checked the whole file's SHA-256 is it
 * handed to the browser as a download under its (safe) name. A transfer that
 * fails or is cancelled leaves nothing: the pieces are dropped.
 */
import type { FileSink } from '@tandem/protocol';

/** The sink for `name`; `save` is given the complete, verified file (saveBlob in the app). */
export function downloadSink(name: string, save: (blob: Blob, name: string) => void): FileSink {
  const parts: BlobPart[] = [];
  return {
    async write(bytes: Uint8Array): Promise<void> {
      // A copy: the channel may reuse its buffer once the write resolved.
      parts.push(new Blob([bytes.slice()]));
    },
    async commit(): Promise<string> {
      save(new Blob(parts), name);
      parts.length = 0;
      return name;
    },
    async discard(): Promise<void> {
      parts.length = 0;
    },
  };
}
