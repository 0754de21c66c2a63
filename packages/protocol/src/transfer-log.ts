/**
 * The technician's transfer log (issue 11; README, "Files"): one entry per
 * transfer that ended, which file, from which folder on which computer, to
 * where, its size and SHA-256, and how it ended. The scriptable client
 * prints each as `transfer: {JSON}`; the console keeps them per session and
 * exports them. Defined once here so that both write the same fields.
 */

/** How a transfer ended, as the log says it. */
export const TRANSFER_RESULTS = ['ok', 'refused', 'cancelled', 'failed'] as const;

/** One entry of the transfer log. */
export interface TransferLogEntry {
  direction: 'sent' | 'received';
  name: string;
  /** The folder it came from and the computer of that folder. */
  from: { computer: string; folder: string };
  /** Where it went: this computer's path, or "the customer's computer". */
  to: { computer: string; path?: string };
  bytes: number;
  sha256?: string;
  result: (typeof TRANSFER_RESULTS)[number];
  error?: string;
  /** When it ended, ISO 8601 in UTC. */
  at: string;
}
