// Rolling a key: a new secret with the same name and scopes; the old key keeps working for the chosen
// overlap (0 to 7 days), then stops. Its revocation is written at once with the time it takes effect,
// checked at authentication (no job), and audited; an overlap of 0 revokes it on every process now.
import { API_KEY_MAX_OVERLAP_HOURS } from '@postern/contracts';
import { ApiKey } from '@postern/db';
import { recordAudit } from '../audit/record.ts';
import { DomainError } from '../errors.ts';
import type { RateLimiter } from '../rate-limit/token-bucket.ts';
import {
  activeAt,
  type KeysCtx,
  newKey,
  REVOCATION_MARKER_SECONDS,
  revokedMarker,
  toApiKeyDtos,
} from './keys.ts';

const HOUR_MS = 3_600_000;

export async function rollApiKey(
  ctx: KeysCtx,
  limiter: Pick<RateLimiter, 'markRevoked'>,
  workspaceId: string,
  actorId: string,
  input: { keyId: string; overlapHours: number },
) {
  const { overlapHours } = input;
  if (!Number.isInteger(overlapHours) || overlapHours < 0 || overlapHours > API_KEY_MAX_OVERLAP_HOURS)
    throw new DomainError('VALIDATION_FAILED', 'The overlap must be 0 to 168 hours (7 days)');
  const now = ctx.clock.now();
  const old = await ctx.em.findOne(ApiKey, { id: input.keyId, workspaceId, ...activeAt(now) });
  if (!old) throw new DomainError('NOT_FOUND', 'No such active API key');
  if (old.replacedById)
    throw new DomainError('CONFLICT', 'This key was already rolled: roll its replacement instead');
  if (old.expiresAt && old.expiresAt <= now)
    throw new DomainError('CONFLICT', 'This key has expired: create a new one instead');
  // An expiring key's replacement gets the same lifetime, counted from now.
  const lifetime = old.expiresAt ? old.expiresAt.getTime() - old.createdAt.getTime() : null;
  const revokesAt = new Date(now.getTime() + overlapHours * HOUR_MS);
  const { key, secret } = await ctx.em.transactional(async (tx) => {
    const made = newKey(tx, {
      workspaceId,
      name: old.name,
      actorId,
      createdAt: now,
      expiresAt: lifetime === null ? null : new Date(now.getTime() + lifetime),
      scopes: [...old.scopes],
    });
    // Compare-and-set: of two rolls at once, one wins; the other's new key is rolled back with it.
    const claimed = await tx.nativeUpdate(
      ApiKey,
      { id: old.id, workspaceId, replacedById: null, ...activeAt(now) },
      { revokedAt: revokesAt, replacedById: made.key.id },
    );
    if (claimed !== 1)
      throw new DomainError('CONFLICT', 'This key was rolled or revoked meanwhile: reload the list');
    const audit = { actorId, workspaceId, meta: ctx.meta };
    recordAudit(tx, ctx.clock, {
      ...audit,
      type: 'apikey.rolled',
      target: { type: 'api_key', id: made.key.id },
      metadata: {
        prefix: made.key.displayPrefix,
        previousKeyId: old.id,
        previousPrefix: old.displayPrefix,
        overlapHours,
        previousRevokedAt: revokesAt.toISOString(),
      },
    });
    recordAudit(tx, ctx.clock, {
      ...audit,
      type: 'apikey.revoked',
      target: { type: 'api_key', id: old.id },
      metadata: { reason: 'rolled', effectiveAt: revokesAt.toISOString(), replacedBy: made.key.id },
    });
    return made;
  });
  if (overlapHours === 0) await limiter.markRevoked(revokedMarker(old.id), REVOCATION_MARKER_SECONDS);
  await ctx.em.refresh(old);
  const [dto, previous] = await toApiKeyDtos(ctx.em, [key, old]);
  if (!dto || !previous) throw new Error('unreachable');
  return { key: dto, secret, previous };
}
