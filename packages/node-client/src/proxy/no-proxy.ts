/**
 * NO_PROXY as curl and most tools read it (there is no standard): a list
 * separated by commas or spaces of host names, domain suffixes (`.example`
 * or `example`, both matching the name and its subdomains), IP addresses,
 * CIDR blocks (`10.0.0.0/8`), each optionally with `:port`; `*` alone means
 * every host. Case does not matter.
 */
import net from 'node:net';

function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (base === undefined || !Number.isInteger(bits)) return false;
  const family = net.isIPv4(base) ? 'ipv4' : net.isIPv6(base) ? 'ipv6' : undefined;
  if (family === undefined || net.isIP(ip) !== (family === 'ipv4' ? 4 : 6)) return false;
  const list = new net.BlockList();
  list.addSubnet(base, bits, family);
  return list.check(ip, family);
}

/** True when `host` (and `port`) of the target is to be reached without a proxy. */
export function bypassesProxy(noProxy: string | undefined, host: string, port: number): boolean {
  if (noProxy === undefined) return false;
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  for (const raw of noProxy.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const portMatch = /^(.*[^:]):(\d+)$/.exec(entry);
    if (portMatch !== null && !entry.startsWith('[') && net.isIPv6(entry)) {
      // A bare IPv6 address: its last group is not a port.
    } else if (portMatch !== null) {
      if (Number(portMatch[2]) !== port) continue;
      entry = portMatch[1] ?? '';
    }
    entry = entry.replace(/^\[(.*)\]$/, '$1');
    if (entry.includes('/')) {
      if (inCidr(name, entry)) return true;
      continue;
    }
    if (net.isIP(entry) !== 0) {
      if (entry === name) return true;
      continue;
    }
    const suffix = entry.replace(/^\*?\./, '');
    if (name === suffix || name.endsWith(`.${suffix}`)) return true;
  }
  return false;
}
