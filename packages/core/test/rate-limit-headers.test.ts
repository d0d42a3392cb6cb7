// The rate-limit headers of a refusal agree with Retry-After (#24): the reset of a bucket that could
// not pay is the wait before the request can pass, not the time until the bucket is full.
import { describe, expect, it } from 'vitest';
import { checksRefused, headerValues } from '../src/index.ts';

const policy = { perMinute: 60, burst: 100 };

describe('headers of a refusal', () => {
  it('one bucket: t and X-RateLimit-Reset are the Retry-After, not the ~100 s to fill the bucket', () => {
    const empty = { remaining: 0, resetSeconds: 100, retryAfterSeconds: 1 };
    const headers = headerValues(policy, [['workspace', empty]]);
    expect(headers.ratelimit).toBe('"workspace";r=0;t=1');
    expect(headers['x-ratelimit-reset']).toBe('1');
  });

  it('two buckets: the short one reports its wait; X-RateLimit-Reset is the longest wait, as Retry-After', () => {
    const workspace = { remaining: 40, resetSeconds: 60, retryAfterSeconds: 0 };
    const account = { remaining: 2, resetSeconds: 98, retryAfterSeconds: 48 };
    const headers = headerValues(policy, [
      ['workspace', workspace],
      ['account', account],
    ]);
    expect(headers.ratelimit).toBe('"workspace";r=40;t=60, "account";r=2;t=48');
    const refusal = checksRefused('starter', workspace, account, 50);
    expect(headers['x-ratelimit-reset']).toBe(String(refusal.details?.retryAfterSeconds));
  });

  it('admitted: the reset is the longest time until a bucket is full again', () => {
    const headers = headerValues(policy, [
      ['workspace', { remaining: 90, resetSeconds: 10, retryAfterSeconds: 0 }],
      ['account', { remaining: 80, resetSeconds: 20, retryAfterSeconds: 0 }],
    ]);
    expect(headers['x-ratelimit-reset']).toBe('20');
    expect(headers.ratelimit).toBe('"workspace";r=90;t=10, "account";r=80;t=20');
  });
});
