// Exact edges of the webhook SSRF guard that mutation testing (issue #25, `pnpm mutation --mutate
// 'packages/core/src/webhooks/targets.ts'`) probes: range boundaries whose prefix is not a whole byte,
// IPv6 forms (zone ids, embedded IPv4 in dotted and hex form), the allowlist's parsing, each refusal
// message, and the connect-time lookup (families, `all`, literal addresses, allowed names) driven by
// an injected resolution — every address it returns is still checked, as in production.
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../../validator/test/support/dns-server.ts';
import {
  blockedAddressReason,
  checkWebhookUrl,
  createGuardedLookup,
  createTargetPolicy,
  refusedAddress,
  targetPolicyFor,
  WebhookTargetRefused,
} from '../src/webhooks/targets.ts';

describe('range boundaries and address forms', () => {
  it.each([
    ['100.63.255.255', null],
    ['100.64.0.0', 'a shared carrier-grade NAT address (100.64.0.0/10)'],
    ['100.127.255.255', 'a shared carrier-grade NAT address (100.64.0.0/10)'],
    ['100.128.0.0', null],
    ['172.15.255.255', null],
    ['172.16.0.0', 'a private address (RFC 1918)'],
    ['172.31.255.255', 'a private address (RFC 1918)'],
    ['172.32.0.0', null],
    ['198.17.255.255', null],
    ['198.19.255.255', 'a network benchmarking address'],
    ['198.20.0.0', null],
    ['223.255.255.255', null],
    ['224.0.0.1', 'a multicast address'],
    ['255.255.255.255', 'a reserved or broadcast address'],
    ['8.8.8.8', null],
    ['::', 'an unspecified address'],
    ['::1', 'a loopback address'],
    ['::2', 'an IPv4-compatible address (deprecated)'],
    ['fe80::1%eth0', 'a link-local address'],
    ['febf:ffff::1', 'a link-local address'],
    ['fec0::1', 'a site-local address (deprecated)'],
    ['3fff:fff::1', 'a documentation address'],
    ['3fff:1000::1', null],
    ['2001:db8:ffff::1', 'a documentation address'],
    ['2001:db9::1', null],
    ['2001:0:1::1', 'a Teredo tunnel address'],
    ['2001:1::1', null],
    ['ff02::1', 'a multicast address'],
    ['1:2:3:4:5:6:7:8', null],
    ['2606:4700:4700::1111', null],
    ['::ffff:127.0.0.1', 'a loopback address (IPv4-mapped 127.0.0.1)'],
    ['::ffff:7f00:1', 'a loopback address (IPv4-mapped 127.0.0.1)'],
    ['::ffff:8.8.8.8', null],
    ['64:ff9b::a00:1', 'a private address (RFC 1918) (NAT64 10.0.0.1)'],
    ['64:ff9b::808:808', null],
    [
      '2002:a9fe:a9fe::1',
      'a link-local address (cloud metadata lives at 169.254.169.254) (6to4 169.254.169.254)',
    ],
    ['2002:808:808::1', null],
    ['1:2:3:4:5:6:7', 'not an IP address'],
    ['example.com', 'not an IP address'],
    ['zz::1', 'not an IP address'],
  ])('%s → %s', (address, reason) => {
    expect(blockedAddressReason(address)).toBe(reason);
  });
});

