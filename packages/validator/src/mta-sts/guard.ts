// Where a policy fetch may connect: the default lookup resolves the policy host through the DNS
// stage and refuses private, loopback, link-local and other special-purpose addresses (SSRF).
import net, { type LookupFunction } from 'node:net';
import type { HostAddress } from '../dns/index.ts';

/** Special-purpose ranges a policy fetch must not reach by default (RFC 6890 and friends). */
const BLOCKED = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(prefix, bits, 'ipv4');
}
for (const [prefix, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED.addSubnet(prefix, bits, 'ipv6');
}

/** Whether an address is private, loopback, link-local or otherwise special-purpose. */
export function isSpecialAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return true;
  if (family === 6) {
    // IPv4-mapped (::ffff:a.b.c.d): judged as the IPv4 address; in hex form, refused outright. (A
    // ::ffff:0:0/96 subnet in the BlockList would make it match every IPv4 address.)
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return BLOCKED.check(mapped[1] as string, 'ipv4');
    if (/^::ffff:/i.test(address)) return true;
  }
  return BLOCKED.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The default lookup: the DNS stage's addresses, refused when any of them is special-purpose. */
export function guardedLookup(
  resolve: (host: string) => Promise<HostAddress[]>,
  allowPrivate: boolean,
): LookupFunction {
  return ((hostname: string, options: { all?: boolean; family?: number | string }, callback) => {
    const done = callback as (e: Error | null, a?: string | HostAddress[], f?: number) => void;
    const found = net.isIP(hostname)
      ? Promise.resolve([{ address: hostname, family: net.isIP(hostname) as 4 | 6 }])
      : resolve(hostname);
    found.then(
      (addresses) => {
        const family = Number(options?.family) || 0;
        const usable = addresses.filter((a) => family === 0 || a.family === family);
        if (usable.length === 0) {
          return done(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
        }
        const refused = allowPrivate ? undefined : usable.find((a) => isSpecialAddress(a.address));
        if (refused) {
          return done(
            Object.assign(
              new Error(`${hostname} resolves to ${refused.address}, a private or special address: refused`),
              {
                code: 'EREFUSED_TARGET',
              },
            ),
          );
        }
        if (options?.all) done(null, usable);
        else done(null, usable[0]?.address, usable[0]?.family);
      },
      (error: Error) => done(error),
    );
  }) as LookupFunction;
}
