// DNS stage benchmark, against the local test resolver (dns2 on 127.0.0.1, so it measures the
// stage's own cost plus a loopback round trip, not the Internet):
//   dns_uncached_p50_ms / dns_uncached_p99_ms: one lookup at a time of distinct domains with MX
//     records (one UDP query each), the cache cleared first;
//   dns_cached_per_s: lookups per second answered from the cache, one at a time, over a warm set of
//     domains.
// Progress goes to stderr.
import { createDnsStage } from '../../packages/validator/src/dns/index.ts';
import { startDnsServer } from '../../packages/validator/test/support/dns-server.ts';

const UNCACHED_WARMUP = 200;
const UNCACHED_LOOKUPS = 2_000;
const CACHED_DOMAINS = 1_000;
const CACHED_DURATION_MS = 2_000;

const log = (line: string) => process.stderr.write(`dns: ${line}\n`);
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export async function benchDns(): Promise<Record<string, number>> {
  const server = await startDnsServer({
    '*.bench.test': {
      mx: [
        { exchange: 'mx1.provider.test', priority: 10, ttl: 3600 },
        { exchange: 'mx2.provider.test', priority: 20, ttl: 3600 },
      ],
    },
    // MX hosts need an address (an MX whose hosts have none is dangling: no_mail_host).
    'mx1.provider.test': { a: ['192.0.2.25'], ttl: 3600 },
    'mx2.provider.test': { a: ['192.0.2.26'], ttl: 3600 },
  });
  try {
    const stage = createDnsStage({ servers: [server.address], timeoutMs: 2_000, tries: 1 });

    for (let i = 0; i < UNCACHED_WARMUP; i++) await stage.lookup(`warmup-${i}.bench.test`);
    stage.clear();
    const samples: number[] = [];
    for (let i = 0; i < UNCACHED_LOOKUPS; i++) {
      const t0 = performance.now();
      const result = await stage.lookup(`d${i}.bench.test`);
      samples.push(performance.now() - t0);
      if (result.cached || result.outcome.status !== 'mx')
        throw new Error(`unexpected ${JSON.stringify(result)}`);
    }
    samples.sort((a, b) => a - b);
    const p50 = percentile(samples, 50);
    const p99 = percentile(samples, 99);
    log(`uncached: p50 ${round(p50)} ms, p99 ${round(p99)} ms over ${UNCACHED_LOOKUPS} domains`);

    stage.clear();
    const domains = Array.from({ length: CACHED_DOMAINS }, (_, i) => `c${i}.bench.test`);
    for (const domain of domains) await stage.lookup(domain);
    const queriesBefore = server.log.length;
    let lookups = 0;
    const t0 = performance.now();
    let elapsed = 0;
    while (elapsed < CACHED_DURATION_MS) {
      for (let i = 0; i < 1_000; i++) {
        const result = await stage.lookup(domains[(lookups + i) % CACHED_DOMAINS] as string);
        if (!result.cached) throw new Error('cache miss in the cached phase');
      }
      lookups += 1_000;
      elapsed = performance.now() - t0;
    }
    if (server.log.length !== queriesBefore)
      throw new Error('queries reached the server in the cached phase');
    const perSecond = lookups / (elapsed / 1000);
    log(`cached: ${Math.round(perSecond)} lookups/s`);

    return {
      dns_uncached_p50_ms: round(p50),
      dns_uncached_p99_ms: round(p99),
      dns_cached_per_s: Math.round(perSecond),
    };
  } finally {
    await server.close();
  }
}