describe('the allowlist (WEBHOOK_ALLOWED_TARGETS)', () => {
  it('parses CIDRs, addresses, names and *.suffixes; skips blanks; trims and lowercases', () => {
    const policy = createTargetPolicy({
      allowedTargets: [' 10.0.0.0/8 ', '', '   ', '192.168.1.5', '::1', 'Hooks.Internal.', '*.Corp.Example'],
    });
    expect(policy.nets.map((net) => [net.text, net.bits])).toEqual([
      ['10.0.0.0/8', 8],
      ['192.168.1.5', 32],
      ['::1', 128],
    ]);
    expect(policy.hosts).toEqual(['hooks.internal', '.corp.example']);
    expect(policy.requireHttps).toBe(false);
    expect(createTargetPolicy({ production: true }).requireHttps).toBe(true);
    expect(createTargetPolicy({})).toEqual({ nets: [], hosts: [], requireHttps: false });
  });

  it.each(['example.com/hooks', '10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/8.5', '::/129', '10.0.0.0/x'])(
    'refuses %s as not a CIDR',
    (entry) => {
      expect(() => createTargetPolicy({ allowedTargets: [entry] })).toThrow(
        `WEBHOOK_ALLOWED_TARGETS: "${entry}" is not a CIDR`,
      );
    },
  );

  it('accepts the whole range of prefix lengths', () => {
    expect(createTargetPolicy({ allowedTargets: ['0.0.0.0/0', '::/128', '1.2.3.4/32'] }).nets).toHaveLength(
      3,
    );
  });

  it('opens exactly what it lists: a /12 boundary, IPv4-mapped forms, suffix names', () => {
    const policy = createTargetPolicy({ allowedTargets: ['172.16.0.0/12', '127.0.0.1', '*.corp.example'] });
    expect(refusedAddress(policy, '172.31.0.1')).toBeNull();
    expect(refusedAddress(policy, '172.32.0.1')).toBeNull(); // public anyway
    expect(refusedAddress(policy, '10.0.0.1')).toBe('a private address (RFC 1918)');
    expect(refusedAddress(policy, '::ffff:127.0.0.1')).toBeNull();
    expect(refusedAddress(policy, '::ffff:127.0.0.2')).toBe('a loopback address (IPv4-mapped 127.0.0.2)');
    expect(refusedAddress(policy, '::1')).toBe('a loopback address');
    expect(refusedAddress(policy, 'not-an-address')).toBe('not an IP address');
    expect(checkWebhookUrl(policy, 'http://a.corp.example/x').hostname).toBe('a.corp.example');
    expect(() => checkWebhookUrl(policy, 'https://localhost.corp.example.localhost/')).toThrow(
      /name of this machine/,
    );
  });

  it('an IPv4 range never matches an IPv6 address, nor the reverse; only IPv4-mapped addresses map', () => {
    expect(refusedAddress(createTargetPolicy({ allowedTargets: ['::/8'] }), '0.1.2.3')).toBe(
      'an unspecified ("this network") address',
    );
    expect(refusedAddress(createTargetPolicy({ allowedTargets: ['0.0.0.0/8'] }), '::1')).toBe(
      'a loopback address',
    );
    // fc00::7f00:1 ends with the bytes of 127.0.0.1 but is not IPv4-mapped: the allowed 127.0.0.1 does not open it.
    expect(refusedAddress(createTargetPolicy({ allowedTargets: ['127.0.0.1'] }), 'fc00::7f00:1')).toBe(
      'a unique-local address',
    );
  });

  it('names: an exact entry matches only itself, a *.suffix only names below it (production, plain http)', () => {
    const policy = createTargetPolicy({
      production: true,
      allowedTargets: ['hooks.internal', '*.corp.example'],
    });
    const accepted = (url: string) => {
      try {
        checkWebhookUrl(policy, url);
        return true;
      } catch {
        return false;
      }
    };
    expect(accepted('http://hooks.internal/')).toBe(true);
    expect(accepted('http://evilhooks.internal/')).toBe(false);
    expect(accepted('http://hooks.internal.evil.example/')).toBe(false);
    expect(accepted('http://a.corp.example/')).toBe(true);
    expect(accepted('http://deep.a.corp.example/')).toBe(true);
    expect(accepted('http://corp.example/')).toBe(false);
    expect(accepted('http://evilcorp.example/')).toBe(false);
    expect(accepted('http://corp.example.evil.test/')).toBe(false);
  });

  it('is memoised per configuration object, https required in production only', () => {
    const config = { env: 'production', webhooks: { allowedTargets: ['10.0.0.0/8'] } };
    const policy = targetPolicyFor(config);
    expect(targetPolicyFor(config)).toBe(policy);
    expect(policy.requireHttps).toBe(true);
    expect(policy.nets.map((net) => net.text)).toEqual(['10.0.0.0/8']);
    expect(targetPolicyFor({ env: 'development', webhooks: { allowedTargets: [] } }).requireHttps).toBe(
      false,
    );
  });
});

