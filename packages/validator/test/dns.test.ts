import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TtlCache } from '../src/dns/cache.ts';
import { createDnsStage, type DnsStageOptions } from '../src/dns/index.ts';
import { startDnsServer, type TestDnsServer, type Zones } from './support/dns-server.ts';

const zones: Zones = {
  'example.test': {
    mx: [
      { exchange: 'mx2.example.test', priority: 20, ttl: 600 },
      { exchange: 'MX1.Example.Test', priority: 10, ttl: 120 },
      { exchange: 'mx3.example.test', priority: 20, ttl: 900 },
      { exchange: 'mx0.example.test', priority: 5, ttl: 1200 },
    ],
  },
  'a-only.test': { a: [{ address: '192.0.2.10', ttl: 90 }] },
  'aaaa-only.test': { aaaa: ['2001:db8::1'], ttl: 200 },
  'nothing.test': {},
  'null.test': { mx: [{ exchange: '.', priority: 0, ttl: 86400 }] },
  'mixed-null.test': {
    mx: [
      { exchange: '.', priority: 0 },
      { exchange: 'mx.mixed-null.test', priority: 10 },
    ],
  },
  'broken.test': { rcode: 'SERVFAIL' },
  'refused.test': { rcode: 'REFUSED' },
  'slow.test': { delayMs: 1_500, mx: [{ exchange: 'mx.slow.test', priority: 10 }] },
  'silent.test': { drop: true },
  'a-aaaa-servfail.test': { a: ['192.0.2.20'], rcode: { AAAA: 'SERVFAIL' } },
  'nodata-aaaa-servfail.test': { rcode: { AAAA: 'SERVFAIL' } },
  'alias.test': { cname: { target: 'example.test', ttl: 60 } },
  'dangling.test': { cname: 'gone.test' },
  'low-ttl.test': { mx: [{ exchange: 'mx.low-ttl.test', priority: 10, ttl: 5 }] },
  'high-ttl.test': { mx: [{ exchange: 'mx.high-ttl.test', priority: 10, ttl: 86400 }] },
  'neg60.test': { negativeTtl: 60 },
  'truncated.test': { truncate: true, mx: [{ exchange: 'mx.truncated.test', priority: 10 }] },
  // 30 long exchanges do not fit in 512 octets: the server truncates, the client asks again over TCP.
  'big.test': {
    mx: Array.from({ length: 30 }, (_, i) => ({
      exchange: `mail-exchanger-number-${String(i).padStart(2, '0')}.some-long-provider-name.test`,
      priority: 30 - i,
    })),
  },
  '*.bulk.test': { mx: [{ exchange: 'mx.bulk.test', priority: 10 }], a: ['192.0.2.9'] },
  // Addresses of the MX hosts above (an MX whose hosts have no address is a dangling MX).
  '*.example.test': { a: ['192.0.2.1'] },
  'mx.mixed-null.test': { a: ['192.0.2.2'] },
  'mx.slow.test': { a: ['192.0.2.3'] },
  'mx.low-ttl.test': { a: ['192.0.2.4'] },
  'mx.high-ttl.test': { a: ['192.0.2.5'] },
  'mx.truncated.test': { a: ['192.0.2.6'] },
  '*.some-long-provider-name.test': { aaaa: ['2001:db8::7'] },
  // Dangling MX: every host NXDOMAIN or NODATA; partly dangling; a host lookup that fails.
  'dangling-mx.test': {
    mx: [
      { exchange: 'gone.dangling-mx.test', priority: 10 },
      { exchange: 'nodata.dangling-mx.test', priority: 20 },
    ],
  },
  'nodata.dangling-mx.test': {},
  'half-dangling.test': {
    mx: [
      { exchange: 'gone.half-dangling.test', priority: 10 },
      { exchange: 'mx.half-dangling.test', priority: 20 },
    ],
  },
  'mx.half-dangling.test': { a: ['192.0.2.8'] },
  'mx-lookup-fails.test': {
    mx: [
      { exchange: 'gone.mx-lookup-fails.test', priority: 10 },
      { exchange: 'broken.mx-lookup-fails.test', priority: 20 },
    ],
  },
  'broken.mx-lookup-fails.test': { rcode: 'SERVFAIL' },
  'ip-mx.test': { mx: [{ exchange: '192.0.2.44', priority: 10 }] },
  'txt.test': { txt: [['v=STSv1; ', 'id=20260101;'], 'something else'], ttl: 120 },
};

