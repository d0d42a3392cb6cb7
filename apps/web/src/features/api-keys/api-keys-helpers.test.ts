import { LEGACY_API_KEY_SCOPES } from '@postern/contracts/constants';
import { describe, expect, it } from 'vitest';
import {
  alertsByDay,
  chartRows,
  curlSnippet,
  expiryInput,
  keyStatus,
  percentOf,
  planCapacity,
  scopeGroups,
  scopeSummary,
  seriesTotal,
  shortDay,
  sortKeys,
  toggleScope,
} from './api-keys-model.ts';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);

describe('key status', () => {
  it('is revoked, expired or active', () => {
    expect(keyStatus({ revokedAt: null, expiresAt: null }, NOW)).toBe('active');
    expect(keyStatus({ revokedAt: null, expiresAt: '2026-12-01T00:00:00.000Z' }, NOW)).toBe('active');
    expect(keyStatus({ revokedAt: null, expiresAt: '2026-11-21T11:59:59.000Z' }, NOW)).toBe('expired');
    expect(
      keyStatus({ revokedAt: '2026-11-20T00:00:00.000Z', expiresAt: '2026-11-01T00:00:00.000Z' }, NOW),
    ).toBe('revoked');
  });

  it('lists active keys first, keeping the server order otherwise', () => {
    const keys = [
      { id: 'revoked', revokedAt: '2026-11-20T00:00:00.000Z', expiresAt: null },
      { id: 'a1', revokedAt: null, expiresAt: null },
      { id: 'expired', revokedAt: null, expiresAt: '2026-11-01T00:00:00.000Z' },
      { id: 'a2', revokedAt: null, expiresAt: null },
    ];
    expect(sortKeys(keys, NOW).map((key) => key.id)).toEqual(['a1', 'a2', 'expired', 'revoked']);
  });

  it('a rolled key works until its revocation time: rolling, then revoked', () => {
    const rolled = { revokedAt: '2026-11-21T12:00:00.001Z', expiresAt: null, replacedById: 'k2' };
    expect(keyStatus(rolled, NOW)).toBe('rolling');
    expect(keyStatus(rolled, NOW + 1)).toBe('revoked');
    // Revoked (not rolled) a moment after the page's clock last ticked: revoked, never "rolling".
    expect(keyStatus({ ...rolled, replacedById: null }, NOW)).toBe('revoked');
    const keys = [
      { id: 'revoked', revokedAt: '2026-11-20T00:00:00.000Z', expiresAt: null },
      { id: 'rolling', ...rolled },
      { id: 'expired', revokedAt: null, expiresAt: '2026-11-01T00:00:00.000Z' },
      { id: 'active', revokedAt: null, expiresAt: null },
    ];
    expect(sortKeys(keys, NOW).map((key) => key.id)).toEqual(['active', 'rolling', 'expired', 'revoked']);
  });
});

describe('scopes', () => {
  it('are summarised as a preset name or listed in the canonical order', () => {
    expect(scopeSummary(['jobs:read', 'usage:read', 'policy:read', 'contacts:read', 'campaigns:read'])).toBe(
      'Read only',
    );
    expect(scopeSummary(['jobs:write', 'validate:write'])).toBe('validate:write, jobs:write');
    expect(scopeSummary(LEGACY_API_KEY_SCOPES)).toBe('All verification');
    const full = scopeGroups().flatMap(([, scopes]) => scopes);
    expect(scopeSummary(full)).toBe('Full access');
    expect(scopeSummary(full.slice(1))).not.toBe('Full access');
  });

  it('toggle keeps the canonical order and each scope once', () => {
    expect(toggleScope(['jobs:write'], 'validate:write', true)).toEqual(['validate:write', 'jobs:write']);
    expect(toggleScope(['validate:write', 'jobs:write'], 'jobs:write', true)).toEqual([
      'validate:write',
      'jobs:write',
    ]);
    expect(toggleScope(['validate:write', 'jobs:write'], 'validate:write', false)).toEqual(['jobs:write']);
  });

  it('are grouped by resource for the checkbox group', () => {
    const groups = Object.fromEntries(scopeGroups());
    expect(groups.jobs).toEqual(['jobs:read', 'jobs:write']);
    expect(groups.contacts).toEqual(['contacts:read', 'contacts:write', 'contacts:erase']);
  });
});

describe('usage alerts on the chart', () => {
  it('are counted per UTC day', () => {
    const days = alertsByDay([
      { createdAt: '2026-11-20T23:59:59.000Z' },
      { createdAt: '2026-11-21T00:00:00.000Z' },
      { createdAt: '2026-11-21T08:00:00.000Z' },
    ]);
    expect([...days]).toEqual([
      ['2026-11-20', 1],
      ['2026-11-21', 2],
    ]);
  });
});

describe('key expiry', () => {
  const now = new Date(2026, 10, 21, 12, 0, 0);
  it('sends nothing for keys that never expire', () => {
    expect(expiryInput('never', '', now)).toEqual({});
  });

  it('ends on the last moment of the chosen day', () => {
    expect(expiryInput('30', '', now)).toEqual({
      expiresAt: new Date(2026, 11, 21, 23, 59, 59, 999).toISOString(),
    });
    expect(expiryInput('custom', '2027-01-05', now)).toEqual({
      expiresAt: new Date(2027, 0, 5, 23, 59, 59, 999).toISOString(),
    });
  });

  it('refuses a missing or past date', () => {
    expect(expiryInput('custom', '', now).error).toMatch(/Choose the day/);
    expect(expiryInput('custom', '2026-11-20', now).error).toMatch(/future/);
  });
});

describe('plan usage', () => {
  it('measures requests against what the sustained rate allows', () => {
    expect(planCapacity(60, new Date(NOW))).toEqual({ perDay: 86_400, perMonth: 86_400 * 30 });
    expect(planCapacity(100, new Date(Date.UTC(2027, 1, 10))).perMonth).toBe(144_000 * 28);
    // [used, allowed, percent shown]: capped at 100, and nothing allowed reads as 0.
    const cases = [
      [0, 100, 0],
      [1, 86_400, 1],
      [50, 100, 50],
      [150, 100, 100],
      [5, 0, 0],
    ] as const;
    for (const [used, allowed, percent] of cases) expect(percentOf(used, allowed)).toBe(percent);
  });
});

describe('usage chart', () => {
  it('makes one row per day with a column per key', () => {
    const usage = {
      days: ['2026-11-20', '2026-11-21'],
      series: [
        { keyId: 'k1', name: 'CI', counts: [3, 0] },
        { keyId: 'k2', name: 'Prod', counts: [1, 7] },
      ],
    };
    expect(chartRows(usage)).toEqual([
      { day: '2026-11-20', k1: 3, k2: 1 },
      { day: '2026-11-21', k1: 0, k2: 7 },
    ]);
    expect(seriesTotal([3, 0, 4])).toBe(7);
    expect(shortDay('2026-11-21')).toBe('21 Nov');
    expect(shortDay('not a day')).toBe('not a day');
  });

  it('shows how to call the API', () => {
    expect(curlSnippet('https://mail.example.com')).toBe(
      'curl -H "Authorization: Bearer pst_live_…" https://mail.example.com/v1/me',
    );
    expect(curlSnippet('http://localhost:3000', 'pst_live_abc')).toContain('Bearer pst_live_abc');
  });
});
