// RFC 5321 address literals: "[" IPv4 "]" or "[IPv6:" IPv6 "]" (the general "tag:content" form is
// not accepted: no standardised tag other than IPv6 exists).
import { isIP } from 'node:net';

/**
 * Returns the canonical literal (IPv4 as given, `[IPv6:…]` with lower-case hex) or null when the text
 * between the brackets is not an IPv4 dotted quad or an `IPv6:` address. Zone ids ("%eth0") are
 * refused: they have no meaning outside the sending host.
 */
export function parseDomainLiteral(domain: string): string | null {
  const n = domain.length;
  if (n < 3 || domain.charCodeAt(0) !== 0x5b || domain.charCodeAt(n - 1) !== 0x5d) return null;
  const inner = domain.slice(1, n - 1);
  if (inner.length > 5 && inner.slice(0, 5).toLowerCase() === 'ipv6:') {
    const addr = inner.slice(5);
    if (addr.includes('%') || isIP(addr) !== 6) return null;
    return `[IPv6:${addr.toLowerCase()}]`;
  }
  return isIP(inner) === 4 ? domain : null;
}