let dns: TestDnsServer;
let clock = 1_700_000_000_000;
const now = () => clock;
const stage = (options: DnsStageOptions = {}) =>
  createDnsStage({ servers: [dns.address], timeoutMs: 1_000, tries: 1, now, ...options });

beforeAll(async () => {
  dns = await startDnsServer(zones);
});
afterAll(async () => {
  await dns.close();
});

describe('outcomes', () => {
  it('MX: hosts by preference, ties in the order the resolver gave, lower-cased; TTL is the smallest', async () => {
    const result = await stage().lookup('example.test');
    expect(result).toMatchObject({ domain: 'example.test', cached: false });
    expect(result.outcome).toEqual({
      status: 'mx',
      hosts: [
        { exchange: 'mx0.example.test', priority: 5 },
        { exchange: 'mx1.example.test', priority: 10 },
        { exchange: 'mx2.example.test', priority: 20 },
        { exchange: 'mx3.example.test', priority: 20 },
      ],
      ttlSeconds: 120,
    });
    expect(result.ms).toBeGreaterThan(0);
  });

  it('no MX but an A record: implicit MX, the domain itself at preference 0', async () => {
    const { outcome } = await stage().lookup('a-only.test');
    expect(outcome).toEqual({
      status: 'implicit_mx',
      hosts: [{ exchange: 'a-only.test', priority: 0 }],
      ttlSeconds: 90,
    });
  });

  it('no MX but an AAAA record only: implicit MX', async () => {
    const { outcome } = await stage().lookup('aaaa-only.test');
    expect(outcome).toEqual({
      status: 'implicit_mx',
      hosts: [{ exchange: 'aaaa-only.test', priority: 0 }],
      ttlSeconds: 200,
    });
  });

  it('no MX, no address: no_mail_host', async () => {
    expect((await stage().lookup('nothing.test')).outcome).toEqual({
      status: 'no_mail_host',
      ttlSeconds: 300,
    });
  });

  it('RFC 7505 null MX: null_mx, cached for at most the negative TTL', async () => {
    expect((await stage().lookup('null.test')).outcome).toEqual({ status: 'null_mx', ttlSeconds: 300 });
  });

  it('a null MX next to real MX records is ignored', async () => {
    expect((await stage().lookup('mixed-null.test')).outcome).toEqual({
      status: 'mx',
      hosts: [{ exchange: 'mx.mixed-null.test', priority: 10 }],
      ttlSeconds: 300,
    });
  });

  it('a dangling MX (every host NXDOMAIN or NODATA for A and AAAA): no_mail_host, naming the hosts', async () => {
    expect((await stage().lookup('dangling-mx.test')).outcome).toEqual({
      status: 'no_mail_host',
      ttlSeconds: 300,
      danglingMx: ['gone.dangling-mx.test', 'nodata.dangling-mx.test'],
    });
  });

  it('one MX host with an address is enough: mx', async () => {
    expect((await stage().lookup('half-dangling.test')).outcome).toMatchObject({ status: 'mx' });
  });

  it('an MX host lookup that fails is no "no": servfail, not no_mail_host', async () => {
    expect((await stage().lookup('mx-lookup-fails.test')).outcome).toEqual({ status: 'servfail' });
  });

  it('an MX given as an IP address counts as having an address', async () => {
    expect((await stage().lookup('ip-mx.test')).outcome).toMatchObject({ status: 'mx' });
  });

  it('TXT: records with their character-strings joined; nxdomain; nodata', async () => {
    const s = stage();
    expect(await s.txt('TXT.test.')).toEqual({
      kind: 'records',
      records: ['v=STSv1; id=20260101;', 'something else'],
      ttlSeconds: 120,
    });
    expect(await s.txt('missing.test')).toEqual({ kind: 'nxdomain' });
    expect(await s.txt('nothing.test')).toEqual({ kind: 'nodata' });
    expect(await s.txt('broken.test')).toEqual({ kind: 'failure', detail: 'servfail' });
  });

  it('NXDOMAIN: nxdomain', async () => {
    expect((await stage().lookup('missing.test')).outcome).toEqual({ status: 'nxdomain', ttlSeconds: 300 });
  });

  it('SERVFAIL: servfail', async () => {
    expect((await stage().lookup('broken.test')).outcome).toEqual({ status: 'servfail' });
  });

  it('REFUSED: timeout (unknown)', async () => {
    expect((await stage().lookup('refused.test')).outcome).toEqual({ status: 'timeout' });
  });

  it('a slow resolver: timeout within the configured time', async () => {
    const t0 = performance.now();
    const result = await stage({ timeoutMs: 300, tries: 1 }).lookup('slow.test');
    const elapsed = performance.now() - t0;
    expect(result.outcome).toEqual({ status: 'timeout' });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2_000);
    expect(result.ms).toBeGreaterThanOrEqual(290);
  });

  it('implicit MX wins even if the other address query fails', async () => {
    expect((await stage().lookup('a-aaaa-servfail.test')).outcome).toMatchObject({ status: 'implicit_mx' });
  });

  it('no MX, no A, AAAA failing: servfail, not no_mail_host', async () => {
    expect((await stage().lookup('nodata-aaaa-servfail.test')).outcome).toEqual({ status: 'servfail' });
  });

  it('follows a CNAME; its TTL counts', async () => {
    const { outcome } = await stage().lookup('alias.test');
    expect(outcome).toMatchObject({ status: 'mx', ttlSeconds: 60 });
    expect(outcome.status === 'mx' && outcome.hosts[0]?.exchange).toBe('mx0.example.test');
  });

  it('a CNAME to a missing name: nxdomain', async () => {
    expect((await stage().lookup('dangling.test')).outcome).toMatchObject({ status: 'nxdomain' });
  });

  it('a truncated UDP answer is asked again over TCP', async () => {
    dns.resetCounts();
    const { outcome } = await stage().lookup('truncated.test');
    expect(outcome).toMatchObject({ status: 'mx', hosts: [{ exchange: 'mx.truncated.test', priority: 10 }] });
    const asked = dns.log.filter((q) => q.name === 'truncated.test');
    expect(asked.map((q) => q.transport)).toEqual(['udp', 'tcp']);
  });

  it('an answer too large for UDP arrives whole over TCP', async () => {
    dns.resetCounts();
    const { outcome } = await stage().lookup('big.test');
    expect(outcome.status).toBe('mx');
    if (outcome.status !== 'mx') return;
    expect(outcome.hosts).toHaveLength(30);
    expect(outcome.hosts[0]).toEqual({
      exchange: 'mail-exchanger-number-29.some-long-provider-name.test',
      priority: 1,
    });
    expect(dns.log.filter((q) => q.name === 'big.test').map((q) => q.transport)).toEqual(['udp', 'tcp']);
  });

  it('normalizes case and a trailing dot', async () => {
    const result = await stage().lookup('Example.TEST.');
    expect(result.domain).toBe('example.test');
    expect(result.outcome.status).toBe('mx');
  });

  it('rejects a name that cannot be asked', async () => {
    await expect(stage().lookup('')).rejects.toThrow(TypeError);
    await expect(stage().lookup(`${'a'.repeat(64)}.test`)).rejects.toThrow(TypeError);
  });
});

