// `campaigns.start`: turns a scheduled campaign into sending work. Idempotent — a retry, a second
// delivery of the job or a resume runs it again safely:
// 1. snapshot (once): one campaign_recipient row per active subscriber of the list, inserted set-based
//    in keyset pages (INSERT … SELECT … ON CONFLICT DO NOTHING); on a CASL list a subscription
//    without express consent is recorded skipped/no_consent;
// 2. verify before sending (verify.ts): stale or never-verified contacts, the workspace's policy decides;
// 3. status → sending (started_at and campaign.started once), and one `campaigns.send_batch` job per
//    BATCH_SIZE pending recipients, queued in that same transaction.
// Paused or cancelled campaigns stop here; suppression and unsubscribes are checked at send time.
import { QUEUES } from '@postern/contracts';
import { execute, transactionSql } from '@postern/db';
import type { SingleCheckEngine } from '../../validation/single-check.ts';
import {
  completeIfDone,
  type EngineCampaign,
  loadEngineCampaign,
  recordCampaignEvent,
  recountCampaign,
  type SendingCtx,
} from './shared.ts';
import { verifyBeforeSend } from './verify.ts';

export const BATCH_SIZE = 200;
const SNAPSHOT_PAGE = 5000;
const NIL = '00000000-0000-0000-0000-000000000000';

export interface StartDeps {
  engine: SingleCheckEngine;
  batchSize?: number;
  verifyConcurrency?: number;
  signal?: AbortSignal;
}

export type StartOutcome =
  | { stopped: 'missing' | 'not_startable' | 'not_yet'; status?: string }
  | {
      started: true;
      snapshot: number;
      verified: number;
      rejected: number;
      batches: number;
      completed: boolean;
    };

/** Inserts the recipients (once per campaign); returns how many rows the snapshot holds. */
async function snapshot(ctx: SendingCtx, campaign: EngineCampaign): Promise<number> {
  if (!campaign.snapshot_completed_at) {
    let after = NIL;
    const casl = campaign.requires_express_consent;
    for (;;) {
      const now = ctx.clock.now();
      const [page] = await execute<{ last: string | null; n: number }[]>(
        ctx.em,
        `with page as (
           select s.contact_id, s.express from subscription s
            where s.list_id = ? and s.workspace_id = ? and s.status = 'active' and s.contact_id > ?
            order by s.contact_id limit ?),
         ins as (
           insert into campaign_recipient (id, campaign_id, workspace_id, contact_id, status, skip_reason, attempts, updated_at)
           select gen_random_uuid(), ?, ?, p.contact_id,
                  case when ? and not p.express then 'skipped' else 'pending' end,
                  case when ? and not p.express then 'no_consent' end, 0, ?
             from page p
           on conflict (campaign_id, contact_id) do nothing)
         select (select contact_id from page order by contact_id desc limit 1) as last,
                (select count(*) from page)::int as n`,
        [
          campaign.list_id,
          campaign.workspace_id,
          after,
          SNAPSHOT_PAGE,
          campaign.id,
          campaign.workspace_id,
          casl,
          casl,
          now,
        ],
      );
      if (!page?.last) break;
      after = page.last;
      if (page.n < SNAPSHOT_PAGE) break;
    }
    await ctx.em.transactional(async (tx) => {
      const now = ctx.clock.now();
      await execute(
        tx,
        'update campaign set snapshot_completed_at = ?, updated_at = ? where id = ? and snapshot_completed_at is null',
        [now, now, campaign.id],
        'run',
      );
      await recountCampaign(tx, campaign.id, now);
    });
  }
  const [row] = await execute<{ n: number }[]>(
    ctx.em,
    'select count(*)::int as n from campaign_recipient where campaign_id = ?',
    [campaign.id],
  );
  return row?.n ?? 0;
}

/** The pg-boss options of a send batch (the queue's policy). */
export function batchJobOptions() {
  const policy = QUEUES.campaignSendBatch.policy;
  return {
    retryLimit: policy.retryLimit,
    retryDelay: policy.retryDelaySeconds,
    retryBackoff: policy.retryBackoff,
    expireInSeconds: policy.expireInSeconds,
    ...(policy.heartbeatSeconds ? { heartbeatSeconds: policy.heartbeatSeconds } : {}),
  };
}

export async function startCampaign(
  ctx: SendingCtx,
  deps: StartDeps,
  campaignId: string,
): Promise<StartOutcome> {
  const campaign = await loadEngineCampaign(ctx.em, campaignId);
  if (!campaign) return { stopped: 'missing' };
  if (campaign.status !== 'scheduled' && campaign.status !== 'sending')
    return { stopped: 'not_startable', status: campaign.status };
  // A start job that arrives before the schedule (the campaign was rescheduled since): queued again for then.
  const at = campaign.scheduled_at ? new Date(campaign.scheduled_at) : null;
  if (campaign.status === 'scheduled' && at && at.getTime() > ctx.clock.now().getTime() + 5000) {
    await ctx.queue.send(QUEUES.campaignStart.name, { campaignId: campaign.id }, { startAfter: at });
    return { stopped: 'not_yet' };
  }
  if (!campaign.list_id) {
    await execute(
      ctx.em,
      `update campaign set status = 'failed', failure_reason = ?, updated_at = ? where id = ? and status in ('scheduled', 'sending')`,
      ['The list of this campaign was deleted before it could be sent.', ctx.clock.now(), campaign.id],
      'run',
    );
    return { stopped: 'not_startable', status: 'failed' };
  }
  const size = await snapshot(ctx, campaign);
  const verified = await verifyBeforeSend(ctx, deps.engine, campaign, {
    ...(deps.verifyConcurrency ? { concurrency: deps.verifyConcurrency } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  const batchSize = deps.batchSize ?? BATCH_SIZE;
  const batches = await ctx.em.transactional(async (tx) => {
    const [row] = await execute<{ status: string; started_at: Date | null }[]>(
      tx,
      'select status, started_at from campaign where id = ? for update',
      [campaign.id],
    );
    if (!row || (row.status !== 'scheduled' && row.status !== 'sending')) return null;
    const now = ctx.clock.now();
    await recountCampaign(tx, campaign.id, now);
    await execute(
      tx,
      `update campaign set status = 'sending', started_at = coalesce(started_at, ?), updated_at = ? where id = ?`,
      [now, now, campaign.id],
      'run',
    );
    if (!row.started_at)
      await recordCampaignEvent(tx, ctx, campaign.workspace_id, campaign.id, 'campaign.started');
    const pending = await execute<{ id: string }[]>(
      tx,
      `select id from campaign_recipient where campaign_id = ? and status = 'pending' order by id`,
      [campaign.id],
    );
    const jobs = [];
    for (let i = 0; i < pending.length; i += batchSize)
      jobs.push({
        data: { campaignId: campaign.id, recipientIds: pending.slice(i, i + batchSize).map((r) => r.id) },
        ...batchJobOptions(),
      });
    const db = transactionSql(tx);
    for (let i = 0; i < jobs.length; i += 500)
      await ctx.queue.insert(QUEUES.campaignSendBatch.name, jobs.slice(i, i + 500), { db });
    return jobs.length;
  });
  if (batches === null) return { stopped: 'not_startable' };
  // Nothing to send (everyone skipped, or an empty list): complete now.
  const completed = batches === 0 ? await completeIfDone(ctx, campaign.id) : false;
  return {
    started: true,
    snapshot: size,
    verified: verified.checked,
    rejected: verified.rejected,
    batches,
    completed,
  };
}
