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
  target?: { type: string; id: string };
  meta: RequestMeta;
  metadata?: Record<string, unknown>;
}

/** Adds the entry to the unit of work; it is written with the change that caused it (same flush). */
export function recordAudit(em: EntityManager, clock: Clock, input: AuditInput): void {
  em.create(AuditEntry, {
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
