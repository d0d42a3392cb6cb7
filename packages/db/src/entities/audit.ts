// The audit log. One table, one write path (core's recordAudit). The database itself keeps it
// honest: a BEFORE INSERT trigger numbers each entry within its scope (a workspace, or one account)
// and chains it to the previous entry with SHA-256; UPDATE is always refused and DELETE only inside
// the retention purge (a transaction-local flag) and only for entries older than 90 days. Purges
// leave a checkpoint (last purged seq and hash) so the rest of the chain stays verifiable. TRUNCATE is
// refused on every audit table by statement triggers (refuseTruncateSql, in the migration).
// Chain version 2 (#28): personal data is sealed under per-person keys (subject_key) and hashed as
// ciphertext, so erasing a person destroys their key while the chain still verifies.
import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { appendOnlyTriggers } from './append-only.ts';

/** Fields both versions hash, in this order, after the previous hash. */
const CHAIN_FIELDS = `NEW.id::text, NEW.scope, NEW.seq::text,
  to_char(NEW.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
  NEW.event_type, coalesce(NEW.workspace_id::text, ''), coalesce(NEW.actor_id::text, ''),
  coalesce(NEW.target_type, ''), coalesce(NEW.target_id, '')`;

/** Version 1 (entries written before Migration20261206100100_audit_chain_v2): IP and agent in clear. */
export const AUDIT_HASH_V1_SQL = `encode(sha256(convert_to(concat_ws('|',
  coalesce(NEW.prev_hash, ''), ${CHAIN_FIELDS}, coalesce(NEW.ip, ''),
  coalesce(NEW.user_agent, ''), coalesce(NEW.metadata::text, '')), 'UTF8')), 'hex')`;

/**
 * Version 2: the personal data is sealed under a per-person key (`sealed`, core's audit/sealing.ts)
 * and the hash covers the ciphertext, the version and the subject, so destroying the key (erasure)
 * leaves the entry verifiable. `ip` and `user_agent` are always null in v2 (the trigger refuses
 * anything else) and still hashed, so clear data slipped into a v2 row later shows as an alteration.
 */
export const AUDIT_HASH_V2_SQL = `encode(sha256(convert_to(concat_ws('|',
  'v' || NEW.chain_version::text, coalesce(NEW.prev_hash, ''), ${CHAIN_FIELDS},
  coalesce(NEW.subject_id::text, ''), coalesce(NEW.sealed, ''), coalesce(NEW.ip, ''),
  coalesce(NEW.user_agent, ''), coalesce(NEW.metadata::text, '')), 'UTF8')), 'hex')`;

/**
 * The canonical text hashed for an entry, by its chain version; the trigger and verify.ts (which
 * recomputes it with `NEW.` replaced) use this one definition.
 */
export const AUDIT_HASH_SQL = `(case NEW.chain_version when 1 then ${AUDIT_HASH_V1_SQL} else ${AUDIT_HASH_V2_SQL} end)`;

/** The current chain version: every entry written since the v2 migration (the trigger sets it). */
export const AUDIT_CHAIN_VERSION = 2;

/**
 * Metadata keys that always hold personal data (v2 seals them; the trigger refuses them in clear).
 * Core seals a few more by event (audit/sealing.ts: workspace names, which derive from an address).
 */
export const AUDIT_PERSONAL_METADATA_KEYS = ['email', 'targetLabel'] as const;

export const AuditEntrySchema = defineEntity({
  name: 'AuditEntry',
  tableName: 'audit_entry',
  indexes: [{ properties: ['workspaceId', 'occurredAt'] }, { properties: ['actorId', 'occurredAt'] }],
  uniques: [{ properties: ['scope', 'seq'] }],
  triggers: [
    {
      // Also: every entry is chain version 2 from the v2 migration on (never version 1 again), and none
      // may carry the personal data version 2 seals in clear (a write path that did not seal fails).
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
          NEW.chain_version := ${AUDIT_CHAIN_VERSION};
          if NEW.ip is not null or NEW.user_agent is not null
             or coalesce(NEW.metadata ?| array[${AUDIT_PERSONAL_METADATA_KEYS.map((key) => `'${key}'`).join(', ')}], false) then
            raise exception 'audit entries (chain version 2) cannot hold IP addresses, user agents or personal metadata in clear'
              using errcode = 'check_violation';
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
    /** 1: IP, agent and personal metadata in clear (before the v2 migration); 2: sealed (`sealed`). */
    chainVersion: p.smallint().default(1),
    /**
     * The owner of the key that seals the entry's personal data: the acting user, else the target user,
     * else the workspace (API keys), else the instance (`00000000-…`); null when nothing is sealed.
     */
    subjectId: p.uuid().nullable(),
    /**
     * The personal data (IP, user agent, personal metadata) as JSON `{"<type>:<id>": "s1.…"}`: one part
     * per person it is about, each sealed under that person's key (context `audit_entry:<id>:sealed`).
     */
    sealed: p.text().nullable(),
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
