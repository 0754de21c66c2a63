/**
 * Fuzz target: the invitation file and link parsers (invitation.ts
 * `readInvitation`, `parseInvitation`, `parseInvitationLink`,
 * `parseInvitationLinkData`), which read what a customer sent a technician.
 *
 * Invariants: each parser returns an invitation or throws TandemError
 * TANDEM_ERR_INVITATION_INVALID or TANDEM_ERR_INVITATION_VERSION (nothing
 * else); what parses is what the writer writes: `encodeInvitation` accepts
 * it and gives back the same text (less a byte order mark, CRLF and extra
 * final line ends, which the reader tolerates), and the file and link forms
 * parse back to the same invitation.
 */
import { isDeepStrictEqual } from 'node:util';
import { TandemError, type TandemErrorCode } from '../src/errors.js';
import {
  createInvitation,
  encodeInvitation,
  invitationLink,
  parseInvitation,
  parseInvitationLink,
  parseInvitationLinkData,
  readInvitation,
  type Invitation,
} from '../src/invitation.js';

/** How scripts/fuzz.mjs runs this target. */
export const fuzzOptions = { sync: true, maxLen: 12000 };

function expectTandemError(err: unknown, allowed: readonly TandemErrorCode[]): void {
  if (!(err instanceof TandemError)) throw new Error(`threw ${String(err)}, not a TandemError`, { cause: err });
  if (!allowed.includes(err.code)) throw new Error(`threw ${err.code}, expected one of ${allowed.join(', ')}: ${err.message}`, { cause: err });
}

const ALLOWED: readonly TandemErrorCode[] = ['TANDEM_ERR_INVITATION_INVALID', 'TANDEM_ERR_INVITATION_VERSION'];
const decoder = new TextDecoder();

function attempt(parse: (text: string) => Invitation, text: string): Invitation | null {
  try {
    return parse(text);
  } catch (err) {
    expectTandemError(err, ALLOWED);
    return null;
  }
}

/** What parses must be exactly what the writer writes, in both forms. */
function checkCanonical(inv: Invitation, text: string | null): void {
  const encoded = encodeInvitation(inv);
  if (text !== null) {
    const tolerated = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n').replace(/\n+$/, '\n');
    if (encoded !== tolerated) throw new Error(`accepted a file that is not canonical:\n${JSON.stringify(text)}\nwriter: ${JSON.stringify(encoded)}`);
  }
  if (!isDeepStrictEqual(parseInvitation(encoded), inv)) throw new Error('the file form does not parse back to the same invitation');
  const link = invitationLink(inv, (inv.relays[0] as { url: string }).url);
  if (!isDeepStrictEqual(parseInvitationLink(link), inv)) throw new Error('the link form does not parse back to the same invitation');
}

/** One input: text a technician pasted or opened, read as a file, a link and a link's data. */
export function fuzz(data: Buffer): void {
  const text = decoder.decode(data);
  const file = attempt(parseInvitation, text);
  if (file) checkCanonical(file, text);
  const read = attempt(readInvitation, text);
  if (read) checkCanonical(read, null);
  const link = attempt(parseInvitationLink, text);
  if (link) checkCanonical(link, null);
  const linkData = attempt(parseInvitationLinkData, text);
  if (linkData) checkCanonical(linkData, null);
}

/** Invitations as `tandem invite` writes them (createInvitation), as files and links. */
export function seeds(): Uint8Array[] {
  let counter = 0;
  const random = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => (counter = (counter * 73 + 41) & 0xff));
  const fingerprint = '3f'.repeat(32);
  const invitations = [
    createInvitation({ customerName: '山田 太郎', relays: [{ url: 'https://support.example.com' }, { url: 'https://relay2.example.net:8443', fingerprint }], lifetimeSeconds: 3600, passwordProtected: false, now: 1748770200000, random }),
    createInvitation({ customerName: 'Kim Abercrombie', relays: [{ url: 'https://support.example.com' }], lifetimeSeconds: 14400, passwordProtected: true, now: 1748770200000, random }),
    createInvitation({ customerName: 'Dr: Who', relays: [{ url: 'http://127.0.0.1:8080' }], lifetimeSeconds: 30 * 24 * 3600, passwordProtected: false, now: 0, random }),
  ];
  const texts: string[] = [];
  for (const inv of invitations) {
    texts.push(encodeInvitation(inv));
    texts.push(`\uFEFF${encodeInvitation(inv).replace(/\n/g, '\r\n')}\r\n`);
    texts.push(invitationLink(inv, 'https://support.example.com'));
  }
  return texts.map((t) => new TextEncoder().encode(t));
}
