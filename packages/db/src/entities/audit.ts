// The audit log table. "Workspaces, team roles and the tamper-evident audit log" adds workspace
// scope, hash chaining and the database-enforced immutability; every domain writes through
// core's recordAudit().
import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';

export const AuditEntrySchema = defineEntity({
  name: 'AuditEntry',
  tableName: 'audit_entry',
  indexes: [{ properties: ['actorId', 'occurredAt'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    occurredAt: p.datetime().index(),
    eventType: p.string().length(80).index(),
    actorId: p.uuid().nullable(),
    targetType: p.string().length(40).nullable(),
    targetId: p.string().length(100).nullable(),
    ip: p.string().length(64).nullable(),
    userAgent: p.string().length(512).nullable(),
    metadata: p.json<Record<string, unknown>>().nullable(),
  },
});
export class AuditEntry extends AuditEntrySchema.class {}
AuditEntrySchema.setClass(AuditEntry);