describe('checkWebhookUrl messages', () => {
  const open = createTargetPolicy({});
  const how =
    'Webhooks cannot be sent to private, loopback, link-local or metadata addresses unless the deployment allows them (WEBHOOK_ALLOWED_TARGETS).';
  const refusal = (policy: ReturnType<typeof createTargetPolicy>, url: string) => {
    try {
      checkWebhookUrl(policy, url);
    } catch (error) {
      return { message: (error as Error).message, details: (error as { details?: unknown }).details };
    }
    return undefined;
  };

  it.each([
    ['not a url', 'The URL is not valid (e.g. https://example.com/webhooks)'],
    ['ftp://example.com/x', 'Only http:// and https:// URLs can receive webhooks'],
    [
      'https://user@example.com/',
      'Remove the user name and password from the URL: receivers check the signature (webhook-signature) instead',
    ],
    [
      'https://:secret@example.com/',
      'Remove the user name and password from the URL: receivers check the signature (webhook-signature) instead',
    ],
    ['https://127.0.0.1/x', `127.0.0.1 is a loopback address. ${how}`],
    ['https://[::1]/x', `::1 is a loopback address. ${how}`],
    ['https://LOCALHOST./x', `localhost is a name of this machine. ${how}`],
    ['https://api.localhost/x', `api.localhost is a name of this machine. ${how}`],
    [
      'https://metadata.google.internal/x',
      `metadata.google.internal is a cloud metadata service name. ${how}`,
    ],
  ])('%s → %s', (url, message) => {
    expect(refusal(open, url)).toEqual({ message, details: { field: 'url' } });
  });

  it('returns the parsed URL of an acceptable target, trimmed', () => {
    expect(checkWebhookUrl(open, '  https://hooks.example.com/in?x=1  ').href).toBe(
      'https://hooks.example.com/in?x=1',
    );
    expect(checkWebhookUrl(open, 'http://8.8.8.8/').hostname).toBe('8.8.8.8');
  });

  it('production: plain http refused for public targets, accepted for listed ones', () => {
    const production = createTargetPolicy({
      production: true,
      allowedTargets: ['hooks.internal', '10.1.0.0/16'],
    });
    expect(refusal(production, 'http://example.com/')?.message).toBe(
      'Use an https:// URL (plain http is only accepted for targets in WEBHOOK_ALLOWED_TARGETS)',
    );
    expect(checkWebhookUrl(production, 'http://hooks.internal/').hostname).toBe('hooks.internal');
    expect(checkWebhookUrl(production, 'http://10.1.2.3/').hostname).toBe('10.1.2.3');
    expect(refusal(production, 'https://10.2.0.1/')?.message).toBe(
      `10.2.0.1 is a private address (RFC 1918). ${how}`,
    );
  });
});

describe('the connect-time lookup', () => {
  type Answer = {
    error: (Error & { code?: string }) | null;
    address?: string | LookupAddress[];
    family?: number;
  };
  function lookup(
    policy: ReturnType<typeof createTargetPolicy>,
    answers: Record<string, LookupAddress[] | Error>,
  ) {
    const asked: [string, number][] = [];
    const fn = createGuardedLookup(policy, {
      resolve: async (host, family) => {
        asked.push([host, family]);
        const answer = answers[host];
        if (answer instanceof Error) throw answer;
        return answer ?? [];
      },
    });
    const run = (hostname: string, options: { all?: boolean; family?: number | string } = {}) =>
      new Promise<Answer>((resolve) =>
        (fn as unknown as (h: string, o: object, cb: (...args: unknown[]) => void) => void)(
          hostname,
          options,
          (error, address, family) =>
            resolve({
              error: error as Answer['error'],
              address: address as Answer['address'],
              family: family as number,
            }),
        ),
      );
    return { run, asked };
  }
  const open = createTargetPolicy({});

  it('answers the first address, or all of them, normalising the name and passing the family', async () => {
    const addresses = [
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ];
    const { run, asked } = lookup(open, { 'hooks.example.com': addresses });
    expect(await run('Hooks.Example.COM.')).toEqual({ error: null, address: '93.184.216.34', family: 4 });
    expect(await run('hooks.example.com', { all: true })).toEqual({
      error: null,
      address: addresses,
      family: undefined,
    });
    await run('hooks.example.com', { family: 6 });
    await run('hooks.example.com', { family: 'IPv4' });
    expect(asked).toEqual([
      ['hooks.example.com', 0],
      ['hooks.example.com', 0],
      ['hooks.example.com', 6],
      ['hooks.example.com', 0],
    ]);
  });

  it('refuses when ANY resolved address is refused, naming it', async () => {
    const { run } = lookup(open, {
      'mixed.example': [
        { address: '93.184.216.34', family: 4 },
        { address: '10.0.0.7', family: 4 },
      ],
    });
    const { error } = await run('mixed.example');
    expect(error).toBeInstanceOf(WebhookTargetRefused);
    expect(error?.code).toBe('ERR_WEBHOOK_TARGET_REFUSED');
    expect(error?.name).toBe('WebhookTargetRefused');
    expect(error?.message).toBe('mixed.example resolves to 10.0.0.7, a private address (RFC 1918): refused');
  });

  it('checks literal addresses and local names without resolving them', async () => {
    const { run, asked } = lookup(open, {});
    expect((await run('127.0.0.1')).error?.message).toBe('127.0.0.1 is a loopback address: refused');
    expect((await run('localhost')).error?.message).toBe('localhost is a name of this machine: refused');
    expect(await run('8.8.8.8')).toEqual({ error: null, address: '8.8.8.8', family: 4 });
    expect(await run('2606:4700:4700::1111', { all: true })).toEqual({
      error: null,
      address: [{ address: '2606:4700:4700::1111', family: 6 }],
      family: undefined,
    });
    expect(asked).toEqual([]);
  });

  it('an allowed name skips the address check; an allowed address passes as a literal', async () => {
    const policy = createTargetPolicy({ allowedTargets: ['receiver.internal', '127.0.0.1'] });
    const { run } = lookup(policy, { 'receiver.internal': [{ address: '127.0.0.1', family: 4 }] });
    expect(await run('receiver.internal')).toEqual({ error: null, address: '127.0.0.1', family: 4 });
    expect(await run('127.0.0.1')).toEqual({ error: null, address: '127.0.0.1', family: 4 });
  });

  it('passes resolution errors through', async () => {
    const failure = Object.assign(new Error('getaddrinfo ENOTFOUND gone.example'), { code: 'ENOTFOUND' });
    const { run } = lookup(open, { 'gone.example': failure });
    expect((await run('gone.example')).error).toBe(failure);
  });
});

