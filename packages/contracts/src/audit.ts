// Audit event types. The log itself ("Workspaces, team roles and the tamper-evident audit log")
// extends this list; every domain records through one function.
import { z } from 'zod';

export const AUDIT_EVENTS = [
  'auth.signed_up',
  'auth.email_verified',
  'auth.login_succeeded',
  'auth.login_failed',
  'auth.password_changed',
  'auth.password_reset',
  'auth.two_factor_enabled',
  'auth.two_factor_disabled',
  'auth.recovery_codes_regenerated',
  'auth.recovery_code_used',
  'auth.session_revoked',
  'auth.sessions_revoked',
  'auth.refresh_token_reused',
  'workspace.created',
  'workspace.renamed',
  'member.invited',
  'member.invitation_revoked',
  'member.joined',
  'member.invitation_declined',
  'member.role_changed',
  'member.removed',
  'member.left',
  'audit.exported',
  'audit.verified',
  'apikey.created',
  'apikey.revoked',
  'bulk_job.created',
  'bulk_job.cancelled',
  'bulk_job.retried',
  'bulk_job.deleted',
  'bulk_job.purged',
  'webhook.endpoint_created',
  'webhook.endpoint_updated',
  'webhook.endpoint_deleted',
  'webhook.endpoint_disabled',
  'webhook.secret_revealed',
  'webhook.secret_rotated',
  'webhook.delivery_resent',
] as const;
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
