import { NOTIFICATION_KINDS } from '@postern/contracts';
import { describe, expect, it } from 'vitest';
import {
  badgeText,
  bellLabel,
  DELETED_TARGET,
  KIND_TONE,
  notificationHref,
  notificationTarget,
} from './notifications-model.ts';

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

  it('says the object was deleted instead of linking to it', () => {
    expect(Object.keys(DELETED_TARGET).sort()).toEqual([...NOTIFICATION_KINDS].sort());
    const job = { kind: 'bulk_job.completed' as const, link: '/w/abc/jobs/def' };
    expect(notificationTarget({ ...job, targetDeleted: false })).toEqual({ href: '/w/abc/jobs/def' });
    expect(notificationTarget({ ...job, targetDeleted: true })).toEqual({
      deleted: 'This job has since been deleted.',
    });
    expect(notificationTarget({ ...job, link: '//evil.example/', targetDeleted: false })).toEqual({});
  });
});
