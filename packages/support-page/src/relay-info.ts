/**
 * What the relay tells the support page about its help desk (`GET /api/info`,
 * docs/protocol.md), read and checked at the boundary: the page shows a
 * name and a phone number as text, and a logo only from the relay itself.
 */
import { LIMITS, assertObject, assertPlainName, assertThat, optional, type HelpDeskInfo } from '@tandem/protocol';

/** Longest phone number the relay accepts (`--help-desk-phone`, packages/relay/src/help-desk.ts). */
const MAX_PHONE_CHARS = 40;

/** The help desk in an `/api/info` answer, or undefined when the relay has none. Throws TANDEM_ERR_BAD_INPUT on a malformed answer. */
export function readHelpDesk(info: unknown): HelpDeskInfo | undefined {
  assertObject(info, 'info');
  const desk = info.helpDesk;
  if (desk === undefined) return undefined;
  assertObject(desk, 'info.helpDesk');
  const { name, phone, logo } = desk;
  assertPlainName(name, 'info.helpDesk.name', LIMITS.maxNameChars, 1);
  const checkedPhone = optional(phone, (v): asserts v is string => assertPlainName(v, 'info.helpDesk.phone', MAX_PHONE_CHARS, 1));
  const checkedLogo = optional(logo, (v): asserts v is string =>
    // A path on this relay only: never another origin (`//host/…`), never a script (`javascript:`).
    assertThat(typeof v === 'string' && /^\/[A-Za-z0-9_-][A-Za-z0-9_/.-]{0,200}$/.test(v), 'info.helpDesk.logo', 'must be a path on the relay'),
  );
  return { name, ...(checkedPhone !== undefined ? { phone: checkedPhone } : {}), ...(checkedLogo !== undefined ? { logo: checkedLogo } : {}) };
}

/**
 * The relay's help desk, asked of the relay that served the page. A relay
 * that does not answer, or answers nonsense, gets the neutral page: the
 * steps and the downloads do not depend on it.
 */
export async function fetchHelpDesk(fetchFn: typeof fetch): Promise<HelpDeskInfo | undefined> {
  try {
    const response = await fetchFn('/api/info', { headers: { accept: 'application/json' }, cache: 'no-store' });
    if (!response.ok) throw new Error(`GET /api/info answered ${response.status}`);
    return readHelpDesk(await response.json());
  } catch (err) {
    console.warn('support page: showing no help desk:', err);
    return undefined;
  }
}
