// Optional verification of an import's addresses: the bulk engine (one per worker process, so each
// domain is looked up once) at `standard` depth, and the workspace's validation policy decides. An
// address whose policy action is `reject` is not subscribed and is reported; `retry_later` (the engine
// could not tell) does not hold an import back.
import type { Policy } from '@postern/contracts';
import { verifyManyWith } from '@postern/validator';
import type { Clock } from '../../clock.ts';
import type { BulkEngine } from '../../validation/engine.ts';
import { evaluatePolicy } from '../../validation/policy.ts';
import { shapeVerdict } from '../../validation/single-check.ts';
import type { Candidate } from './rows.ts';

const CONCURRENCY = 20;

/** Normalised addresses the policy rejects → why (status and reason, no address). */
export async function verifyCandidates(
  engine: BulkEngine,
  policy: Policy,
  clock: Clock,
  candidates: readonly Candidate[],
): Promise<Map<string, string>> {
  const rejected = new Map<string, string>();
  if (!candidates.length) return rejected;
  const addresses = candidates.map((c) => c.normalized);
  for await (const found of verifyManyWith(engine, addresses, {
    depth: 'standard',
    concurrency: CONCURRENCY,
  })) {
    const verdict = shapeVerdict(found.result, clock);
    if (evaluatePolicy(policy, verdict) === 'reject')
      rejected.set(addresses[found.index] as string, `${verdict.status}: ${verdict.reason}`);
  }
  return rejected;
}
