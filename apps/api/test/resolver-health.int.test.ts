// A DNS resolver that lies (NXDOMAIN for everything, the canary domains included), then recovers:
// /readyz and system.health report the resolver degraded with the reason — without failing readiness
// for it — and the single check answers unknown/dns_error instead of "domain not found".
import type { HealthResponse } from '@postern/contracts';
import { shapeValidationResult, systemClock } from '@postern/core';
import { type SpawnedApp, spawnApp } from '@postern/runtime/testing';
import { createVerificationEngine, type VerificationEngine } from '@postern/validator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CANARY_ZONES,
  startDnsServer,
  type TestDnsServer,
} from '../../../packages/validator/test/support/dns-server.ts';
import { type Harness, startHarness } from './support/harness.ts';

let dns: TestDnsServer;
let h: Harness;
let engine: VerificationEngine;

beforeAll(async () => {
  dns = await startDnsServer({}, { canaries: false });
  h = await startHarness({
    engine: () => {
      engine = createVerificationEngine({
        dns: { servers: [dns.address], timeoutMs: 300, tries: 1 },
        resolverHealth: { intervalMs: 100, unhealthyIntervalMs: 50 },
      });
      return engine;
    },
  });
  await engine.resolverHealth?.ready();
});

afterAll(async () => {
  await h?.close();
  await engine?.close();
  await dns?.close();
});

const readyz = async () => {
  const res = await h.app.inject({ method: 'GET', url: '/readyz?scope=api' });
  return { code: res.statusCode, body: res.json() };
};

describe('resolver health in /readyz and system.health', () => {
  it('reports the lying resolver as degraded with the reason; readiness is not failed for it', async () => {
    const { code, body } = await readyz();
    expect(code).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.checks.resolver).toMatchObject({ status: 'degraded' });
    expect(body.checks.resolver.detail).toMatch(
      /DNS resolver unhealthy: canary domains without MX: gmail\.com \(nxdomain\)/,
    );
    const trpc = await h.app.inject({ method: 'GET', url: '/trpc/system.health' });
    expect(trpc.json().result.data.checks.resolver.status).toBe('degraded');
  });

  it('while it lies, an address of a missing domain is unknown/dns_error, not undeliverable', async () => {
    const result = await engine.validate('ann@no-such-domain-anywhere.com');
    expect(result.resolverHealthy).toBe(false);
    // The shape every product path uses (single check, batch, bulk) carries the distrust through.
    expect(shapeValidationResult(result, systemClock)).toMatchObject({
      status: 'unknown',
      reason: 'dns_error',
      action: 'retry_later',
    });
  });

  it('recovers: the resolver check is ok again', async () => {
    Object.assign(dns.zones, structuredClone(CANARY_ZONES));
    await vi.waitFor(async () => expect((await readyz()).body.checks.resolver.status).toBe('ok'), {
      timeout: 5000,
    });
    expect((await readyz()).body.checks.resolver.detail).toMatch(/canary domains resolve: gmail\.com/);
  });
});

describe('a real API process builds its engine with the canaries of DNS_CANARY_DOMAINS', () => {
  let liar: TestDnsServer;
  let api: SpawnedApp;

  beforeAll(async () => {
    liar = await startDnsServer({}, { canaries: false });
    api = await spawnApp('api', {
      DATABASE_URL: h.db.url,
      REDIS_URL: 'redis://127.0.0.1:6379/0',
      POSTERN_SECRET: h.config.secret,
      WEB_DIST: '/nonexistent',
      DNS_SERVERS: liar.address,
      DNS_TIMEOUT_MS: '300',
      DNS_CANARY_DOMAINS: 'gmail.com,outlook.com',
    });
    await api.waitForLine(/api ready/, 60_000);
  }, 90_000);

  afterAll(async () => {
    await api?.stop();
    await liar?.close();
  });

  const spawnedReadyz = async () => {
    const res = await fetch(`${api.url}/readyz?scope=api`, { signal: AbortSignal.timeout(10_000) });
    return { code: res.status, body: (await res.json()) as HealthResponse };
  };

  it('reports the lie, then the recovery', async () => {
    await vi.waitFor(
      async () => expect((await spawnedReadyz()).body.checks.resolver?.status).toBe('degraded'),
      {
        timeout: 10_000,
      },
    );
    const lying = await spawnedReadyz();
    expect(lying.code).toBe(200);
    expect(lying.body.checks.resolver?.detail).toMatch(/gmail\.com \(nxdomain\), outlook\.com \(nxdomain\)/);
    Object.assign(liar.zones, structuredClone(CANARY_ZONES));
    // While unhealthy the canaries are looked at every 5 s.
    await vi.waitFor(async () => expect((await spawnedReadyz()).body.checks.resolver?.status).toBe('ok'), {
      timeout: 15_000,
      interval: 250,
    });
  }, 40_000);
});
