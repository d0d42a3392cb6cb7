// The one write path of the audit log. Every domain records security events through recordAudit;
// "Workspaces, team roles and the tamper-evident audit log" adds scope, chaining and immutability;
// #28 (chain version 2) seals the entry's personal data at flush time (sealing.ts), so this stays sync.
import type { AuditEventType } from '@postern/contracts';
import { AuditEntry, type EntityManager } from '@postern/db';
import type { Clock } from '../clock.ts';
import type { CoreContext } from '../context.ts';

export {
  auditSubject,
  ensureAuditSealing,
  type OpenedAuditData,
  openAuditEntries,
  personalMetadataKeys,
} from './sealing.ts';

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

export interface AuditInput {
  type: AuditEventType;
  actorId: string | null;
  /** The workspace the event belongs to; account-level events (sign-in, 2FA…) have none. */
  workspaceId?: string | null;
  /**
   * What the event is about. `label` (labels.ts `auditLabel`: name plus short id) is kept with the
   * entry, so it reads the same after the object is renamed, revoked or deleted.
   */
  target?: { type: string; id: string; label?: string | null | undefined };
  /** The API key that acted (actor type `api_key`): kept with the entry, id and name. */
  apiKey?: { id: string; name?: string | null | undefined } | null | undefined;
  meta: RequestMeta;
  metadata?: Record<string, unknown>;
}

/** The `apiKey` field of an entry made by `ctx`'s actor when it is an API key (nothing otherwise). */
export function auditApiKey(ctx: Pick<CoreContext, 'actor'>): Pick<AuditInput, 'apiKey'> {
  const actor = ctx.actor;
  return actor?.kind === 'api_key' ? { apiKey: { id: actor.keyId, name: actor.name ?? null } } : {};
}

/** An update's `{ from, to }` for its entry's metadata: each of `fields` before and after the change. */
export function auditChanges(
  fields: readonly string[],
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { from: Record<string, unknown>; to: Record<string, unknown> } {
  return {
    from: Object.fromEntries(fields.map((field) => [field, before[field]])),
    to: Object.fromEntries(fields.map((field) => [field, after[field]])),
  };
}

/** The chain an entry joins: its workspace's, or the account's, or the system's. */
export function auditScope(workspaceId: string | null | undefined, actorId: string | null): string {
  if (workspaceId) return `ws:${workspaceId}`;
  return actorId ? `user:${actorId}` : 'system';
}

/**
 * Adds the entry to the unit of work; it is written with the change that caused it (same flush).
 * The flush seals its IP, user agent and personal metadata under the person's key (sealing.ts; the
 * ORM is wired by coreContext); the database numbers and chains it (trigger `audit_entry_chain`).
 */
export function recordAudit(em: EntityManager, clock: Clock, input: AuditInput): void {
  // Labels and the acting key live in the hashed metadata: tamper-evident like the rest of the entry.
  const metadata = {
    ...input.metadata,
    ...(input.target?.label ? { targetLabel: input.target.label } : {}),
    ...(input.apiKey ? { apiKeyId: input.apiKey.id, apiKeyName: input.apiKey.name ?? null } : {}),
  };
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
    metadata: Object.keys(metadata).length ? metadata : (input.metadata ?? null),
  });
}
