// The worker runtime: creates every queue, registers handlers (payload validated, EntityManager forked
// per job, per-job results), installs the schedule registry, and stops gracefully.

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ALL_QUEUES } from '@postern/contracts';
import { type Clock, type CoreServices, coreContext, type WorkerIdentity } from '@postern/core';
import type { MikroORM } from '@postern/db';
import { ensureQueues, type Logger, type PgBoss } from '@postern/runtime';
import type { JobHandler } from './job.ts';
import type { ScheduleEntry } from './schedules.ts';

export interface RunnerOptions {
  boss: PgBoss;
  orm: MikroORM;
  logger: Logger;
  clock: Clock;
  version: string;
  handlers: JobHandler[];
  schedules: ScheduleEntry[];
  pollingIntervalSeconds: number;
  /** The process's core services: each job gets its own core context built from them. */
  services?: CoreServices;
  /** Extra queues beyond contracts' (tests register fixtures through the same runner). */
  extraQueues?: JobHandler['queue'][];
}

export interface RunningWorker {
  identity: WorkerIdentity;
  stop(timeoutMs: number): Promise<void>;
}

export function workerIdentity(version: string): WorkerIdentity {
  return {
    workerId: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    hostname: hostname(),
    pid: process.pid,
    version,
    startedAt: new Date(),
  };
}

export async function startRunner(options: RunnerOptions): Promise<RunningWorker> {
  const { boss, orm, logger, clock } = options;
  const identity = workerIdentity(options.version);
  await boss.start();

  const queues = [...ALL_QUEUES, ...(options.extraQueues ?? [])];
  await ensureQueues(boss, queues);

  for (const handler of options.handlers) {
    const { queue } = handler;
    await boss.work<unknown>(
      queue.name,
      {
        batchSize: queue.policy.batchSize ?? 1,
        localConcurrency: queue.policy.concurrency,
        pollingIntervalSeconds: options.pollingIntervalSeconds,
        ...((queue.policy.batchSize ?? 1) > 1 ? { burstWhenBatchFull: true } : {}),
        perJobResults: true,
      },
      async (jobs) =>
        Promise.all(
          jobs.map(async (job) => {
            const log = logger.child({ queue: queue.name, jobId: job.id, attempt: job.retryCount });
            const parsed = queue.payload.safeParse(job.data);
            if (!parsed.success) {
              // A malformed payload never becomes valid on retry: fail it terminally.
              log.error({ issues: parsed.error.issues }, 'job payload rejected');
              return {
                id: job.id,
                status: 'deadletter' as const,
                output: {
                  error: 'invalid payload',
                  issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
                },
              };
            }
            const started = performance.now();
            try {
              const em = orm.em.fork();
              const output = await handler.handle(parsed.data, {
                jobId: job.id,
                attempt: job.retryCount,
                em,
                core: options.services
                  ? coreContext(options.services, { em, actor: { kind: 'system', name: queue.name } })
                  : null,
                logger: log,
                clock,
                worker: identity,
                signal: job.signal,
              });
              log.info({ ms: Math.round(performance.now() - started) }, 'job completed');
              return { id: job.id, status: 'completed' as const, output: (output ?? {}) as object };
            } catch (error) {
              log.error({ err: error, ms: Math.round(performance.now() - started) }, 'job failed');
              return { id: job.id, status: 'failed' as const, output: { error: (error as Error).message } };
            }
          }),
        ),
    );
  }

  // The registry is the truth: schedules removed from it are removed from the database too.
  const wanted = new Set(options.schedules.map((s) => s.queue.name));
  for (const existing of await boss.getSchedules()) {
    if (!wanted.has(existing.name)) await boss.unschedule(existing.name, existing.key);
  }
  for (const entry of options.schedules) {
    await boss.schedule(entry.queue.name, entry.cron, entry.data, { tz: 'UTC' });
  }

  logger.info(
    { workerId: identity.workerId, queues: queues.map((q) => q.name), schedules: options.schedules.length },
    'worker started',
  );

  return {
    identity,
    async stop(timeoutMs: number) {
      // Stops fetching, waits for running jobs to finish (up to the timeout), then closes the pool.
      await boss.stop({ graceful: true, timeout: timeoutMs, close: true });
    },
  };
}
