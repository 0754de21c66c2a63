/**
 * Which relays `tandem tech invitation` may sign in to (issue 7, item 2).
 *
 * An invitation is a file anyone can write (its checksum is no seal,
 * docs/invitation-format.md), so the relays it names are only a hint: the
 * technician's password and token go to a relay only when the technician
 * named it with `--relay`, and the certificate pinned is the technician's
 * `--relay-fingerprint`, never the file's. The relays tried are the
 * technician's, in the technician's order, that the invitation also names
 * (origins compared after protocol's normaliseRelayOrigin).
 */
import { TandemError, relayOriginOf, type Invitation, type InvitationRelay } from '@tandem/protocol';
import type { PinnedRelay } from '@tandem/node-client';

/** What to try, and what to tell the technician about the rest. */
export interface RelayChoice {
  /** The technician's relays the invitation names, in the technician's order, with the technician's pins only. */
  relays: PinnedRelay[];
  /** Lines for stderr: the invitation's relays not contacted, fingerprints from the file not used. */
  notes: string[];
}

/**
 * Matches the invitation's relays against the technician's. Throws
 * TANDEM_ERR_RELAY_NOT_CONFIGURED, naming both lists, when none matches
 * (or the technician gave none); then nothing may be contacted.
 */
export function chooseRelays(inv: Invitation, configured: readonly PinnedRelay[]): RelayChoice {
  const named = inv.relays.map((r) => r.url).join(', ');
  const advice =
    'your sign-in goes only to relays you name with --relay, never to those an invitation names, so nothing was contacted; ' +
    'if the invitation is genuine, add --relay for the one of its relays you trust (with --relay-fingerprint HEX for a self-signed certificate)';
  if (configured.length === 0) {
    throw new TandemError('TANDEM_ERR_RELAY_NOT_CONFIGURED', `invitation ${inv.id} names the relays ${named}, and no --relay was given: ${advice}`);
  }
  const offered = new Map<string, InvitationRelay>();
  for (const r of inv.relays) {
    const origin = relayOriginOf(r.url);
    if (origin !== undefined) offered.set(origin, r);
  }
  const relays = configured.filter((r) => offered.has(relayOriginOf(r.url) ?? ''));
  if (relays.length === 0) {
    throw new TandemError(
      'TANDEM_ERR_RELAY_NOT_CONFIGURED',
      `invitation ${inv.id} names the relays ${named}, none of which you configured (--relay ${configured.map((r) => r.url).join(', ')}): ${advice}`,
    );
  }
  const chosen = new Set(relays.map((r) => relayOriginOf(r.url)));
  const notes = inv.relays
    .filter((r) => !chosen.has(relayOriginOf(r.url)))
    .map((r) => `relay ${r.url} (named by the invitation) is not one of your --relay: not contacted`);
  for (const r of relays) {
    const fromFile = offered.get(relayOriginOf(r.url) ?? '')?.fingerprint;
    if (fromFile !== undefined && fromFile !== r.fingerprint) {
      notes.push(`relay ${r.url}: the invitation's certificate fingerprint is not used; only yours (--relay-fingerprint) is pinned`);
    }
  }
  return { relays, notes };
}
