// The OPT_IN_* settings (#30): the documented defaults, and one clear line for a value out of range.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

const base = { DATABASE_URL: 'postgres://u@127.0.0.1:5432/db' };

describe('double opt-in settings', () => {
  it('defaults: 7-day links, 30 days unconfirmed, 10 form posts per IP per minute, 1 mail per address per hour', () => {
    expect(loadConfig(base).optIn).toEqual({
      linkTtlDays: 7,
      unconfirmedRetentionDays: 30,
      formPostsPerMinute: 10,
      addressMailsPerHour: 1,
    });
  });

  it('reads each setting', () => {
    expect(
      loadConfig({
        ...base,
        OPT_IN_LINK_TTL_DAYS: '3',
        OPT_IN_UNCONFIRMED_RETENTION_DAYS: '14',
        OPT_IN_FORM_POSTS_PER_MINUTE: '100',
        OPT_IN_ADDRESS_MAILS_PER_HOUR: '2',
      }).optIn,
    ).toEqual({
      linkTtlDays: 3,
      unconfirmedRetentionDays: 14,
      formPostsPerMinute: 100,
      addressMailsPerHour: 2,
    });
  });

  it('refuses values out of range, naming the setting', () => {
    for (const [name, value] of [
      ['OPT_IN_LINK_TTL_DAYS', '0'],
      ['OPT_IN_LINK_TTL_DAYS', '31'],
      ['OPT_IN_UNCONFIRMED_RETENTION_DAYS', 'soon'],
      ['OPT_IN_FORM_POSTS_PER_MINUTE', '0'],
      ['OPT_IN_ADDRESS_MAILS_PER_HOUR', '1.5'],
    ] as const) {
      expect(() => loadConfig({ ...base, [name]: value })).toThrow(ConfigError);
      expect(() => loadConfig({ ...base, [name]: value })).toThrow(name);
    }
  });
});
