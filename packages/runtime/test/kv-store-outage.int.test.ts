// The Redis store fails fast when Redis is down or hung, and recovers by itself: a Redis server of this
// test's own (random port, no persistence) is paused (SIGSTOP: connected but silent), killed and
// restarted on the same port.
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createKvStore,
  isStoreUnavailable,
  type KvStore,
  REDIS_COMMAND_TIMEOUT_MS,
  StoreUnavailableError,
} from '../src/kv-store.ts';
import { freePort, waitFor } from '../src/testing.ts';

let port = 0;
let redis: ChildProcess;
let store: KvStore;

async function startRedis(): Promise<ChildProcess> {
  const proc = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  await waitFor(
    'redis-server to listen',
    () =>
      new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      }),
    { timeoutMs: 10_000 },
  );
  return proc;
}

/** How long `run` took to settle, and its error if it failed. */
async function timed(run: () => Promise<unknown>) {
  const started = performance.now();
  try {
    await run();
    return { ms: performance.now() - started, error: undefined };
  } catch (error) {
    return { ms: performance.now() - started, error };
  }
}

beforeAll(async () => {
  port = await freePort();
  redis = await startRedis();
  store = await createKvStore(`redis://127.0.0.1:${port}/0`, { connectTimeoutMs: 2000 });
});

afterAll(async () => {
  await store?.close();
  redis?.kill('SIGKILL');
});

describe('Redis store during an outage', () => {
  it('a hung Redis (paused): each command fails after the command timeout, then works when it resumes', async () => {
    await store.set('k', 'v', 60);
    redis.kill('SIGSTOP');
    try {
      for (const run of [() => store.get('k'), () => store.incr('n', 60), () => store.ping()]) {
        const { ms, error } = await timed(run);
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect(ms).toBeGreaterThanOrEqual(REDIS_COMMAND_TIMEOUT_MS - 50);
        expect(ms).toBeLessThan(REDIS_COMMAND_TIMEOUT_MS + 500);
      }
    } finally {
      redis.kill('SIGCONT');
    }
    await waitFor('the store to answer again', async () => (await store.get('k').catch(() => null)) === 'v', {
      timeoutMs: 10_000,
      intervalMs: 100,
    });
  });

  it('a killed Redis: commands fail at once (no offline queue); restarted on the same port, the store recovers by itself', async () => {
    const exited = new Promise((resolve) => redis.once('exit', resolve));
    redis.kill('SIGKILL');
    await exited;
    for (const run of [() => store.get('k'), () => store.set('k', 'v', 60), () => store.incr('n', 60)]) {
      const { ms, error } = await timed(run);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(isStoreUnavailable(error)).toBe(true);
      expect(ms).toBeLessThan(200);
    }
    redis = await startRedis();
    const started = Date.now();
    await waitFor('the store to answer again', async () => (await store.incr('n', 60).catch(() => 0)) > 0, {
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('isStoreUnavailable: ioredis connection errors yes, command errors and bugs no', () => {
    expect(
      isStoreUnavailable(new Error("Stream isn't writeable and enableOfflineQueue options is false")),
    ).toBe(true);
    expect(isStoreUnavailable(new Error('Command timed out'))).toBe(true);
    expect(isStoreUnavailable(new Error('Connection is closed.'))).toBe(true);
    expect(isStoreUnavailable(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isStoreUnavailable(new Error('wrapped', { cause: new Error('Command timed out') }))).toBe(true);
    expect(
      isStoreUnavailable(new Error('WRONGTYPE Operation against a key holding the wrong kind of value')),
    ).toBe(false);
    expect(isStoreUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isStoreUnavailable(undefined)).toBe(false);
  });
});
