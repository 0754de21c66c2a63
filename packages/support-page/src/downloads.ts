/**
 * Whether the relay has each agent to download. The download routes are the
 * relay's (`GET /download/…`, fixed paths: protocol's AGENT_DOWNLOADS); a
 * relay whose agents were not built answers them 404 (TANDEM_ERR_NOT_FOUND),
 * so the page asks with a HEAD request and says plainly when one is missing,
 * rather than offering a link that leads to an error.
 */
import { AGENT_DOWNLOADS, type AgentPlatform } from '@tandem/protocol';

/** What the page knows of one download. */
export type Availability = { state: 'checking' } | { state: 'available'; bytes: number | undefined } | { state: 'missing' };

/** Asks the relay whether it has the agent for `platform` (and its size, when it says). */
export async function checkDownload(platform: AgentPlatform, fetchFn: typeof fetch): Promise<Availability> {
  try {
    const response = await fetchFn(AGENT_DOWNLOADS[platform].path, { method: 'HEAD', cache: 'no-store' });
    if (!response.ok) return { state: 'missing' };
    const length = Number(response.headers.get('content-length') ?? '');
    return { state: 'available', bytes: Number.isSafeInteger(length) && length > 0 ? length : undefined };
  } catch (err) {
    // A relay that cannot answer a HEAD request cannot serve the file either.
    console.warn(`support page: ${AGENT_DOWNLOADS[platform].path} could not be checked:`, err);
    return { state: 'missing' };
  }
}

/** A download's size as the page shows it: decimal megabytes, as browsers show downloads, never broken across lines. */
export function formatSize(bytes: number): string {
  const mb = bytes / 1_000_000;
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb).toString()}\u00a0MB`;
}
