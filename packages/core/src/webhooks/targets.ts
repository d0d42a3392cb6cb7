// SSRF protection for webhook targets (docs/webhooks.md, "Where webhooks may go").
//
// A target is refused when it is, or resolves to, an address a server should never be made to call on a
// customer's behalf: loopback, private (RFC 1918), shared/CGNAT (100.64/10), link-local (169.254/16 —
// cloud metadata at 169.254.169.254 — and fe80::/10), unique-local (fc00::/7), unspecified, multicast,
// reserved, benchmarking, documentation (192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32,
// 3fff::/20), discard (100::/64), Teredo (2001::/32, refused whole), and IPv6 forms that embed such an
// IPv4 address (IPv4-mapped, NAT64 64:ff9b::/96, 6to4 2002::/16: the embedded address decides); or a
// well-known internal name (localhost, cloud metadata). The check runs twice:
//   - when an endpoint is saved (checkWebhookUrl): the URL's shape, literal addresses and names;
//   - at every connection (createGuardedLookup, the HTTP agent's DNS lookup): every address the name
//     resolves to *at that moment*, so a name that later resolves to 127.0.0.1 (DNS rebinding) is
//     refused before any packet is sent. Literal addresses never reach a lookup; the sender checks them
//     with checkWebhookUrl before connecting.
// WEBHOOK_ALLOWED_TARGETS (CIDRs, addresses, host names, *.suffix names) lifts the refusal for what the
// operator lists, e.g. an internal receiver or the tests' loopback server.
import { promises as dnsPromises, lookup as systemLookup } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { DomainError } from '../errors.ts';

/** What the operator allows (WEBHOOK_ALLOWED_TARGETS) and whether plain http is acceptable. */
export interface TargetPolicy {
  /** Parsed CIDRs (addresses are /32 or /128). */
  nets: readonly { bytes: number[]; bits: number; text: string }[];
  /** Exact names, and suffixes for `*.example.com` entries (stored as `.example.com`). */
  hosts: readonly string[];
  /** Production: https is required except for allowed targets. */
  requireHttps: boolean;
}

/** Thrown (or passed to the lookup callback) when a target is refused; `code` ERR_WEBHOOK_TARGET_REFUSED. */
export class WebhookTargetRefused extends Error {
  readonly code = 'ERR_WEBHOOK_TARGET_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'WebhookTargetRefused';
  }
}

// ---------------------------------------------------------------------------------------------
// Addresses as byte arrays.

function ipv4Bytes(text: string): number[] | undefined {
  if (isIP(text) !== 4) return undefined;
  return text.split('.').map(Number);
}

function ipv6Bytes(input: string): number[] | undefined {
  const text = input.replace(/%.*$/, '');
  if (isIP(text) !== 6) return undefined;
  let head = text;
  let tailV4: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = ipv4Bytes(text.slice(lastColon + 1));
    if (!v4) return undefined;
    tailV4 = v4;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [left = '', right] = head.split('::');
  const parse = (part: string) => (part ? part.split(':').map((h) => Number.parseInt(h, 16)) : []);
  const l = parse(left);
  const r = right === undefined ? [] : parse(right);
  const groups = right === undefined ? l : [...l, ...new Array(8 - l.length - r.length).fill(0), ...r];
  if (groups.length !== 8) return undefined;
  const bytes = groups.flatMap((g) => [(g >> 8) & 0xff, g & 0xff]);
  if (tailV4.length) bytes.splice(12, 4, ...tailV4);
  return bytes;
}

const addressBytes = (text: string) => ipv4Bytes(text) ?? ipv6Bytes(text);

