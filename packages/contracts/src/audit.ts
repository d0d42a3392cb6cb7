// Audit event types. The log itself ("Workspaces, team roles and the tamper-evident audit log")
// extends this list; every domain records through one function.
import { z } from 'zod';
import { AUDIT_EVENTS } from './constants/audit.ts';

export const ZAuditEvent = z.enum(AUDIT_EVENTS);
export type AuditEventType = z.infer<typeof ZAuditEvent>;

/**
 * A signed head of one audit chain: the worker signs the canonical JSON
 * `{"scope":…,"seq":…,"hash":…,"time":…}` (exactly these keys, in this order) with Ed25519
 * (AUDIT_SIGNING_KEY). Sent as the `audit.checkpoint` webhook event and in the owners' digest, kept
 * in the KV store and the `audit_signed_head` table; `audit.verify` accepts one pasted back.
 */
export const ZAuditCheckpoint = z.object({
  scope: z.string().min(1).max(80),
  seq: z.number().int().min(0),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  time: z.iso.datetime(),
  keyId: z.string().min(1).max(32),
  signature: z.string().min(1).max(100),
});
export type AuditCheckpoint = z.infer<typeof ZAuditCheckpoint>;

/**
 * The checkpoint job (hourly): chains with entries in the last 2 hours, or every chain with `full`;
 * `digest` also mails owners the day's checkpoints. Both default to the 00:xx UTC run.
 */
export const ZAuditCheckpointJob = z
  .object({ digest: z.boolean().optional(), full: z.boolean().optional() })
  .default({});

/**
 * Audit chain version 2 (#28): an entry's personal data (IP address, user agent, personal metadata) is
 * sealed under the key of the person it is about; `true` when that key was destroyed by the person's
 * erasure, and those fields read as null. Optional so older clients and entries stay valid.
 */
export const ZAuditPersonErased = z.boolean().optional();
