import { createTestDatabase, type TestDatabase } from '@postern/db/testing';
import { type SpawnedApp, spawnApp, waitForHttp } from '@postern/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('API graceful shutdown', () => {
  let db: TestDatabase;
  let api: SpawnedApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await spawnApp(
      'api',
      { DATABASE_URL: db.url },
      { entry: new URL('./fixtures/slow-api.ts', import.meta.url).pathname },
    );
    await waitForHttp(`${api.url}/healthz`);
  });

  afterAll(async () => {
    await api?.stop('SIGKILL');
    await db?.drop();
  });

  it('completes a request that is in flight when SIGTERM arrives, then exits 0', async () => {
    const inFlight = fetch(`${api.url}/test/slow?ms=1500`);
    await api.waitForLine(/slow request started/);
    const started = Date.now();
    api.proc.kill('SIGTERM');

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(response.headers.get('connection')).toBe('close');
    expect(await response.json()).toEqual({ done: true, ms: 1500 });
    expect(await api.exited).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(api.lines.some((line) => line.includes('shutting down gracefully'))).toBe(true);
  });

  it('accepts no new connections once stopped', async () => {
    await expect(fetch(`${api.url}/healthz`)).rejects.toThrow();
  });
});