function inNet(bytes: number[], net: { bytes: number[]; bits: number }): boolean {
  if (bytes.length !== net.bytes.length) return false;
  let bits = net.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((bytes[i] ?? 0) & mask) !== ((net.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}

function parseNet(text: string): { bytes: number[]; bits: number; text: string } | undefined {
  const [address = '', prefix] = text.split('/');
  const bytes = addressBytes(address);
  if (!bytes) return undefined;
  const bits = prefix === undefined ? bytes.length * 8 : Number(prefix);
  if (!Number.isInteger(bits) || bits < 0 || bits > bytes.length * 8) return undefined;
  return { bytes, bits, text };
}

const range = (cidr: string, label: string) => {
  const net = parseNet(cidr);
  if (!net) throw new Error(`bad range ${cidr}`);
  return { ...net, label };
};

const BLOCKED_V4 = [
  range('0.0.0.0/8', 'an unspecified ("this network") address'),
  range('10.0.0.0/8', 'a private address (RFC 1918)'),
  range('100.64.0.0/10', 'a shared carrier-grade NAT address (100.64.0.0/10)'),
  range('127.0.0.0/8', 'a loopback address'),
  range('169.254.0.0/16', 'a link-local address (cloud metadata lives at 169.254.169.254)'),
  range('172.16.0.0/12', 'a private address (RFC 1918)'),
  range('192.0.0.0/24', 'an IETF protocol address'),
  range('192.0.2.0/24', 'a documentation address (TEST-NET-1)'),
  range('192.88.99.0/24', 'a deprecated 6to4 relay anycast address'),
  range('192.168.0.0/16', 'a private address (RFC 1918)'),
  range('198.18.0.0/15', 'a network benchmarking address'),
  range('198.51.100.0/24', 'a documentation address (TEST-NET-2)'),
  range('203.0.113.0/24', 'a documentation address (TEST-NET-3)'),
  range('224.0.0.0/4', 'a multicast address'),
  range('240.0.0.0/4', 'a reserved or broadcast address'),
];
const BLOCKED_V6 = [
  range('::/128', 'an unspecified address'),
  range('::1/128', 'a loopback address'),
  range('::/96', 'an IPv4-compatible address (deprecated)'),
  range('64:ff9b:1::/48', 'a local-use NAT64 address'),
  range('100::/64', 'a discard-only address'),
  // Teredo tunnels (the client's IPv4 address is embedded, obfuscated): refused whole, whatever it embeds.
  range('2001::/32', 'a Teredo tunnel address'),
  range('2001:2::/48', 'a network benchmarking address'),
  range('2001:10::/28', 'a deprecated ORCHID address'),
  range('2001:db8::/32', 'a documentation address'),
  range('3fff::/20', 'a documentation address'),
  range('fc00::/7', 'a unique-local address'),
  range('fe80::/10', 'a link-local address'),
  range('fec0::/10', 'a site-local address (deprecated)'),
  range('ff00::/8', 'a multicast address'),
];
/** IPv6 ranges that carry an IPv4 address: the embedded address is checked as IPv4. */
const EMBEDDING_V6 = [
  { net: range('::ffff:0:0/96', 'IPv4-mapped'), at: 12 },
  { net: range('64:ff9b::/96', 'NAT64'), at: 12 },
  { net: range('2002::/16', '6to4'), at: 2 },
];

/** Why an address is refused (its kind), or null when it is a public address. */
export function blockedAddressReason(address: string): string | null {
  const bytes = addressBytes(address);
  if (!bytes) return 'not an IP address';
  if (bytes.length === 4) return BLOCKED_V4.find((net) => inNet(bytes, net))?.label ?? null;
  for (const { net, at } of EMBEDDING_V6) {
    if (inNet(bytes, net)) {
      const v4 = bytes.slice(at, at + 4).join('.');
      const reason = blockedAddressReason(v4);
      return reason ? `${reason} (${net.label} ${v4})` : null;
    }
  }
  return BLOCKED_V6.find((net) => inNet(bytes, net))?.label ?? null;
}

/** Names that always mean "this machine", and cloud metadata services. */
const LOCAL_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback']);
const METADATA_NAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.internal',
  'metadata.tencentyun.com',
  'metadata.platformequinix.com',
]);

