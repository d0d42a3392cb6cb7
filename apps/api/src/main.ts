// Starts one API process: config, database (migrated), KV store, HTTP server, graceful stop.
import { systemClock } from '@postern/core';
import { createOrm, migrateToLatest } from '@postern/db';
import { createKvStore, createLogger, loadConfig, onShutdown, requireDatabaseUrl, runMain } from '@postern/runtime';
import { buildServer } from './server.ts';
import { VERSION } from './version.ts';

runMain('api', async () => {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, name: 'api' });
  if (config.insecureDevSecret) logger.warn('POSTERN_SECRET is not set: using the development secret (never in production)');
  const databaseUrl = requireDatabaseUrl(config);
  const orm = await createOrm({
    databaseUrl,
    ssl: config.databaseSsl,
    poolMax: config.databasePoolMax,
    connectTimeoutMs: config.connectTimeoutMs,
  });
  const kv = await createKvStore(config.redisUrl, { connectTimeoutMs: config.connectTimeoutMs }).catch(async (error) => {
    await orm.close(true);
    throw error;
  });
  const applied = await migrateToLatest(orm, databaseUrl, config.databaseSsl);
  if (applied.length) logger.info({ applied }, 'applied migrations');

  const app = await buildServer({ config, orm, kv, logger, clock: systemClock, version: VERSION, startedAt: new Date() });
  const address = await app.listen({ host: config.host, port: config.port });
  logger.info({ address, publicUrl: config.publicUrl, kv: kv.kind }, 'api ready');

  onShutdown({
    logger,
    timeoutMs: config.shutdownTimeoutMs,
    stop: async () => {
      // Fastify stops accepting, answers 503 to new requests and waits for in-flight ones.
      await app.close();
      await kv.close();
      await orm.close();
    },
  });
});
