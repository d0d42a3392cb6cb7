// Who acts on a bulk job, from the core context: the user that bulk_job.created_by and audit entries
// record (null for an API key or the system), and the API key, kept in the audit entry's metadata.
import { auditApiKey } from '../audit/record.ts';
import { actorUserId, type CoreContext } from '../context.ts';

export const actingApiKeyId = (ctx: Pick<CoreContext, 'actor'>): string | null =>
  ctx.actor?.kind === 'api_key' ? ctx.actor.keyId : null;

/** The audit fields of an operation by `ctx`'s actor: the member, or the API key (id and name). */
export function auditedActor(ctx: Pick<CoreContext, 'actor' | 'meta'>, metadata?: Record<string, unknown>) {
  return {
    actorId: actorUserId(ctx),
    meta: ctx.meta,
    ...auditApiKey(ctx),
    ...(metadata ? { metadata } : {}),
  };
}
