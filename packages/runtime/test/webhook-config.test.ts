// The WEBHOOK_* settings: defaults, parsing, and one clear line naming the setting when a value is bad.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

const base = { DATABASE_URL: 'postgres://u@127.0.0.1:5432/db' };

function problem(env: Record<string, string>): string {
  try {
    loadConfig({ ...base, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a configuration error');
}

describe('webhook settings', () => {
  it('has safe defaults: nothing private allowed, 15 s timeout, the built-in schedule', () => {
    expect(loadConfig(base).webhooks).toEqual({
      allowedTargets: [],
      timeoutMs: 15_000,
      retryScheduleMs: undefined,
      concurrency: 100,
      endpointConcurrency: 20,
    });
  });

  it('parses the allowlist, timeout, schedule and concurrency', () => {
    const config = loadConfig({
      ...base,
      WEBHOOK_ALLOWED_TARGETS: ' 10.0.0.0/8, fd00::/8 ,127.0.0.1, Hooks.Internal, *.svc.cluster.local',
      WEBHOOK_TIMEOUT_SECONDS: '0.5',
      WEBHOOK_RETRY_SCHEDULE_SECONDS: '0.2, 1,5',
      WEBHOOK_CONCURRENCY: '32',
      WEBHOOK_ENDPOINT_CONCURRENCY: '4',
    });
    expect(config.webhooks).toEqual({
      allowedTargets: ['10.0.0.0/8', 'fd00::/8', '127.0.0.1', 'hooks.internal', '*.svc.cluster.local'],
      timeoutMs: 500,
      retryScheduleMs: [200, 1000, 5000],
      concurrency: 32,
      endpointConcurrency: 4,
    });
  });

  it.each([
    [
      { WEBHOOK_ALLOWED_TARGETS: '10.0.0.0/33' },
      /^WEBHOOK_ALLOWED_TARGETS: "10\.0\.0\.0\/33" is not a valid CIDR/,
    ],
    [
      { WEBHOOK_ALLOWED_TARGETS: 'http://x.test' },
      /^WEBHOOK_ALLOWED_TARGETS: "http:\/\/x\.test" is not a CIDR/,
    ],
    [{ WEBHOOK_ALLOWED_TARGETS: 'host name' }, /^WEBHOOK_ALLOWED_TARGETS: /],
    [{ WEBHOOK_TIMEOUT_SECONDS: '120' }, /^WEBHOOK_TIMEOUT_SECONDS: /],
    [
      { WEBHOOK_RETRY_SCHEDULE_SECONDS: '5,-1' },
      /^WEBHOOK_RETRY_SCHEDULE_SECONDS: must be 1-20 comma-separated delays/,
    ],
    [{ WEBHOOK_CONCURRENCY: '0' }, /^WEBHOOK_CONCURRENCY: /],
    [{ WEBHOOK_ENDPOINT_CONCURRENCY: 'many' }, /^WEBHOOK_ENDPOINT_CONCURRENCY: /],
  ])('refuses %o with one line naming the setting', (env, message) => {
    expect(problem(env)).toMatch(message);
  });
});
