import type { Session } from '@postern/contracts';
import { describe, expect, it } from 'vitest';
import { checklistItems } from '../auth/password-rules.ts';
import { formatRecoveryCode, groupSecret, recoveryCodesText } from './recovery-text.ts';
import { deviceKind, deviceLabel, sessionTitle, sortSessions } from './sessions.ts';

const session = (over: Partial<Session>): Session => ({
  id: 'id',
  current: false,
  deviceType: 'desktop',
  browser: 'Chrome',
  os: 'Linux',
  location: null,
  ip: null,
  createdAt: '2026-11-01T00:00:00.000Z',
  lastActiveAt: '2026-11-01T00:00:00.000Z',
  ...over,
});

describe('recovery codes file', () => {
  it('lists every code, grouped, with the account and a warning', () => {
    const codes = ['ABCDEFGHIJKLMNOP', 'qrst-uvwx-yz23-4567'];
    const text = recoveryCodesText(codes, 'ada@example.com', new Date('2026-11-21T10:00:00Z'));
    expect(text).toContain('Account: ada@example.com');
    expect(text).toContain(' 1. ABCD-EFGH-IJKL-MNOP');
    expect(text).toContain(' 2. QRST-UVWX-YZ23-4567');
    expect(text).toContain('2026-11-21T10:00:00.000Z');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('groups codes and secrets for reading', () => {
    expect(formatRecoveryCode('abcd efgh-ij')).toBe('ABCD-EFGH-IJ');
    expect(groupSecret('JBSWY3DPEHPK3PXPJBSW')).toBe('JBSW Y3DP EHPK 3PXP JBSW');
  });
});

describe('sessions', () => {
  it('puts this device first, then the most recently active', () => {
    const sorted = sortSessions([
      session({ id: 'old', lastActiveAt: '2026-11-01T00:00:00.000Z' }),
      session({ id: 'new', lastActiveAt: '2026-11-20T00:00:00.000Z' }),
      session({ id: 'me', current: true, lastActiveAt: '2026-10-01T00:00:00.000Z' }),
    ]);
    expect(sorted.map((s) => s.id)).toEqual(['me', 'new', 'old']);
  });

  it('names devices sensibly, even when the user agent said little', () => {
    expect(sessionTitle({ browser: 'Firefox', os: 'macOS' })).toBe('Firefox on macOS');
    expect(sessionTitle({ browser: 'Unknown', os: 'iOS' })).toBe('Unknown browser on iOS');
    expect(sessionTitle({ browser: '', os: '' })).toBe('Unknown browser');
    expect(['Mobile', 'tablet', 'bot'].map(deviceKind)).toEqual(['mobile', 'tablet', 'other']);
    expect(['desktop', 'unknown'].map(deviceLabel)).toEqual(['Desktop', 'Unknown device']);
  });
});

describe('password checklist', () => {
  it('lists the browser-checkable rules, and the server-only ones it reported', () => {
    expect(checklistItems('').map((item) => item.rule)).toEqual([
      'min_length',
      'uppercase',
      'lowercase',
      'digit',
      'special',
    ]);
    expect(checklistItems('').every((item) => !item.met)).toBe(true);
    expect(checklistItems('Abcdef1!').every((item) => item.met)).toBe(true);
    const common = checklistItems('Password1!', ['not_common']);
    expect(common.at(-1)).toEqual({ rule: 'not_common', met: false });
    expect(common.filter((item) => item.met)).toHaveLength(5);
  });
});