describe('TTL clamping', () => {
  it('raises a short TTL to minTtlSeconds and lowers a long one to maxTtlSeconds', async () => {
    const s = stage();
    expect((await s.lookup('low-ttl.test')).outcome).toMatchObject({ ttlSeconds: 30 });
    expect((await s.lookup('high-ttl.test')).outcome).toMatchObject({ ttlSeconds: 3600 });
  });

  it('honours the bounds given', async () => {
    const s = stage({ cache: { minTtlSeconds: 1, maxTtlSeconds: 100 } });
    expect((await s.lookup('low-ttl.test')).outcome).toMatchObject({ ttlSeconds: 5 });
    expect((await s.lookup('high-ttl.test')).outcome).toMatchObject({ ttlSeconds: 100 });
  });

  it("a negative answer lives for the zone's SOA TTL when shorter than negativeTtlSeconds", async () => {
    expect((await stage().lookup('neg60.test')).outcome).toEqual({ status: 'no_mail_host', ttlSeconds: 60 });
    const s = stage({ cache: { negativeTtlSeconds: 20, minTtlSeconds: 5 } });
    expect((await s.lookup('missing.test')).outcome).toEqual({ status: 'nxdomain', ttlSeconds: 20 });
  });

  it('without an SOA, a negative answer lives for negativeTtlSeconds', async () => {
    const bare = await startDnsServer({ 'x.test': {} }, { negativeTtl: null });
    try {
      const s = createDnsStage({ servers: [bare.address], tries: 1, cache: { negativeTtlSeconds: 45 } });
      expect((await s.lookup('missing.test')).outcome).toEqual({ status: 'nxdomain', ttlSeconds: 45 });
      expect((await s.lookup('x.test')).outcome).toEqual({ status: 'no_mail_host', ttlSeconds: 45 });
    } finally {
      await bare.close();
    }
  });
});

