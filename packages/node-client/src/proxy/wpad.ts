/**
 * WPAD by DNS (the expired draft-ietf-wrec-wpad-01 §4.4.1, as browsers do
 * it): `http://wpad.DOMAIN/wpad.dat` for this computer's DNS domain and each
 * parent domain down to two labels (never `wpad.com`: a name under a
 * top-level domain is anyone's to register).
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';

/** The candidates for a DNS domain, most specific first. */
export function wpadCandidates(domain: string): string[] {
  const labels = domain.toLowerCase().replace(/\.$/, '').split('.').filter((l) => l !== '');
  const out: string[] = [];
  for (let i = 0; labels.length - i >= 2; i++) out.push(`http://wpad.${labels.slice(i).join('.')}/wpad.dat`);
  return out;
}

/** This computer's DNS domain: its host name's, else resolv.conf's `domain` or first `search` entry. */
export async function dnsDomain(): Promise<string | undefined> {
  const name = hostname();
  const dot = name.indexOf('.');
  if (dot > 0) return name.slice(dot + 1);
  let conf: string;
  try {
    conf = await readFile('/etc/resolv.conf', 'utf8');
  } catch {
    // No resolv.conf (Windows, a container without one): no domain known.
    return undefined;
  }
  const m = /^\s*(?:domain|search)\s+(\S+)/m.exec(conf);
  return m?.[1];
}

/** The WPAD addresses to try on this computer (none when it has no DNS domain). */
export async function wpadAddresses(): Promise<string[]> {
  const domain = await dnsDomain();
  return domain === undefined ? [] : wpadCandidates(domain);
}
