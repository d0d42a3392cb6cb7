// What a job handler receives and how handlers are declared against the queues in contracts.
import type { QueueDefinition } from '@postern/contracts';
import type { Clock, CoreContext, WorkerIdentity } from '@postern/core';
import type { EntityManager } from '@postern/db';
import type { Logger } from '@postern/runtime';
import type { z } from 'zod';

export interface JobContext {
  jobId: string;
  attempt: number;
  /** A fresh EntityManager fork for this job alone. */
  em: EntityManager;
  /**
   * The job's core context (the process's services, this job's `em`, actor `system:<queue>`): what
   * handlers pass to core. Null only in runners started without services (tests of the runtime).
   */
  core: CoreContext | null;
  logger: Logger;
  clock: Clock;
  worker: WorkerIdentity;
  /** Aborted when the job expires; long handlers should stop at the next safe point. */
  signal: AbortSignal;
}

export interface JobHandler<Q extends QueueDefinition = QueueDefinition> {
  queue: Q;
  /** Its return value is stored as the job's output (pg-boss per-job result). */
  handle(payload: z.output<Q['payload']>, ctx: JobContext): Promise<unknown>;
}

export function defineJob<Q extends QueueDefinition>(
  queue: Q,
  handle: (payload: z.output<Q['payload']>, ctx: JobContext) => Promise<unknown>,
): JobHandler<Q> {
  return { queue, handle };
}