describe('cache', () => {
  it('serves a second lookup within the TTL from the cache, and asks again after it', async () => {
    const s = stage();
    dns.resetCounts();
    const first = await s.lookup('example.test'); // TTL 120 s
    expect(first.cached).toBe(false);
    expect(dns.queries('example.test', 'MX')).toBe(1);

    clock += 119_000;
    const second = await s.lookup('example.test');
    expect(second.cached).toBe(true);
    expect(second.outcome).toEqual(first.outcome);
    expect(dns.queries('example.test')).toBe(1);
    expect(s.stats()).toMatchObject({ hits: 1, misses: 1, inflight: 0, size: 1 });

    clock += 2_000;
    const third = await s.lookup('example.test');
    expect(third.cached).toBe(false);
    expect(dns.queries('example.test', 'MX')).toBe(2);
    expect(s.stats()).toMatchObject({ hits: 1, misses: 2 });
  });

  it('caches the implicit-MX answer: MX, A and AAAA asked once', async () => {
    const s = stage();
    dns.resetCounts();
    await s.lookup('a-only.test');
    await s.lookup('a-only.test');
    expect(dns.queries('a-only.test', 'MX')).toBe(1);
    expect(dns.queries('a-only.test', 'A')).toBe(1);
    expect(dns.queries('a-only.test', 'AAAA')).toBe(1);
  });

  it.each([
    ['nxdomain', 'missing.test'],
    ['no_mail_host', 'nothing.test'],
    ['null_mx', 'null.test'],
  ])('caches %s for the negative TTL', async (status, domain) => {
    const s = stage();
    dns.resetCounts();
    expect((await s.lookup(domain)).outcome.status).toBe(status);
    const asked = dns.queries(domain);
    clock += 299_000;
    expect(await s.lookup(domain)).toMatchObject({ cached: true, outcome: { status } });
    expect(dns.queries(domain)).toBe(asked);
    clock += 2_000;
    expect(await s.lookup(domain)).toMatchObject({ cached: false, outcome: { status } });
    expect(dns.queries(domain, 'MX')).toBe(2);
  });

  it('never caches servfail', async () => {
    const s = createDnsStage({ servers: [dns.address], tries: 2, now });
    dns.resetCounts();
    expect((await s.lookup('broken.test')).outcome).toEqual({ status: 'servfail' });
    // A server that answered SERVFAIL is not asked again within one lookup, even with tries: 2.
    expect(dns.queries('broken.test')).toBe(1);
    expect(await s.lookup('broken.test')).toMatchObject({ cached: false, outcome: { status: 'servfail' } });
    expect(dns.queries('broken.test')).toBe(2);
    expect(s.stats().size).toBe(0);
  });

  it('never caches timeout', async () => {
    const s = stage({ timeoutMs: 100 });
    dns.resetCounts();
    expect(await s.lookup('silent.test')).toMatchObject({ cached: false, outcome: { status: 'timeout' } });
    expect(await s.lookup('silent.test')).toMatchObject({ cached: false, outcome: { status: 'timeout' } });
    expect(dns.queries('silent.test')).toBe(2);
    expect(s.stats().size).toBe(0);
  });

  it('50 concurrent lookups of one domain send one query', async () => {
    const s = stage();
    dns.resetCounts();
    const results = await Promise.all(Array.from({ length: 50 }, () => s.lookup('example.test')));
    expect(dns.queries('example.test')).toBe(1);
    expect(new Set(results.map((r) => JSON.stringify(r.outcome))).size).toBe(1);
    expect(results.every((r) => r.outcome.status === 'mx' && !r.cached)).toBe(true);
    expect(s.stats()).toMatchObject({ hits: 0, misses: 1, coalesced: 49, inflight: 0 });
  });

  it('50 concurrent lookups of an implicit-MX domain: one MX, one A, one AAAA query', async () => {
    const s = stage();
    dns.resetCounts();
    await Promise.all(Array.from({ length: 50 }, () => s.lookup('aaaa-only.test')));
    expect(dns.log.map((q) => q.type).sort()).toEqual(['A', 'AAAA', 'MX']);
  });

  it('concurrent lookups of a failing domain share the failure, and the next lookup asks again', async () => {
    const s = stage();
    dns.resetCounts();
    const results = await Promise.all(Array.from({ length: 20 }, () => s.lookup('broken.test')));
    expect(results.every((r) => r.outcome.status === 'servfail')).toBe(true);
    expect(dns.queries('broken.test')).toBe(1);
    await s.lookup('broken.test');
    expect(dns.queries('broken.test')).toBe(2);
  });

  it('keeps at most maxEntries domains; one looked up again since it was cached outlives one that was not', async () => {
    const s = stage({ cache: { maxEntries: 2 } });
    await s.lookup('a.bulk.test');
    await s.lookup('b.bulk.test');
    await s.lookup('a.bulk.test'); // a hit: a is marked as used
    await s.lookup('c.bulk.test'); // evicts b, the oldest entry not used since it was cached
    dns.resetCounts();
    expect((await s.lookup('a.bulk.test')).cached).toBe(true);
    expect((await s.lookup('c.bulk.test')).cached).toBe(true);
    expect((await s.lookup('b.bulk.test')).cached).toBe(false);
    expect(dns.queries('b.bulk.test')).toBe(1);
    expect(s.stats().size).toBe(2);
  });

  it('clear() empties the cache, and a lookup in flight during clear() does not refill it', async () => {
    const s = stage();
    await s.lookup('example.test');
    s.clear();
    expect(s.stats().size).toBe(0);
    expect((await s.lookup('example.test')).cached).toBe(false);

    const pending = s.lookup('d.bulk.test');
    s.clear();
    expect((await pending).outcome.status).toBe('mx');
    expect(s.stats().size).toBe(0);
    expect((await s.lookup('d.bulk.test')).cached).toBe(false);
  });

  it('maxEntries 0 disables the cache', async () => {
    const s = stage({ cache: { maxEntries: 0 } });
    dns.resetCounts();
    await s.lookup('example.test');
    await s.lookup('example.test');
    expect(dns.queries('example.test')).toBe(2);
  });

  it('a caller changing a result does not change the cache', async () => {
    const s = stage();
    const first = await s.lookup('example.test');
    if (first.outcome.status === 'mx') first.outcome.hosts.reverse();
    const second = await s.lookup('example.test');
    expect(second.cached).toBe(true);
    expect(second.outcome.status === 'mx' && second.outcome.hosts[0]?.exchange).toBe('mx0.example.test');
  });
});

