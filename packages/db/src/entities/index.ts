import { WorkerHeartbeatSchema } from './worker-heartbeat.ts';

export * from './worker-heartbeat.ts';

/** Every entity of the schema; migrations are generated from exactly this list. */
export const ALL_ENTITIES = [WorkerHeartbeatSchema];
