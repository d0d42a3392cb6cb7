import { describe, expect, it, vi } from 'vitest';
import { createRefresher, type RefresherDeps } from './refresh.ts';
import { singleFlight } from './single-flight.ts';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('singleFlight', () => {
  it('shares one run between concurrent callers, then starts afresh', async () => {
    let runs = 0;
    const gate = deferred<number>();
    const task = singleFlight(() => {
      runs += 1;
      return gate.promise;
    });
    const a = task();
    const b = task();
    expect(a).toBe(b);
    gate.resolve(7);
    await expect(Promise.all([a, b])).resolves.toEqual([7, 7]);
    expect(runs).toBe(1);
    await task();
    expect(runs).toBe(2);
  });

  it('lets the next call retry after a failure', async () => {
    let runs = 0;
    const task = singleFlight(async () => {
      runs += 1;
      if (runs === 1) throw new Error('boom');
      return 'ok';
    });
    await expect(task()).rejects.toThrow('boom');
    await expect(task()).resolves.toBe('ok');
  });
});

/** A fake world: a clock, one lock shared by "tabs", one shared stamp. */
function world() {
  let now = 1_000;
  let stamp: number | undefined;
  let queue = Promise.resolve();
  const lock = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task);
    queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
  const tab = (call: () => Promise<boolean>): RefresherDeps => ({
    call,
    withLock: lock,
    readStamp: () => stamp,
    writeStamp: (at) => {
      stamp = at;
    },
    now: () => now,
  });
  return {
    tab,
    tick: (ms: number) => {
      now += ms;
    },
    get now() {
      return now;
    },
  };
}

describe('createRefresher', () => {
  it('refreshes once for many calls that failed together', async () => {
    const w = world();
    const gate = deferred<boolean>();
    const call = vi.fn(() => gate.promise);
    const refresh = createRefresher(w.tab(call));
    const sentAt = w.now;
    w.tick(10);
    const results = [refresh(sentAt), refresh(sentAt), refresh(sentAt)];
    gate.resolve(true);
    await expect(Promise.all(results)).resolves.toEqual([true, true, true]);
    expect(call).toHaveBeenCalledTimes(1);
  });

  it('skips the refresh when the session was renewed after the call was sent', async () => {
    const w = world();
    const call = vi.fn(async () => true);
    const refresh = createRefresher(w.tab(call));
    const early = w.now;
    w.tick(5);
    await refresh(w.now);
    expect(call).toHaveBeenCalledTimes(1);
    // A call that left before that refresh and failed late: replay, do not rotate again.
    await expect(refresh(early)).resolves.toBe(true);
    expect(call).toHaveBeenCalledTimes(1);
    // A call sent after it, failing (the new token expired too): refresh again.
    w.tick(5);
    await refresh(w.now);
    expect(call).toHaveBeenCalledTimes(2);
  });

  it('never lets two tabs send the same refresh token: the second waits, then reuses the result', async () => {
    const w = world();
    const gate = deferred<boolean>();
    const tabA = vi.fn(() => gate.promise);
    const tabB = vi.fn(async () => true);
    const refreshA = createRefresher(w.tab(tabA));
    const refreshB = createRefresher(w.tab(tabB));
    const sentAt = w.now;
    w.tick(1);
    const a = refreshA(sentAt);
    const b = refreshB(sentAt);
    await Promise.resolve();
    expect(tabB).not.toHaveBeenCalled();
    w.tick(1);
    gate.resolve(true);
    await expect(Promise.all([a, b])).resolves.toEqual([true, true]);
    expect(tabA).toHaveBeenCalledTimes(1);
    expect(tabB).not.toHaveBeenCalled();
  });

  it('reports a refused refresh, and lets a later one try again', async () => {
    const w = world();
    const call = vi.fn(async () => false);
    const refresh = createRefresher(w.tab(call));
    await expect(refresh(w.now)).resolves.toBe(false);
    await expect(refresh(w.now)).resolves.toBe(false);
    expect(call).toHaveBeenCalledTimes(2);
  });
});
