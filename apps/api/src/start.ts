// Starts one API process from a Config: database (migrated), KV store, HTTP server, graceful stop.
// main.ts calls it; tests call it from fixtures to exercise the very same start and stop path.

import type { Server as HttpsServer } from 'node:https';
import { ALL_QUEUES } from '@postern/contracts';
import {
  auditSignerFromConfig,
  engineFromConfig,
  enqueueEmail,
  ensureAuditSealing,
  keyringFromConfig,
  systemClock,
} from '@postern/core';
import { createOrm, pgSslOptions, prepareAtStartup } from '@postern/db';
import {
  type Config,
  createKvStore,
  createLogger,
  createQueueClient,
  ensureQueues,
  onShutdown,
  requireDatabaseUrl,
} from '@postern/runtime';
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from './deps.ts';

import { publicApiDeps } from './public-api.ts';
import { buildServer } from './server.ts';
import { httpsOptions, reloadOnSighup } from './tls.ts';
import { VERSION } from './version.ts';

export async function startApi(config: Config, options: { extend?: (app: FastifyInstance) => void } = {}) {
  const logger = createLogger({ level: config.logLevel, name: 'api' });
  if (config.insecureDevSecret)
    logger.warn('POSTERN_SECRET is not set: using the development secret (never in production)');
  // Read before connecting anywhere: a bad certificate or key fails start-up at once, naming the setting.
  const https = config.tls ? httpsOptions(config.tls) : undefined;
  const databaseUrl = requireDatabaseUrl(config);
  // audit.verify checks signed heads with it: a missing production key fails start-up, not a request.
  auditSignerFromConfig(config);
  const orm = await createOrm({
    databaseUrl,
    ssl: config.databaseSsl,
    poolMax: config.databasePoolMax,
    connectTimeoutMs: config.connectTimeoutMs,
  });
  const kv = await createKvStore(config.redisUrl, {
    connectTimeoutMs: config.connectTimeoutMs,
    keyPrefix: config.redisKeyPrefix,
  }).catch(async (error) => {
    await orm.close(true);
    throw error;
  });
  // Migrations, pg-boss's schema and queues run as the owner role (MIGRATION_DATABASE_URL); the
  // process itself then works as the application role (DATABASE_URL). See packages/db/src/roles.ts.
  const { applied, ownerRole } = await prepareAtStartup({
    databaseUrl,
    migrationDatabaseUrl: config.migrationDatabaseUrl,
    ssl: config.databaseSsl,
    logger,
    waitForMigrations: { orm },
  }).catch(async (error) => {
    await kv.close();
    await orm.close(true);
    throw error;
  });
  if (applied.length) logger.info({ applied }, 'applied migrations');

  const keyring = keyringFromConfig(config);
  // Audit entries are sealed at flush (chain version 2) on every EntityManager of this ORM.
  ensureAuditSealing(orm.em, keyring);
  // API processes only send jobs; the worker runs them (and pg-boss maintenance).
  const boss = createQueueClient({
    databaseUrl,
    logger,
    role: 'producer',
    migrate: ownerRole,
    ssl: pgSslOptions(config.databaseSsl),
  });
  await boss.start();
  await ensureQueues(boss, ALL_QUEUES);

  const deps: ApiDeps = {
    config,
    orm,
    kv,
    logger,
    clock: systemClock,
    keyring,
    boss,
    sendMail: async (message) => {
      await enqueueEmail(boss, keyring, message);
    },
    engine: engineFromConfig(config, { logger }),
    ...publicApiDeps({ orm, kv, clock: systemClock, rateLimitMultiplier: config.rateLimitMultiplier }),
    version: VERSION,
    startedAt: new Date(),
  };
  const app = await buildServer(deps, { https });
  reportSmtpSelfCheck(deps);
  options.extend?.(app);
  const address = await app.listen({ host: config.host, port: config.port });
  const stopReloading = config.tls
    ? reloadOnSighup(app.server as unknown as HttpsServer, config.tls, logger)
    : () => {};
  logger.info({ address, publicUrl: config.publicUrl, kv: kv.kind, tls: Boolean(https) }, 'api ready');

  onShutdown({
    logger,
    timeoutMs: config.shutdownTimeoutMs,
    stop: async () => {
      stopReloading();
      // Fastify stops accepting, answers 503 to new requests and waits for in-flight ones.
      await app.close();
      await deps.usage.close();
      await deps.engine.close();
      await boss.stop({ graceful: true, timeout: 5000 });
      await kv.close();
      await orm.close();
    },
  });
  return { app, orm, kv, logger, address };
}

/** Enhanced checks need outbound port 25, which many hosts block: say so at start-up, without waiting. */
function reportSmtpSelfCheck(deps: ApiDeps) {
  const { logger } = deps;
  const selfCheckHost = deps.config.validator.selfCheckHost;
  if (!selfCheckHost || !deps.engine.smtp) return;
  void deps.engine.smtp.selfCheck(selfCheckHost, 5000).then(
    (result) =>
      result.port25Open
        ? logger.info({ host: selfCheckHost }, 'SMTP self-check: outbound port 25 is open')
        : logger.warn(
            { host: selfCheckHost, detail: result.detail },
            'SMTP self-check: outbound port 25 looks blocked; enhanced checks will return unknown',
          ),
    () => {},
  );
}
