// Notifications, presented (pure: testable). Type-only imports: the bell is in the first bundle.
import type { NotificationDto, NotificationKind } from '@postern/contracts';
import type { BadgeTone } from '../../components/badge.tsx';

export type { NotificationDto };

/** How often the bell asks for news (it also asks when the window gets focus). */
export const NOTIFICATIONS_POLL_MS = 60_000;

export const KIND_TONE: Record<NotificationKind, BadgeTone> = {
  'bulk_job.completed': 'emerald',
  'bulk_job.failed': 'rose',
  'webhook.endpoint_disabled': 'amber',
  'api_key.usage_alert': 'amber',
  'mailbox.reconnect_required': 'amber',
};

/** The unread count on the badge: "9+" above nine, nothing at zero. */
export function badgeText(unread: number): string | undefined {
  if (!Number.isFinite(unread) || unread <= 0) return undefined;
  return unread > 9 ? '9+' : String(Math.floor(unread));
}

/** The bell's accessible name: "Notifications, 3 unread". */
export function bellLabel(unread: number): string {
  return unread > 0 ? `Notifications, ${unread} unread` : 'Notifications';
}

/**
 * Where a notification leads inside the dashboard, or undefined: only same-origin absolute paths
 * (`/w/…`), never another site (`//host`, `/\\host`, a scheme).
 */
export function notificationHref(link: string | null): string | undefined {
  if (!link?.startsWith('/') || link.startsWith('//') || link.startsWith('/\\')) return undefined;
  if ([...link].some((char) => char.charCodeAt(0) < 0x20)) return undefined;
  return link;
}

/** What a notification whose object was deleted since says instead of linking to it. */
export const DELETED_TARGET: Record<NotificationKind, string> = {
  'bulk_job.completed': 'This job has since been deleted.',
  'bulk_job.failed': 'This job has since been deleted.',
  'webhook.endpoint_disabled': 'This endpoint has since been deleted.',
  'api_key.usage_alert': 'This API key has since been deleted.',
  'mailbox.reconnect_required': 'This mailbox has since been disconnected.',
};

/** Where the notification leads, or, when its object was deleted, the sentence saying so. */
export function notificationTarget(notification: Pick<NotificationDto, 'kind' | 'link' | 'targetDeleted'>): {
  href?: string;
  deleted?: string;
} {
  if (notification.targetDeleted) return { deleted: DELETED_TARGET[notification.kind] };
  const href = notificationHref(notification.link);
  return href ? { href } : {};
}
