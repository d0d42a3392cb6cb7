// Helpers of the deletion tests (#28): the worker's erasure run against the harness (same database
// role, clock, keyring and Redis as the API), and a queued bulk job to see cancelled.
import { randomUUID } from 'node:crypto';
import { QUEUES } from '@postern/contracts';
import { coreContext, enqueueEmail, eraseDue } from '@postern/core';
import { execute } from '@postern/db';
import type { Harness } from './harness.ts';

/** One run of the `erasure.run` job's work at the harness's clock. */
export async function runErasure(h: Harness) {
  await h.boss.createQueue(QUEUES.email.name);
  const ctx = coreContext(
    {
      config: h.config,
      clock: h.clock,
      keyring: h.keyring,
      kv: h.kv,
      queue: h.boss,
      sendMail: async (message) => {
        await enqueueEmail(h.boss, h.keyring, message);
      },
    },
    { em: h.orm.em.fork(), actor: { kind: 'system', name: QUEUES.erasure.name } },
  );
  return eraseDue(ctx);
}

/** A queued bulk job of the workspace (as an upload leaves it before its chunks run). */
export async function queuedBulkJob(h: Harness, workspaceId: string): Promise<string> {
  const id = randomUUID();
  await execute(
    h.orm.em.fork(),
    `insert into bulk_job (id, workspace_id, status, depth, total, chunk_size, created_at)
     values (?, ?, 'queued', 'standard', 1, 100, now())`,
    [id, workspaceId],
  );
  return id;
}

export async function bulkJobStatus(h: Harness, id: string): Promise<string | undefined> {
  const [row] = await execute<{ status: string }[]>(
    h.orm.em.fork(),
    'select status from bulk_job where id = ?',
    [id],
  );
  return row?.status;
}
