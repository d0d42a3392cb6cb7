// One row per worker process: written by the heartbeat job, read by the API's readiness check.
import { defineEntity, p } from '@mikro-orm/core';

export const WorkerHeartbeatSchema = defineEntity({
  name: 'WorkerHeartbeat',
  tableName: 'worker_heartbeat',
  properties: {
    workerId: p.string().length(100).primary(),
    hostname: p.string().length(255),
    pid: p.integer(),
    version: p.string().length(50),
    startedAt: p.datetime(),
    beatAt: p.datetime().index(),
    beats: p.integer().default(0),
  },
});

export class WorkerHeartbeat extends WorkerHeartbeatSchema.class {}
WorkerHeartbeatSchema.setClass(WorkerHeartbeat);