function blockedNameReason(host: string): string | null {
  if (LOCAL_NAMES.has(host) || host.endsWith('.localhost')) return 'is a name of this machine';
  if (METADATA_NAMES.has(host)) return 'is a cloud metadata service name';
  return null;
}

/** Lower case, no brackets, no trailing dot. */
export const normalizeHost = (hostname: string) =>
  hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();

// ---------------------------------------------------------------------------------------------
// The policy.

/** Builds the policy from WEBHOOK_ALLOWED_TARGETS entries (already validated by the config reader). */
export function createTargetPolicy(options: {
  allowedTargets?: readonly string[];
  production?: boolean;
}): TargetPolicy {
  const nets: TargetPolicy['nets'][number][] = [];
  const hosts: string[] = [];
  for (const raw of options.allowedTargets ?? []) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    const net = parseNet(entry);
    if (net) nets.push(net);
    else if (entry.includes('/')) throw new Error(`WEBHOOK_ALLOWED_TARGETS: "${entry}" is not a CIDR`);
    else hosts.push(entry.startsWith('*.') ? entry.slice(1) : normalizeHost(entry));
  }
  return { nets, hosts, requireHttps: options.production ?? false };
}

const policies = new WeakMap<object, TargetPolicy>();
/** The policy of a Config (memoised per config object). */
export function targetPolicyFor(config: {
  env: string;
  webhooks: { allowedTargets: readonly string[] };
}): TargetPolicy {
  let policy = policies.get(config);
  if (!policy) {
    policy = createTargetPolicy({
      allowedTargets: config.webhooks.allowedTargets,
      production: config.env === 'production',
    });
    policies.set(config, policy);
  }
  return policy;
}

function hostAllowed(policy: TargetPolicy, host: string): boolean {
  return policy.hosts.some((entry) => (entry.startsWith('.') ? host.endsWith(entry) : host === entry));
}

function addressAllowed(policy: TargetPolicy, address: string): boolean {
  const bytes = addressBytes(address);
  if (!bytes) return false;
  if (policy.nets.some((net) => inNet(bytes, net))) return true;
  // An IPv4-mapped IPv6 address is allowed when its IPv4 address is.
  const mapped = EMBEDDING_V6[0];
  if (bytes.length === 16 && mapped && inNet(bytes, mapped.net)) {
    const v4 = bytes.slice(12).join('.');
    return addressAllowed(policy, v4);
  }
  return false;
}

/** Null when the address may be connected to, else the reason (for errors and the delivery log). */
export function refusedAddress(policy: TargetPolicy, address: string): string | null {
  if (addressAllowed(policy, address)) return null;
  return blockedAddressReason(address);
}

const HOW_TO_ALLOW =
  'Webhooks cannot be sent to private, loopback, link-local or metadata addresses unless the deployment allows them (WEBHOOK_ALLOWED_TARGETS).';

/**
 * Checks a webhook URL (on save and before every attempt): http(s) only, no credentials, https in
 * production (unless allowed), and no refused literal address or name. Returns the normalised URL;
 * throws DomainError('VALIDATION_FAILED') with a message meant for the person who typed it.
 */
export function checkWebhookUrl(policy: TargetPolicy, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new DomainError('VALIDATION_FAILED', 'The URL is not valid (e.g. https://example.com/webhooks)', {
      field: 'url',
    });
  }
  const refuse = (message: string) => {
    throw new DomainError('VALIDATION_FAILED', message, { field: 'url' });
  };
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    refuse('Only http:// and https:// URLs can receive webhooks');
  if (url.username || url.password)
    refuse(
      'Remove the user name and password from the URL: receivers check the signature (webhook-signature) instead',
    );
  const host = normalizeHost(url.hostname);
  if (!host) refuse('The URL has no host');
  const literal = isIP(host) !== 0;
  const allowed = literal ? addressAllowed(policy, host) : hostAllowed(policy, host);
  if (allowed) return url;
  if (policy.requireHttps && url.protocol !== 'https:')
    refuse('Use an https:// URL (plain http is only accepted for targets in WEBHOOK_ALLOWED_TARGETS)');
  if (literal) {
    const reason = blockedAddressReason(host);
    if (reason) refuse(`${host} is ${reason}. ${HOW_TO_ALLOW}`);
  } else {
    const reason = blockedNameReason(host);
    if (reason) refuse(`${host} ${reason}. ${HOW_TO_ALLOW}`);
  }
  return url;
}

