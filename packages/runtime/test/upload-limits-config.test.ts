// The request-body and upload settings: defaults, the JSON limit never above the upload limit, and one
// clear line naming the setting when a value is bad.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

const base = { DATABASE_URL: 'postgres://u@127.0.0.1:5432/db' };

describe('upload and request-body settings', () => {
  it('has defaults: 4 MiB JSON bodies, 4 uploads per workspace, 10 min per request, 4 KiB/s over 10 s', () => {
    const config = loadConfig(base);
    expect(config.bulkMaxJsonBytes).toBe(4 * 1024 * 1024);
    expect(config.bulkMaxConcurrentUploads).toBe(4);
    expect(config.http).toEqual({
      requestTimeoutMs: 600_000,
      minBodyBytesPerSecond: 4096,
      bodyRateWindowMs: 10_000,
    });
  });

  it('never lets the JSON limit exceed the upload limit', () => {
    const config = loadConfig({ ...base, BULK_MAX_UPLOAD_BYTES: '1048576', BULK_MAX_JSON_BYTES: '8388608' });
    expect(config.bulkMaxJsonBytes).toBe(1_048_576);
  });

  it('parses the settings and refuses bad values naming the setting', () => {
    const config = loadConfig({
      ...base,
      BULK_MAX_CONCURRENT_UPLOADS: '2',
      HTTP_REQUEST_TIMEOUT_SECONDS: '30',
      HTTP_BODY_MIN_BYTES_PER_SECOND: '0',
      HTTP_BODY_RATE_WINDOW_SECONDS: '2.5',
    });
    expect(config.bulkMaxConcurrentUploads).toBe(2);
    expect(config.http).toEqual({
      requestTimeoutMs: 30_000,
      minBodyBytesPerSecond: 0,
      bodyRateWindowMs: 2500,
    });
    for (const [setting, value] of [
      ['BULK_MAX_CONCURRENT_UPLOADS', '0'],
      ['HTTP_REQUEST_TIMEOUT_SECONDS', 'soon'],
      ['HTTP_BODY_MIN_BYTES_PER_SECOND', '-1'],
      ['BULK_MAX_JSON_BYTES', '10'],
    ] as const) {
      expect(() => loadConfig({ ...base, [setting]: value })).toThrow(ConfigError);
      expect(() => loadConfig({ ...base, [setting]: value })).toThrow(new RegExp(`^${setting}: `));
    }
  });
});
