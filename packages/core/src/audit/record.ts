// The one write path of the audit log. Every domain records security events through recordAudit;
// "Workspaces, team roles and the tamper-evident audit log" adds scope, chaining and immutability.
import type { AuditEventType } from '@postern/contracts';
import { AuditEntry, type EntityManager } from '@postern/db';
import type { Clock } from '../clock.ts';

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

export interface AuditInput {
  type: AuditEventType;
  actorId: string | null;
  /** The workspace the event belongs to; account-level events (sign-in, 2FA…) have none. */
  workspaceId?: string | null;
  target?: { type: string; id: string };
  meta: RequestMeta;
  metadata?: Record<string, unknown>;
}

/** The chain an entry joins: its workspace's, or the account's, or the system's. */
export function auditScope(workspaceId: string | null | undefined, actorId: string | null): string {
  if (workspaceId) return `ws:${workspaceId}`;
  return actorId ? `user:${actorId}` : 'system';
}

/**
 * Adds the entry to the unit of work; it is written with the change that caused it (same flush).
 * The database numbers and chains it (trigger `audit_entry_chain`).
 */
export function recordAudit(em: EntityManager, clock: Clock, input: AuditInput): void {
  em.create(AuditEntry, {
    scope: auditScope(input.workspaceId, input.actorId),
    workspaceId: input.workspaceId ?? null,
    occurredAt: clock.now(),
    eventType: input.type,
    actorId: input.actorId,
    targetType: input.target?.type ?? null,
    targetId: input.target?.id ?? null,
    ip: input.meta.ip,
    userAgent: input.meta.userAgent?.slice(0, 512) ?? null,
    metadata: input.metadata ?? null,
  });
}
