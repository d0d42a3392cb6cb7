import { ZHealthResponse } from '@postern/contracts';
import { checkHealth } from '@postern/core';
import { publicProcedure } from '../../trpc.ts';

export const health = publicProcedure.output(ZHealthResponse).query(({ ctx }) => {
  const { deps } = ctx;
  return checkHealth({
    orm: deps.orm,
    kv: deps.kv,
    clock: deps.clock,
    version: deps.version,
    startedAt: deps.startedAt,
    workerHeartbeatStaleMs: deps.config.workerHeartbeatStaleMs,
    resolver: deps.engine.resolverHealth,
  });
});
