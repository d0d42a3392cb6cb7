// A resolver that lies: a local DNS server answers NXDOMAIN for every name (canaries included), then
// recovers. While the canaries fail, verdicts resting on a negative answer are unknown/dns_error and
// the health says why; once they answer again, verdicts are trusted again — and NXDOMAIN answers
// cached while the resolver lied are gone.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDnsStage } from '../src/dns/index.ts';
import { createVerificationEngine, type VerificationEngine } from '../src/engine.ts';
import { createResolverHealth, type ResolverHealthStatus } from '../src/health.ts';
import { decide } from '../src/verdict.ts';
import { startDnsServer, type TestDnsServer, type Zones } from './support/dns-server.ts';

const truth: Zones = {
  'gmail.com': { mx: [{ exchange: 'gmail-smtp-in.l.google.com', priority: 5 }] },
  'outlook.com': { mx: [{ exchange: 'outlook-com.olc.protection.outlook.com', priority: 5 }] },
  'yahoo.com': { mx: [{ exchange: 'mta5.am0.yahoodns.net', priority: 1 }] },
  'gmail-smtp-in.l.google.com': { a: ['192.0.2.25'] },
  'outlook-com.olc.protection.outlook.com': { a: ['192.0.2.26'] },
  'mta5.am0.yahoodns.net': { a: ['192.0.2.27'] },
  'real-mail.com': { mx: [{ exchange: 'mx.real-mail.com', priority: 10, ttl: 600 }] },
  'mx.real-mail.com': { a: ['192.0.2.28'] },
};

let dns: TestDnsServer;
let engine: VerificationEngine;
const changes: ResolverHealthStatus[] = [];

const lie = () => {
  for (const name of Object.keys(dns.zones)) delete dns.zones[name];
};
const recover = () => Object.assign(dns.zones, structuredClone(truth));
const verdictOf = async (email: string) => decide(await engine.validate(email));

beforeAll(async () => {
  dns = await startDnsServer(structuredClone(truth), { canaries: false });
  lie(); // the resolver lies from the start
  engine = createVerificationEngine({
    dns: { servers: [dns.address], timeoutMs: 300, tries: 1 },
    resolverHealth: { intervalMs: 200, unhealthyIntervalMs: 50, onChange: (s) => changes.push(s) },
  });
});

afterAll(async () => {
  await engine.close();
  await dns.close();
});

describe('resolver health (canary domains)', () => {
  it('a resolver answering NXDOMAIN for everything is unhealthy from the first check, with the reason', async () => {
    const status = await engine.resolverHealth?.ready();
    expect(status).toMatchObject({ healthy: false });
    expect(status?.reason).toMatch(/gmail\.com \(nxdomain\)/);
    expect(status?.reason).toMatch(/outlook\.com/);
  });

  it('while unhealthy, NXDOMAIN is no verdict: unknown/dns_error, retry later', async () => {
    const result = await engine.validate('ann@real-mail.com');
    expect(result.resolverHealthy).toBe(false);
    expect(result.dns?.outcome.status).toBe('nxdomain');
    expect(decide(result)).toMatchObject({ status: 'unknown', reason: 'dns_error', action: 'retry_later' });
    expect(await verdictOf('ann@never-existed.com')).toMatchObject({ reason: 'dns_error' });
  });

  it('recovers: verdicts are trusted again, and answers cached during the lie are dropped', async () => {
    recover();
    await engine.resolverHealth?.waitUntilHealthy(AbortSignal.timeout(5000));
    expect(engine.resolverHealth?.status()).toMatchObject({ healthy: true, reason: null });
    // real-mail.com was cached as NXDOMAIN (300 s) while the resolver lied.
    expect(await verdictOf('ann@real-mail.com')).toMatchObject({
      status: 'deliverable',
      reason: 'mail_host_found',
    });
    expect(await verdictOf('ann@never-existed.com')).toMatchObject({
      status: 'undeliverable',
      reason: 'domain_not_found',
    });
    expect(changes.map((c) => c.healthy)).toEqual([false, true]);
  });

  it('notices a resolver that starts lying later (periodic checks)', async () => {
    lie();
    await vi.waitFor(() => expect(engine.resolverHealth?.status().healthy).toBe(false), { timeout: 3000 });
    expect(await verdictOf('ann@never-existed.com')).toMatchObject({ reason: 'dns_error' });
    recover();
    await engine.resolverHealth?.waitUntilHealthy(AbortSignal.timeout(5000));
    expect(await verdictOf('ann@never-existed.com')).toMatchObject({ reason: 'domain_not_found' });
  });

  it('a negative answer makes a resolver not checked lately be checked again: caught at its first lie', async () => {
    const quick = createVerificationEngine({
      dns: { servers: [dns.address], timeoutMs: 300, tries: 1 },
      // No periodic check within the test: only the re-check on a negative answer can notice.
      resolverHealth: { intervalMs: 3_600_000, negativeRecheckMs: 0 },
    });
    try {
      expect(await quick.resolverHealth?.ready()).toMatchObject({ healthy: true });
      lie();
      expect(decide(await quick.validate('ann@never-existed.com'))).toMatchObject({ reason: 'dns_error' });
      expect(quick.resolverHealth?.status().healthy).toBe(false);
    } finally {
      recover();
      await quick.close();
    }
  });

  it('one canary failing out of three is tolerated; the engine without canaries trusts every answer', async () => {
    const stage = createDnsStage({ servers: [dns.address], timeoutMs: 300, tries: 1 });
    const health = createResolverHealth({
      dns: stage,
      domains: ['gmail.com', 'outlook.com', 'gone.example'],
    });
    expect(await health.check()).toMatchObject({ healthy: true });
    const plain = createVerificationEngine({ dns: { servers: [dns.address], timeoutMs: 300, tries: 1 } });
    expect(plain.resolverHealth).toBeNull();
    expect((await plain.validate('ann@never-existed.com')).resolverHealthy).toBe(true);
    await plain.close();
  });
});
