// The API_KEY_ALERT_* settings of the usage alerts (issue #22): defaults, parsing, bounds.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

const base = { DATABASE_URL: 'postgres://u@127.0.0.1:5432/db' };

describe('API key usage alert settings', () => {
  it('default to ×5 over the baseline with at least 100 requests, and 50 refusals, an hour', () => {
    expect(loadConfig(base).apiKeyAlerts).toEqual({ riseFactor: 5, minRequests: 100, refusals: 50 });
  });

  it('are read from the environment', () => {
    expect(
      loadConfig({
        ...base,
        API_KEY_ALERT_RISE_FACTOR: '2.5',
        API_KEY_ALERT_MIN_REQUESTS: '1000',
        API_KEY_ALERT_REFUSALS: '10',
      }).apiKeyAlerts,
    ).toEqual({ riseFactor: 2.5, minRequests: 1000, refusals: 10 });
  });

  it('refuse a factor under 1.5 and counts that are not positive whole numbers, naming the setting', () => {
    for (const [setting, value] of [
      ['API_KEY_ALERT_RISE_FACTOR', '1.4'],
      ['API_KEY_ALERT_RISE_FACTOR', 'lots'],
      ['API_KEY_ALERT_MIN_REQUESTS', '0'],
      ['API_KEY_ALERT_REFUSALS', '2.5'],
    ] as const) {
      expect(() => loadConfig({ ...base, [setting]: value })).toThrow(ConfigError);
      expect(() => loadConfig({ ...base, [setting]: value })).toThrow(setting);
    }
  });
});
