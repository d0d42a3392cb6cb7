// The audit log. One table, one write path (core's recordAudit). The database itself keeps it
// honest: a BEFORE INSERT trigger numbers each entry within its scope (a workspace, or one account)
// and chains it to the previous entry with SHA-256; UPDATE is always refused and DELETE only inside
// the retention purge (a transaction-local flag) and only for entries older than 90 days. Purges
// leave a checkpoint (last purged seq and hash) so the rest of the chain stays verifiable. TRUNCATE is
// refused on every audit table by statement triggers (refuseTruncateSql, in the migration).
import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { appendOnlyTriggers } from './append-only.ts';

/** The canonical text hashed for an entry; verify.ts recomputes it with the same expression. */
export const AUDIT_HASH_SQL = `encode(sha256(convert_to(concat_ws('|',
  coalesce(NEW.prev_hash, ''), NEW.id::text, NEW.scope, NEW.seq::text,
  to_char(NEW.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
  NEW.event_type, coalesce(NEW.workspace_id::text, ''), coalesce(NEW.actor_id::text, ''),
  coalesce(NEW.target_type, ''), coalesce(NEW.target_id, ''), coalesce(NEW.ip, ''),
  coalesce(NEW.user_agent, ''), coalesce(NEW.metadata::text, '')), 'UTF8')), 'hex')`;

export const AuditEntrySchema = defineEntity({
  name: 'AuditEntry',
  tableName: 'audit_entry',
  indexes: [{ properties: ['workspaceId', 'occurredAt'] }, { properties: ['actorId', 'occurredAt'] }],
  uniques: [{ properties: ['scope', 'seq'] }],
  triggers: [
    {
      name: 'audit_entry_chain',
      timing: 'before',
      events: ['insert'],
      forEach: 'row',
      body: `
        declare last record;
        begin
          perform pg_advisory_xact_lock(hashtext('audit:' || NEW.scope));
          select seq, hash into last from audit_entry where scope = NEW.scope order by seq desc limit 1;
          if not found then
            select seq, hash into last from audit_checkpoint where scope = NEW.scope order by seq desc limit 1;
          end if;
          NEW.seq := coalesce(last.seq, 0) + 1;
          NEW.prev_hash := last.hash;
          NEW.hash := ${AUDIT_HASH_SQL};
          return NEW;
        end;`,
    },
    {
      name: 'audit_entry_immutable',
      timing: 'before',
      events: ['update', 'delete'],
      forEach: 'row',
      body: `
        begin
          if TG_OP = 'DELETE' and current_setting('postern.audit_purge', true) = 'on'
             and OLD.occurred_at < now() - interval '90 days' then
            return OLD;
          end if;
          raise exception 'audit log entries cannot be modified or deleted' using errcode = 'insufficient_privilege';
        end;`,
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    /** `ws:<workspace id>` or `user:<user id>` (account-level) or `system`. */
    scope: p.string().length(80),
    seq: p.bigint('number').default(0),
    prevHash: p.string().length(64).nullable(),
    hash: p.string().length(64).default(''),
    occurredAt: p.datetime().index(),
    eventType: p.string().length(80).index(),
    workspaceId: p.uuid().nullable(),
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

/** Where a purge cut a scope's chain: the next entry's prev_hash must equal this hash. */
export const AuditCheckpointSchema = defineEntity({
  name: 'AuditCheckpoint',
  tableName: 'audit_checkpoint',
  uniques: [{ properties: ['scope', 'seq'] }],
  triggers: [
    {
      name: 'audit_checkpoint_immutable',
      timing: 'before',
      events: ['update', 'delete'],
      forEach: 'row',
      body: `
        begin
          raise exception 'audit checkpoints cannot be modified or deleted' using errcode = 'insufficient_privilege';
        end;`,
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    scope: p.string().length(80),
    seq: p.bigint('number'),
    hash: p.string().length(64),
    purgedEntries: p.integer(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class AuditCheckpoint extends AuditCheckpointSchema.class {}
AuditCheckpointSchema.setClass(AuditCheckpoint);

/**
 * Heads of the chain signed by the worker (Ed25519, AUDIT_SIGNING_KEY, which the database never sees):
 * `{scope, seq, hash, time}`. Also sent out (webhook `audit.checkpoint`, owners' digest) and kept in the
 * KV store; verify compares the chain against the newest one it can find. Append-only: a signature
 * cannot be forged by the database's writer, and rolling back to an older one needs DELETE, which is
 * refused except for the retention purge.
 */
export const AuditSignedHeadSchema = defineEntity({
  name: 'AuditSignedHead',
  tableName: 'audit_signed_head',
  uniques: [{ properties: ['scope', 'seq'] }],
  triggers: appendOnlyTriggers('audit_signed_head', {
    what: 'signed audit checkpoints',
    purgeAfter: { flag: 'postern.audit_purge', column: 'signed_at', days: 90 },
  }),
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    scope: p.string().length(80),
    seq: p.bigint('number'),
    hash: p.string().length(64),
    /** The `time` that was signed. */
    signedAt: p.datetime(),
    keyId: p.string().length(32),
    /** base64url Ed25519 signature of the canonical JSON {scope, seq, hash, time}. */
    signature: p.string().length(100),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class AuditSignedHead extends AuditSignedHeadSchema.class {}
AuditSignedHeadSchema.setClass(AuditSignedHead);
