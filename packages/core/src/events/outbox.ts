// The transactional outbox and dashboard notifications. Both are written with raw SQL on the
// caller's transaction (a `tx` EntityManager), so the event exists exactly when the change does.
import { randomUUID } from 'node:crypto';
import {
  type EventData,
  type EventType,
  type NotificationDto,
  type NotificationKind,
  ZEventType,
} from '@postern/contracts';
import { type EntityManager, execute, Membership, Notification } from '@postern/db';
import type { Clock } from '../clock.ts';
import type { CoreContext } from '../context.ts';
import { deletedTargets } from './notification-targets.ts';

/** Inserts an outbox row on `tx`'s transaction (call it inside `em.transactional`). */
export async function recordEvent<T extends EventType>(
  tx: EntityManager,
  clock: Clock,
  workspaceId: string,
  type: T,
  data: EventData<T>,
): Promise<string> {
  ZEventType.parse(type);
  const id = randomUUID();
  await execute(
    tx,
    'insert into outbox_event (id, workspace_id, type, payload, created_at) values (?, ?, ?, ?::jsonb, ?)',
    [id, workspaceId, type, JSON.stringify(data), clock.now()],
    'run',
  );
  return id;
}

export interface NotificationInput {
  userIds: readonly string[];
  workspaceId: string | null;
  kind: NotificationKind;
  title: string;
  body: string;
  link?: string | null;
}

/** Inserts one notification per user on `tx`'s transaction. */
export async function notifyUsers(tx: EntityManager, clock: Clock, input: NotificationInput): Promise<void> {
  const now = clock.now();
  for (const userId of new Set(input.userIds)) {
    await execute(
      tx,
      `insert into notification (id, user_id, workspace_id, kind, title, body, link, created_at)
           values (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        randomUUID(),
        userId,
        input.workspaceId,
        input.kind,
        input.title.slice(0, 200),
        input.body,
        input.link?.slice(0, 300) ?? null,
        now,
      ],
      'run',
    );
  }
}

/** Owners of a workspace (for notifications that concern the whole workspace). */
export async function workspaceOwnerIds(tx: EntityManager, workspaceId: string): Promise<string[]> {
  const rows = await execute<{ user_id: string }[]>(
    tx,
    "select user_id from workspace_member where workspace_id = ? and role = 'owner'",
    [workspaceId],
  );
  return rows.map((r) => r.user_id);
}

const NOTIFICATION_PAGE = 30;

function notificationDto(n: Notification, targetDeleted: boolean): NotificationDto {
  return {
    id: n.id,
    workspaceId: n.workspaceId ?? null,
    kind: n.kind as NotificationKind,
    title: n.title,
    body: n.body,
    link: n.link ?? null,
    createdAt: n.createdAt.toISOString(),
    readAt: n.readAt?.toISOString() ?? null,
    targetDeleted,
  };
}

/** The user's latest notifications (only workspaces they still belong to) and the unread count. */
export async function listNotifications(
  ctx: Pick<CoreContext, 'em'>,
  userId: string,
): Promise<{ notifications: NotificationDto[]; unread: number }> {
  const { em } = ctx;
  const memberships = await em.find(Membership, { userId }, { fields: ['workspaceId'] });
  const visible = {
    userId,
    $or: [{ workspaceId: null }, { workspaceId: { $in: memberships.map((m) => m.workspaceId) } }],
  };
  const [rows, unread] = await Promise.all([
    em.find(Notification, visible, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: NOTIFICATION_PAGE }),
    em.count(Notification, { ...visible, readAt: null }),
  ]);
  const deleted = await deletedTargets(em, rows);
  return { notifications: rows.map((n) => notificationDto(n, deleted.has(n.id))), unread };
}

/** Marks the given notifications (or all of them) read; only the user's own. */
export async function markNotificationsRead(
  ctx: Pick<CoreContext, 'em' | 'clock'>,
  userId: string,
  ids?: readonly string[],
): Promise<number> {
  return ctx.em.nativeUpdate(
    Notification,
    { userId, readAt: null, ...(ids ? { id: { $in: [...ids] } } : {}) },
    { readAt: ctx.clock.now() },
  );
}
