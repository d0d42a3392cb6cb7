// Erases the accounts and workspaces whose deletion grace has ended (core/erasure: driven by the
// erasure registry), each in its own transaction; the person gets a last email.
import { QUEUES } from '@postern/contracts';
import { eraseDue } from '@postern/core';
import { defineJob } from '../job.ts';

export const erasureJob = defineJob(QUEUES.erasure, async (_payload, ctx) => {
  if (!ctx.core) throw new Error('the erasure job needs the core services');
  const erased = await eraseDue(ctx.core);
  if (erased.accounts || erased.workspaces)
    ctx.logger.info(erased, 'erased accounts and workspaces past their grace');
  return erased;
});
