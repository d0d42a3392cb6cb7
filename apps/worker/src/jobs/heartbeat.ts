// Records that this worker is alive; the API's /readyz reports the newest beat.
import { QUEUES } from '@postern/contracts';
import { recordHeartbeat } from '@postern/core';
import { defineJob } from '../job.ts';

export const heartbeatJob = defineJob(QUEUES.heartbeat, async (payload, ctx) => {
  const beat = await recordHeartbeat(ctx.em, ctx.worker, ctx.clock);
  return {
    trigger: payload.trigger,
    workerId: ctx.worker.workerId,
    beatAt: beat.beatAt.toISOString(),
    pruned: beat.pruned,
  };
});
