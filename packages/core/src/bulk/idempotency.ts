// The request fingerprint stored with a job created under an Idempotency-Key (IETF
// httpapi-idempotency-key-header): a repeat of the key must be the same request, or it is refused
// with 422 IDEMPOTENCY_KEY_REUSED rather than answered with a job made from another body.
import { BulkJob } from '@postern/db';
import type { CoreContext } from '../context.ts';
import { DomainError } from '../errors.ts';

/** The fingerprint stored with the job of this key (null: no such job, or one made before they were kept). */
export async function idempotencyFingerprintOf(
  ctx: Pick<CoreContext, 'em'>,
  workspaceId: string,
  key: string,
): Promise<string | null> {
  const job = await ctx.em.findOne(
    BulkJob,
    { workspaceId, idempotencyKey: key },
    { fields: ['idempotencyFingerprint'], refresh: true },
  );
  return job?.idempotencyFingerprint ?? null;
}

/** Refuses a repeat of `key` whose request differs from the one that created the job. */
export async function assertSameIdempotentRequest(
  ctx: Pick<CoreContext, 'em'>,
  workspaceId: string,
  key: string,
  fingerprint: string,
): Promise<void> {
  const stored = await idempotencyFingerprintOf(ctx, workspaceId, key);
  if (stored === null || stored === fingerprint) return;
  throw new DomainError(
    'IDEMPOTENCY_KEY_REUSED',
    'This Idempotency-Key was already used for a different request (another body, file or path); use a new key for a new job',
    { idempotencyKey: key },
  );
}