describe('TtlCache', () => {
  const keys = (cache: TtlCache<number>, names: string[]) => names.filter((k) => cache.get(k) !== undefined);

  it('a recently read entry survives when the cache overflows; the oldest unread one goes', () => {
    const cache = new TtlCache<number>(3, () => 0);
    cache.set('a', 1, 60);
    cache.set('b', 2, 60);
    cache.set('c', 3, 60);
    expect(cache.get('a')).toBe(1); // a is now marked as used
    cache.set('d', 4, 60); // a gets a second chance; b, the oldest unread entry, goes
    expect(cache.size).toBe(3);
    expect(keys(cache, ['a', 'b', 'c', 'd'])).toEqual(['a', 'c', 'd']);
  });

  it('keeps a hot set read between many inserts', () => {
    const cache = new TtlCache<number>(1_000, () => 0);
    for (let i = 0; i < 1_000; i++) cache.set(`k${i}`, i, 60);
    const hot = Array.from({ length: 100 }, (_, i) => `k${i * 10}`);
    let missed = 0;
    for (let i = 0; i < 900; i++) {
      for (const k of hot) if (cache.get(k) === undefined) missed++;
      cache.set(`new${i}`, i, 60);
    }
    expect(missed).toBe(0);
    expect(cache.size).toBe(1_000);
    expect(keys(cache, hot)).toEqual(hot);
    // The other 900 first keys made room for the 900 new ones.
    expect(keys(cache, ['k1', 'k999', 'new0'])).toEqual(['new0']);
    expect(cache.get('new899')).toBe(899);
  });

  it('when every entry was read, the oldest goes, never the entry being added', () => {
    const cache = new TtlCache<number>(2, () => 0);
    cache.set('a', 1, 60);
    cache.set('b', 2, 60);
    cache.get('a');
    cache.get('b');
    cache.set('c', 3, 60);
    expect(keys(cache, ['a', 'b', 'c'])).toEqual(['b', 'c']);
  });

  it('does not return an expired entry, and drops it', () => {
    let t = 1_000_000;
    const cache = new TtlCache<number>(10, () => t);
    cache.set('a', 1, 10);
    cache.set('b', 2, 20);
    t += 9_999;
    expect(cache.get('a')).toBe(1);
    t += 1; // a expires now: expiresAt <= now
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(1);
    expect(cache.get('b')).toBe(2);
    t += 10_000;
    expect(cache.get('b')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts an expired entry before a live one, even one that was read', () => {
    let t = 0;
    const cache = new TtlCache<number>(2, () => t);
    cache.set('a', 1, 1);
    cache.set('b', 2, 60);
    cache.get('a');
    t += 1_000; // a has expired (not read since, so still in the map)
    cache.set('c', 3, 60);
    expect(cache.size).toBe(2);
    expect(keys(cache, ['a', 'b', 'c'])).toEqual(['b', 'c']);
  });

  it('setting a key again replaces its value and expiry without evicting anything', () => {
    let t = 0;
    const cache = new TtlCache<number>(2, () => t);
    cache.set('a', 1, 1);
    cache.set('b', 2, 60);
    cache.set('a', 10, 60);
    t += 30_000;
    expect(cache.size).toBe(2);
    expect(keys(cache, ['a', 'b'])).toEqual(['a', 'b']);
    expect(cache.get('a')).toBe(10);
  });

  it('stores nothing with maxEntries 0 or a TTL of 0', () => {
    const none = new TtlCache<number>(0, () => 0);
    none.set('a', 1, 60);
    expect(none.size).toBe(0);
    const cache = new TtlCache<number>(5, () => 0);
    cache.set('a', 1, 0);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('clear() empties it', () => {
    const cache = new TtlCache<number>(5, () => 0);
    cache.set('a', 1, 60);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.get('a')).toBeUndefined();
  });
});

describe('resolvers and timeouts', () => {
  it('asks the servers it is given', async () => {
    const other = await startDnsServer({ 'example.test': { a: ['192.0.2.99'] } });
    try {
      const s = createDnsStage({ servers: [other.address], tries: 1 });
      expect((await s.lookup('example.test')).outcome).toMatchObject({ status: 'implicit_mx' });
      expect(other.queries('example.test', 'MX')).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('moves on to the next server when one is down or refuses', async () => {
    const down = await startDnsServer({});
    const downAddress = down.address;
    await down.close(); // nothing listens there now: UDP gets "port unreachable" at once
    const refusing = await startDnsServer({
      'example.test': { rcode: 'REFUSED' },
      '*.example.test': { rcode: 'REFUSED' },
    });
    try {
      const s = createDnsStage({ servers: [downAddress, refusing.address, dns.address], tries: 1 });
      dns.resetCounts();
      const t0 = performance.now();
      expect((await s.lookup('example.test')).outcome).toMatchObject({ status: 'mx' });
      expect(performance.now() - t0).toBeLessThan(900);
      expect(refusing.queries('example.test', 'MX')).toBe(1);
      expect(dns.queries('example.test', 'MX')).toBe(1);
    } finally {
      await refusing.close();
    }
  });

  it('tries: each round asks again after a timeout', async () => {
    const s = stage({ timeoutMs: 150, tries: 3 });
    dns.resetCounts();
    const t0 = performance.now();
    expect((await s.lookup('silent.test')).outcome).toEqual({ status: 'timeout' });
    expect(dns.queries('silent.test', 'MX')).toBe(3);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(440);
  });

  it('a slow answer arriving within the timeout is used', async () => {
    const s = stage({ timeoutMs: 2_500 });
    expect((await s.lookup('slow.test')).outcome).toMatchObject({ status: 'mx' });
  });

  it('accepts [ipv6]:port and plain ip servers, and rejects junk', () => {
    expect(() => createDnsStage({ servers: ['[::1]:5353', '127.0.0.1', '::1'] })).not.toThrow();
    expect(() => createDnsStage({ servers: ['dns.example:53'] })).toThrow(TypeError);
    expect(() => createDnsStage({ servers: ['127.0.0.1:99999'] })).toThrow(TypeError);
    expect(() => createDnsStage({ timeoutMs: 0 })).toThrow(RangeError);
    expect(() => createDnsStage({ tries: 0 })).toThrow(RangeError);
  });
});