describe('the connect-time lookup against a real resolver', () => {
  let dns: TestDnsServer;
  beforeAll(async () => {
    dns = await startDnsServer({
      'v4.lookup.test': { a: ['93.184.216.34'], ttl: 0 },
      'v6.lookup.test': { aaaa: ['2606:2800:220:1::1'], ttl: 0 },
      'both.lookup.test': { a: ['93.184.216.35'], aaaa: ['2606:2800:220:1::2'], ttl: 0 },
      'broken.lookup.test': { rcode: 'SERVFAIL' },
    });
  });
  afterAll(async () => {
    await dns?.close();
  });

  const run = (
    options: Parameters<typeof createGuardedLookup>[1],
    hostname: string,
    lookupOptions: { all?: boolean; family?: number },
  ) =>
    new Promise<{ error: (Error & { code?: string; hostname?: string }) | null; address?: unknown }>(
      (resolve) =>
        (
          createGuardedLookup(createTargetPolicy({ allowedTargets: ['localhost'] }), options) as unknown as (
            h: string,
            o: object,
            cb: (error: Error | null, address?: unknown) => void,
          ) => void
        )(hostname, lookupOptions, (error, address) => resolve({ error: error as never, address })),
    );

  it('asks the configured servers for A and AAAA, or only the family asked for', async () => {
    const servers = { servers: [dns.address], timeoutMs: 2000 };
    expect((await run(servers, 'both.lookup.test', { all: true })).address).toEqual([
      { address: '93.184.216.35', family: 4 },
      { address: '2606:2800:220:1::2', family: 6 },
    ]);
    expect((await run(servers, 'both.lookup.test', { all: true, family: 4 })).address).toEqual([
      { address: '93.184.216.35', family: 4 },
    ]);
    expect((await run(servers, 'both.lookup.test', { all: true, family: 6 })).address).toEqual([
      { address: '2606:2800:220:1::2', family: 6 },
    ]);
    expect((await run(servers, 'v6.lookup.test', { all: true })).address).toEqual([
      { address: '2606:2800:220:1::1', family: 6 },
    ]);
    expect((await run({ servers: [dns.address] }, 'v4.lookup.test', { all: true })).address).toEqual([
      { address: '93.184.216.34', family: 4 },
    ]);
  });

  it('a name with no address of the family is ENOTFOUND, like getaddrinfo', async () => {
    for (const [host, family] of [
      ['v6.lookup.test', 4],
      ['nothing.lookup.test', 0],
    ] as const) {
      const { error } = await run({ servers: [dns.address], timeoutMs: 2000 }, host, { family });
      expect(error?.message).toBe(`getaddrinfo ENOTFOUND ${host}`);
      expect(error?.code).toBe('ENOTFOUND');
      expect(error?.hostname).toBe(host);
    }
  });

  it('a failing resolver is an error of its own, not an absent name', async () => {
    const { error } = await run({ servers: [dns.address], timeoutMs: 2000 }, 'broken.lookup.test', {});
    expect(error?.code).toBe('ESERVFAIL');
  });

  it('without servers or a resolve function, the system resolver answers (/etc/hosts)', async () => {
    expect((await run({}, 'localhost', { family: 4 })).address).toBe('127.0.0.1');
    expect((await run({ servers: [] }, 'localhost', { all: true, family: 4 })).address).toEqual([
      { address: '127.0.0.1', family: 4 },
    ]);
  });
});
