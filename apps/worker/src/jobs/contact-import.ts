// Runs one contact import (core/contacts/import/run.ts): chunk by chunk, each its own short transaction,
// resumable after a crash. The process-wide verification engine serves imports that ask for it. The
// last attempt failing on something unexpected fails the import with a message for a person.
import { QUEUES } from '@postern/contracts';
import { type BulkEngine, failContactImport, runContactImport } from '@postern/core';
import { defineJob, type JobHandler } from '../job.ts';

export function createContactImportJob(engine: () => BulkEngine): JobHandler<typeof QUEUES.contactImport> {
  return defineJob(QUEUES.contactImport, async (payload, ctx) => {
    if (!ctx.core) throw new Error('the contact import job needs the core services');
    try {
      const status = await runContactImport(ctx.core, payload.importId, { engine, signal: ctx.signal });
      ctx.logger.info({ importId: payload.importId, status }, 'contact import ran');
      return { status };
    } catch (error) {
      if (ctx.attempt >= QUEUES.contactImport.policy.retryLimit)
        await failContactImport(
          ctx.core,
          payload.importId,
          'The import stopped on an internal error; what was imported so far stays. Try the remaining rows again.',
        );
      throw error;
    }
  });
}