// ---------------------------------------------------------------------------------------------
// Connect-time DNS check.

export type LookupAddress = { address: string; family: number };
/** Resolves a name to its addresses (family 0 = both). */
export type ResolveAddresses = (host: string, family: number) => Promise<LookupAddress[]>;

export interface GuardedLookupOptions {
  /** Resolvers to ask (`ip[:port]`) instead of the system's getaddrinfo (tests use a local DNS server). */
  servers?: readonly string[];
  /** Replaces the resolution altogether (tests); every address it returns is still checked. */
  resolve?: ResolveAddresses;
  timeoutMs?: number;
}

function resolveWithSystem(host: string, family: number): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    systemLookup(host, { all: true, family: family === 4 || family === 6 ? family : 0 }, (err, addresses) =>
      err ? reject(err) : resolve(addresses),
    ),
  );
}

function resolverFor(options: GuardedLookupOptions): ResolveAddresses | undefined {
  if (options.resolve) return options.resolve;
  if (!options.servers?.length) return undefined;
  const resolver = new dnsPromises.Resolver({ timeout: options.timeoutMs ?? 5000, tries: 2 });
  resolver.setServers([...options.servers]);
  return async (host: string, family: number): Promise<LookupAddress[]> => {
    const absent = (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENODATA' || error.code === 'ENOTFOUND') return [] as string[];
      throw error;
    };
    const [v4, v6] = await Promise.all([
      family === 6 ? [] : resolver.resolve4(host).catch(absent),
      family === 4 ? [] : resolver.resolve6(host).catch(absent),
    ]);
    const found = [
      ...v4.map((address) => ({ address, family: 4 })),
      ...v6.map((address) => ({ address, family: 6 })),
    ];
    if (!found.length)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND', hostname: host });
    return found;
  };
}

/**
 * A `lookup` for net/tls connect (the HTTP agent's): resolves the name, and refuses the connection
 * when ANY resolved address is refused by the policy, so nothing is sent to it. Allowed host names
 * skip the address check.
 */
export function createGuardedLookup(
  policy: TargetPolicy,
  options: GuardedLookupOptions = {},
): LookupFunction {
  const resolve = resolverFor(options) ?? resolveWithSystem;
  return ((hostname: string, lookupOptions: { all?: boolean; family?: number | string }, callback) => {
    const host = normalizeHost(hostname);
    const family = Number(lookupOptions?.family) || 0;
    const done = callback as (err: Error | null, address?: string | LookupAddress[], family?: number) => void;
    const fail = (message: string) => done(new WebhookTargetRefused(message));
    const allowedName = hostAllowed(policy, host);
    if (!allowedName) {
      const reason = isIP(host) ? refusedAddress(policy, host) : blockedNameReason(host);
      if (reason) return fail(`${host} ${isIP(host) ? `is ${reason}` : reason}: refused`);
    }
    const pending = isIP(host)
      ? Promise.resolve([{ address: host, family: isIP(host) }])
      : resolve(host, family);
    pending.then(
      (addresses) => {
        if (!allowedName) {
          for (const { address } of addresses) {
            const reason = refusedAddress(policy, address);
            if (reason) return fail(`${host} resolves to ${address}, ${reason}: refused`);
          }
        }
        if (lookupOptions?.all) return done(null, addresses);
        const first = addresses[0] as LookupAddress;
        return done(null, first.address, first.family);
      },
      (error: Error) => done(error),
    );
  }) as LookupFunction;
}
