// Starts one worker process: config, database (migrated), pg-boss, handlers, schedules, graceful stop.
import { QUEUES } from '@postern/contracts';
import { systemClock } from '@postern/core';
import { createOrm, migrateToLatest } from '@postern/db';
import { createLogger, createQueueClient, loadConfig, onShutdown, requireDatabaseUrl, runMain } from '@postern/runtime';
import { JOB_HANDLERS } from './jobs/index.ts';
import { startRunner } from './runner.ts';
import { SCHEDULES } from './schedules.ts';
import { VERSION } from './version.ts';

runMain('worker', async () => {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, name: 'worker' });
  const databaseUrl = requireDatabaseUrl(config);
  const orm = await createOrm({
    databaseUrl,
    ssl: config.databaseSsl,
    poolMax: config.databasePoolMax,
    connectTimeoutMs: config.connectTimeoutMs,
  });
  const applied = await migrateToLatest(orm, databaseUrl, config.databaseSsl);
  if (applied.length) logger.info({ applied }, 'applied migrations');

  const boss = createQueueClient({ databaseUrl, logger, role: 'worker' });
  const worker = await startRunner({
    boss,
    orm,
    logger,
    clock: systemClock,
    version: VERSION,
    handlers: JOB_HANDLERS,
    schedules: SCHEDULES,
    pollingIntervalSeconds: config.workerPollSeconds,
  });
  // Report liveness at once rather than at the next whole minute.
  await boss.send(QUEUES.heartbeat.name, { trigger: 'startup' });

  onShutdown({
    logger,
    timeoutMs: config.shutdownTimeoutMs,
    stop: async () => {
      await worker.stop(Math.max(1000, config.shutdownTimeoutMs - 2000));
      await orm.close();
    },
  });
});
