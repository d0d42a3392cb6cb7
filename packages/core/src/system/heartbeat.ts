// Worker liveness: each worker process records a beat; readiness reads the newest one.
import { type EntityManager, WorkerHeartbeat } from '@postern/db';
import type { Clock } from '../clock.ts';

export interface WorkerIdentity {
  workerId: string;
  hostname: string;
  pid: number;
  version: string;
  startedAt: Date;
}

/** Beats older than this belong to workers that are gone; the heartbeat job removes them. */
export const HEARTBEAT_ROW_RETENTION_MS = 24 * 60 * 60 * 1000;

export async function recordHeartbeat(em: EntityManager, worker: WorkerIdentity, clock: Clock) {
  const now = clock.now();
  const existing = await em.findOne(WorkerHeartbeat, { workerId: worker.workerId });
  const beat = existing ?? em.create(WorkerHeartbeat, { ...worker, beatAt: now, beats: 0 });
  beat.beatAt = now;
  beat.beats += 1;
  await em.flush();
  const pruned = await em.nativeDelete(WorkerHeartbeat, {
    beatAt: { $lt: new Date(now.getTime() - HEARTBEAT_ROW_RETENTION_MS) },
  });
  return { beatAt: now, beats: beat.beats, pruned };
}

export async function latestHeartbeat(em: EntityManager, since: Date) {
  const [latest] = await em.find(WorkerHeartbeat, {}, { orderBy: { beatAt: 'desc' }, limit: 1 });
  const alive = await em.count(WorkerHeartbeat, { beatAt: { $gte: since } });
  return { latest: latest ?? null, alive };
}
