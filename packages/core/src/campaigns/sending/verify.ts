// Verify before sending (SPEC §9): the pending recipients whose contact was never verified, or not
// within the campaign's verify_max_age_days, are checked at standard depth with the same engine and
// per-workspace cache as a single check (validation/single-check.ts checkAddress), and the
// workspace's validation policy decides: `reject` skips the recipient (skipped/verification). The
// verdict is stored on the contact (verified_at, verification) so the next campaign — and imports —
// can reuse it. A transient verdict (retry_later) is not stored and does not skip: we could not tell.
import { execute } from '@postern/db';
import { cachedPolicy, withPolicyAction } from '../../validation/policy.ts';
import { checkAddress, type SingleCheckEngine } from '../../validation/single-check.ts';
import { type EngineCampaign, mapLimit, type SendingCtx } from './shared.ts';

const PAGE = 200;

export interface VerifyOutcome {
  checked: number;
  rejected: number;
}

export async function verifyBeforeSend(
  ctx: SendingCtx,
  engine: SingleCheckEngine,
  campaign: EngineCampaign,
  options: { concurrency?: number; signal?: AbortSignal } = {},
): Promise<VerifyOutcome> {
  const outcome: VerifyOutcome = { checked: 0, rejected: 0 };
  const policy = await cachedPolicy(ctx, campaign.workspace_id);
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    if (options.signal?.aborted) throw new Error('verification stopped: the job expired');
    const now = ctx.clock.now();
    const oldest = new Date(now.getTime() - campaign.verify_max_age_days * 86_400_000);
    const rows = await execute<{ id: string; contact_id: string; email: string }[]>(
      ctx.em,
      `select r.id, r.contact_id, c.email from campaign_recipient r join contact c on c.id = r.contact_id
        where r.campaign_id = ? and r.status = 'pending' and r.id > ?
          and (c.verified_at is null or c.verified_at < ?)
        order by r.id limit ?`,
      [campaign.id, after, oldest, PAGE],
    );
    if (!rows.length) return outcome;
    after = rows[rows.length - 1]?.id ?? after;
    const verdicts = await mapLimit(rows, options.concurrency ?? 8, async (row) => {
      const verdict = await checkAddress(ctx, engine, row.email, 'standard', campaign.workspace_id);
      return { row, verdict, action: withPolicyAction(policy, verdict).policy_action };
    });
    const stored = verdicts
      .filter((v) => v.verdict.action !== 'retry_later')
      .map((v) => ({ id: v.row.contact_id, verification: v.verdict.status }));
    const rejected = verdicts.filter((v) => v.action === 'reject').map((v) => v.row.id);
    outcome.checked += rows.length;
    outcome.rejected += rejected.length;
    await ctx.em.transactional(async (tx) => {
      if (stored.length)
        await execute(
          tx,
          `update contact c set verified_at = ?, verification = r.verification
             from jsonb_to_recordset(?::jsonb) as r(id uuid, verification text)
            where c.id = r.id and c.workspace_id = ?`,
          [now, JSON.stringify(stored), campaign.workspace_id],
          'run',
        );
      if (rejected.length)
        await execute(
          tx,
          `update campaign_recipient set status = 'skipped', skip_reason = 'verification', updated_at = ?
            where campaign_id = ? and status = 'pending'
              and id = any(array(select jsonb_array_elements_text(?::jsonb)::uuid))`,
          [now, campaign.id, JSON.stringify(rejected)],
          'run',
        );
    });
  }
}
