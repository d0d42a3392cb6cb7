// The pieces of the retry policy on their own, with a controlled clock and random source: the
// back-off bounds, the budget's sliding window, and reading rate-limit headers.
import { describe, expect, it } from 'vitest';
import { readRateLimit, readRetryAfter } from '../src/rate-limit.ts';
import { backoffCap, backoffDelay, RetryBudget } from '../src/retry.ts';

describe('back-off with full jitter', () => {
  it('waits between 0 and min(maxDelayMs, baseDelayMs × 2^n)', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => backoffCap(n, 250, 8000))).toEqual([
      250, 500, 1000, 2000, 4000, 8000, 8000,
    ]);
    expect(backoffDelay(3, 250, 8000, () => 0)).toBe(0);
    expect(backoffDelay(3, 250, 8000, () => 0.999_999)).toBe(1999);
    expect(backoffDelay(30, 250, 8000, () => 0.5)).toBe(4000);
  });

  it('spreads waits evenly over the whole range', () => {
    const samples = Array.from({ length: 4000 }, () => backoffDelay(2, 100, 8000));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...samples)).toBeLessThan(400);
    const mean = samples.reduce((sum, n) => sum + n, 0) / samples.length;
    expect(mean).toBeGreaterThan(180);
    expect(mean).toBeLessThan(220);
    expect(samples.filter((n) => n < 100).length).toBeGreaterThan(800);
    expect(samples.filter((n) => n >= 300).length).toBeGreaterThan(800);
  });
});

describe('the retry budget', () => {
  it('allows minRetries + ratio × calls retries in the window', () => {
    const now = 0;
    const budget = new RetryBudget({ ratio: 0.1, minRetries: 5, windowMs: 10_000 }, () => now);
    for (let i = 0; i < 80; i++) budget.deposit();
    const granted = Array.from({ length: 20 }, () => budget.tryWithdraw()).filter(Boolean).length;
    expect(granted).toBe(5 + 8);
  });

  it('with no calls, only the minimum', () => {
    const budget = new RetryBudget({ ratio: 0.2, minRetries: 2, windowMs: 1000 }, () => 0);
    expect([budget.tryWithdraw(), budget.tryWithdraw(), budget.tryWithdraw()]).toEqual([true, true, false]);
  });

  it('slides: retries and calls older than the window no longer count', () => {
    let now = 0;
    const budget = new RetryBudget({ ratio: 0, minRetries: 3, windowMs: 10_000 }, () => now);
    expect([budget.tryWithdraw(), budget.tryWithdraw(), budget.tryWithdraw(), budget.tryWithdraw()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    now = 5_000;
    expect(budget.tryWithdraw()).toBe(false);
    now = 10_500; // the slot of t = 0 has left the window
    expect([budget.tryWithdraw(), budget.tryWithdraw(), budget.tryWithdraw(), budget.tryWithdraw()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    now = 1_000_000; // long idle: everything is forgotten
    expect(budget.tryWithdraw()).toBe(true);
  });
});

describe('rate-limit headers', () => {
  it('reads the X-RateLimit headers and the policy window', () => {
    const headers = new Headers({
      ratelimit: '"workspace";r=41;t=35',
      'ratelimit-policy': '"workspace";q=100;w=100',
      'x-ratelimit-limit': '100',
      'x-ratelimit-remaining': '41',
      'x-ratelimit-reset': '35',
    });
    expect(readRateLimit(headers)).toEqual({
      limit: 100,
      remaining: 41,
      resetSeconds: 35,
      windowSeconds: 100,
    });
  });

  it('falls back to the RateLimit structured fields, and gives undefined without headers', () => {
    const headers = new Headers({
      ratelimit: '"workspace";r=0;t=98',
      'ratelimit-policy': '"workspace";q=100;w=100',
    });
    expect(readRateLimit(headers)).toEqual({
      limit: 100,
      remaining: 0,
      resetSeconds: 98,
      windowSeconds: 100,
    });
    expect(readRateLimit(new Headers())).toBeUndefined();
  });

  it('reads Retry-After in seconds or as an HTTP date', () => {
    expect(readRetryAfter(new Headers({ 'retry-after': '2' }))).toBe(2);
    const now = Date.parse('2026-11-21T10:00:00Z');
    expect(readRetryAfter(new Headers({ 'retry-after': 'Sat, 21 Nov 2026 10:00:30 GMT' }), now)).toBe(30);
    expect(readRetryAfter(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(readRetryAfter(new Headers())).toBeUndefined();
  });
});
