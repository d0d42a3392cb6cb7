import { NOTIFICATION_KINDS } from '@postern/contracts';
import { describe, expect, it } from 'vitest';
import { badgeText, bellLabel, KIND_TONE, notificationHref } from './notifications-model.ts';

describe('the notification bell', () => {
  it('has a tone for every kind of the contract', () => {
    expect(Object.keys(KIND_TONE).sort()).toEqual([...NOTIFICATION_KINDS].sort());
  });

  it('counts unread notifications on the badge', () => {
    expect(badgeText(0)).toBeUndefined();
    expect(badgeText(-1)).toBeUndefined();
    expect(badgeText(1)).toBe('1');
    expect(badgeText(9)).toBe('9');
    expect(badgeText(10)).toBe('9+');
    expect(bellLabel(0)).toBe('Notifications');
    expect(bellLabel(3)).toBe('Notifications, 3 unread');
  });

  it('links only inside the dashboard', () => {
    expect(notificationHref('/w/abc/jobs/def')).toBe('/w/abc/jobs/def');
    expect(notificationHref(null)).toBeUndefined();
    expect(notificationHref('https://evil.example/')).toBeUndefined();
    expect(notificationHref('//evil.example/')).toBeUndefined();
    expect(notificationHref('/\\evil.example')).toBeUndefined();
    expect(notificationHref('javascript:alert(1)')).toBeUndefined();
    expect(notificationHref('/w/a\nb')).toBeUndefined();
  });
});
