// 429 storms against the real API and its real token bucket in Redis. The API runs with
// RATE_LIMIT_MULTIPLIER=0.5, so a Starter workspace has a burst of 50 and refills 0.5 token/s: once
// the bucket is empty the API answers 429 with `Retry-After: 2`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltEsm, newApiKey, type RunningApi, startApi } from './helpers.ts';

type Sdk = Awaited<ReturnType<typeof loadBuiltEsm>>;
type PosternError = InstanceType<Sdk['PosternError']>;
type Outcome = { ok: true; attempts: number } | { ok: false; error: PosternError };

const BURST = 50;

describe('rate limits of the real API', () => {
  let sdk: Sdk;
  let api: RunningApi;

  beforeAll(async () => {
    sdk = await loadBuiltEsm();
    api = await startApi({ RATE_LIMIT_MULTIPLIER: '0.5' });
  });

  afterAll(async () => {
    await api?.stop();
  });

  /** A client whose fetch logs every request it sends (the network is real; this only watches). */
  function watchedClient(apiKey: string, retry: NonNullable<Parameters<Sdk['createClient']>[0]['retry']>) {
    const sent: number[] = [];
    const answers: { at: number; status: number; retryAfter: number | undefined }[] = [];
    const client = sdk.createClient({
      baseUrl: api.url,
      apiKey,
      retry,
      fetch: async (input, init) => {
        sent.push(performance.now());
        const response = await fetch(input, init);
        const retryAfter = response.headers.get('retry-after');
        answers.push({
          at: performance.now(),
          status: response.status,
          retryAfter: retryAfter === null ? undefined : Number(retryAfter),
        });
        return response;
      },
    });
    return { client, sent, answers };
  }

  async function storm(client: ReturnType<Sdk['createClient']>, calls: number): Promise<Outcome[]> {
    return Promise.all(
      Array.from({ length: calls }, () =>
        client
          .me()
          .withMeta()
          .then(
            ({ meta }): Outcome => ({ ok: true, attempts: meta.attempts }),
            (error: PosternError): Outcome => ({ ok: false, error }),
          ),
      ),
    );
  }

  it('a storm of concurrent calls: retries wait for Retry-After and stay within the retry budget', async () => {
    const CALLS = 80;
    const budget = { ratio: 0.1, minRetries: 5, windowMs: 60_000 };
    const { secret } = await newApiKey(api.url);
    const retries: { delayMs: number; retryAfterSeconds: number | undefined; code: string }[] = [];
    const { client, sent, answers } = watchedClient(secret, {
      maxRetries: 3,
      baseDelayMs: 100,
      budget,
      onRetry: ({ delayMs, error }) =>
        retries.push({ delayMs, retryAfterSeconds: error.retryAfterSeconds, code: error.code }),
    });

    const outcomes = await storm(client, CALLS);

    // Every call ends: a success, or RATE_LIMITED with everything needed to act on it.
    const failures = outcomes.flatMap((o) => (o.ok ? [] : [o.error]));
    const successes = outcomes.flatMap((o) => (o.ok ? [o] : []));
    for (const error of failures) {
      expect(sdk.isPosternError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'RATE_LIMITED', httpStatus: 429 });
      expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(error.rateLimit).toMatchObject({ limit: BURST, remaining: 0 });
      expect(['budget', 'maxRetries']).toContain(error.retryStoppedBy);
    }
    // The burst passes at once; the bucket refills during the Retry-After wait, so some retries succeed.
    expect(successes.filter((s) => s.attempts === 1).length).toBeGreaterThanOrEqual(BURST);
    expect(successes.filter((s) => s.attempts > 1).length).toBeGreaterThanOrEqual(1);
    expect(failures.some((e) => e.retryStoppedBy === 'budget')).toBe(true);

    // The budget: every request is accounted for, and retries add at most 10 % + the minimum.
    const attempts = outcomes.reduce((sum, o) => sum + (o.ok ? o.attempts : o.error.attempts), 0);
    expect(sent.length).toBe(attempts);
    expect(sent.length - CALLS).toBe(retries.length);
    expect(sent.length).toBeLessThanOrEqual(CALLS * (1 + budget.ratio) + budget.minRetries);
    expect(retries.length).toBeGreaterThan(0);

    // Retry-After is honoured: every retry of a 429 waited at least that long…
    for (const retry of retries) {
      expect(retry.code).toBe('RATE_LIMITED');
      expect(retry.delayMs).toBeGreaterThanOrEqual((retry.retryAfterSeconds ?? 0) * 1000);
    }
    // …and, on the wire, nothing was sent between the first 429 and the end of its Retry-After.
    const first429 = answers.filter((a) => a.status === 429).sort((a, b) => a.at - b.at)[0];
    expect(first429?.retryAfter).toBeGreaterThanOrEqual(1);
    const retriesSentAt = sent.slice(CALLS);
    expect(Math.min(...retriesSentAt)).toBeGreaterThanOrEqual(
      (first429?.at ?? 0) + (first429?.retryAfter ?? 0) * 1000 - 5,
    );
    expect(client.lastRateLimit).toMatchObject({ limit: BURST, windowSeconds: 100 });
  });

  it('a Retry-After longer than maxRetryAfterMs fails at once with the wait, instead of waiting', async () => {
    const { secret } = await newApiKey(api.url);
    const { client, sent } = watchedClient(secret, { maxRetryAfterMs: 1000 });
    const started = performance.now();
    const outcomes = await storm(client, BURST + 5);
    const elapsed = performance.now() - started;

    const failures = outcomes.flatMap((o) => (o.ok ? [] : [o.error]));
    expect(failures).toHaveLength(5);
    for (const error of failures) {
      expect(error).toMatchObject({
        code: 'RATE_LIMITED',
        httpStatus: 429,
        attempts: 1,
        retryStoppedBy: 'maxRetryAfter',
        retryAfterSeconds: 2,
      });
      expect(error.toJSON()).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 2, attempts: 1 });
    }
    expect(sent).toHaveLength(BURST + 5);
    expect(elapsed).toBeLessThan(1500);
  });
});
