// Signs the head of every audit chain that grew (core/audit/checkpoint.ts): hourly for chains written
// to lately; once a day (the run in the 00:xx UTC hour) every chain, with the owners' email digest.
import { QUEUES } from '@postern/contracts';
import { type AuditSigner, checkpointAuditHeads, type MailMessage } from '@postern/core';
import type { KvStore } from '@postern/runtime';
import { defineJob } from '../job.ts';

export interface AuditCheckpointDeps {
  signer: AuditSigner;
  kv?: KvStore | undefined;
  sendMail?: ((message: MailMessage) => Promise<void>) | undefined;
}

export function createAuditCheckpointJob(deps: AuditCheckpointDeps) {
  return defineJob(QUEUES.auditCheckpoint, async (payload, ctx) => {
    const daily = ctx.clock.now().getUTCHours() === 0;
    const digest = payload.digest ?? daily;
    const result = await checkpointAuditHeads(
      {
        em: ctx.em,
        clock: ctx.clock,
        signer: deps.signer,
        kv: deps.kv,
        logger: ctx.logger,
        sendMail: deps.sendMail,
      },
      { digest, full: payload.full ?? daily },
    );
    if (result.refused.length)
      ctx.logger.error({ scopes: result.refused }, 'audit chains behind their signed heads (not signed)');
    return result;
  });
}
