import net from 'node:net';
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

describe('API graceful shutdown with idle connections', () => {
  let db: TestDatabase;
  let api: SpawnedApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await spawnApp('api', { DATABASE_URL: db.url });
    await waitForHttp(`${api.url}/healthz`);
  });

  afterAll(async () => {
    await api?.stop('SIGKILL');
    await db?.drop();
  });

  it('closes a connection that never sent a byte and an idle keep-alive one, and exits at once', async () => {
    const { port, hostname } = new URL(api.url);
    const open = (): Promise<net.Socket> =>
      new Promise((resolve, reject) => {
        const socket = net.connect(Number(port), hostname, () => resolve(socket));
        socket.once('error', reject);
      });
    const closed = (socket: net.Socket) =>
      new Promise<void>((resolve) => {
        if (socket.destroyed) resolve();
        socket.once('close', () => resolve());
        socket.on('error', () => {});
      });
    // A spare connection (what an HTTP client pool or a port scan leaves): connected, silent.
    const silent = await open();
    // A keep-alive connection after one complete request.
    const keptAlive = await open();
    const answered = new Promise<string>((resolve) => {
      let text = '';
      keptAlive.on('data', (chunk) => {
        text += chunk.toString();
        if (text.includes('\r\n\r\n')) resolve(text);
      });
    });
    keptAlive.write(`GET /healthz HTTP/1.1\r\nHost: ${hostname}\r\nConnection: keep-alive\r\n\r\n`);
    expect(await answered).toMatch(/^HTTP\/1\.1 200/);

    const started = Date.now();
    api.proc.kill('SIGTERM');
    expect(await api.exited).toBe(0);
    // Without the idle sweep, the silent connection held the close until headersTimeout (60 s).
    expect(Date.now() - started).toBeLessThan(5000);
    await Promise.all([closed(silent), closed(keptAlive)]);
  }, 30_000);
});
