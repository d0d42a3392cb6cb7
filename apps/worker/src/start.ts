// Starts one worker process from a Config: database (migrated), pg-boss, handlers, schedules,
// graceful stop. main.ts calls it; test fixtures call it with extra queues and handlers.
import { QUEUES, type QueueDefinition } from '@postern/contracts';
import {
  auditSignerFromConfig,
  createMailTransport,
  engineFromConfig,
  enqueueEmail,
  keyringFromConfig,
  MAIL_NOT_CONFIGURED,
  type MailTransport,
  sealPlaintextWebhookUrls,
  systemClock,
  WebhookEngine,
  webhookSettingsFromConfig,
} from '@postern/core';
import { createOrm, pgSslOptions, prepareAtStartup } from '@postern/db';
import {
  type Config,
  createKvStore,
  createLogger,
  createQueueClient,
  onShutdown,
  requireDatabaseUrl,
} from '@postern/runtime';
import type { JobHandler } from './job.ts';
import { jobHandlers } from './jobs/index.ts';
import { startRunner } from './runner.ts';
import { SCHEDULES } from './schedules.ts';
import { VERSION } from './version.ts';

export async function startWorker(config: Config, options: { extraHandlers?: JobHandler[] } = {}) {
  const logger = createLogger({ level: config.logLevel, name: 'worker' });
  const databaseUrl = requireDatabaseUrl(config);
  // Configuration problems surface before any connection is opened.
  const keyring = keyringFromConfig(config);
  const mailTransport = mailTransportOrWarning(config, logger);
  // Signs audit chain heads; the key never reaches the database (AUDIT_SIGNING_KEY, production).
  const auditSigner = auditSignerFromConfig(config);
  // One engine for the whole process: its DNS cache serves every bulk chunk.
  const engine = engineFromConfig(config, { logger });
  const orm = await createOrm({
    databaseUrl,
    ssl: config.databaseSsl,
    poolMax: config.databasePoolMax,
    connectTimeoutMs: config.connectTimeoutMs,
  });
  const extra = options.extraHandlers ?? [];
  // Migrations, pg-boss's schema and queues run as the owner role (MIGRATION_DATABASE_URL); the
  // process itself then works as the application role (DATABASE_URL). See packages/db/src/roles.ts.
  const { applied, ownerRole } = await prepareAtStartup({
    databaseUrl,
    migrationDatabaseUrl: config.migrationDatabaseUrl,
    ssl: config.databaseSsl,
    logger,
    waitForMigrations: { orm },
    extraQueues: extra.map((handler): QueueDefinition => handler.queue),
  }).catch(async (error) => {
    await orm.close(true);
    throw error;
  });
  if (applied.length) logger.info({ applied }, 'applied migrations');
  // The latest signed audit head of each scope is kept here too (outside PostgreSQL with Redis).
  const kv = await createKvStore(config.redisUrl, {
    connectTimeoutMs: config.connectTimeoutMs,
    keyPrefix: config.redisKeyPrefix,
  }).catch(async (error) => {
    await orm.close(true);
    throw error;
  });
  // Webhook URLs stored in clear before they were encrypted (readers accept them until then).
  const sealed = await sealPlaintextWebhookUrls(orm.em.fork(), keyring);
  if (sealed > 0) logger.info({ sealed }, 'encrypted webhook endpoint URLs stored in clear');
  // Webhook delivery loop of this process (core/webhooks/engine.ts); started once the queues exist.
  const webhooks = new WebhookEngine({
    em: () => orm.em.fork(),
    keyring,
    clock: systemClock,
    logger: logger.child({ component: 'webhooks' }),
    settings: webhookSettingsFromConfig(config),
  });

  const boss = createQueueClient({
    databaseUrl,
    logger,
    role: 'worker',
    migrate: ownerRole,
    ssl: pgSslOptions(config.databaseSsl),
  });
  const worker = await startRunner({
    boss,
    orm,
    logger,
    clock: systemClock,
    version: VERSION,
    handlers: [
      ...jobHandlers({
        keyring,
        boss,
        transport: mailTransport,
        sessionIdleMs: config.sessionIdleMs,
        auditRetentionDays: config.auditRetentionDays,
        engine,
        webhooks,
        audit: {
          signer: auditSigner,
          kv,
          sendMail: async (message) => {
            await enqueueEmail(boss, keyring, message);
          },
        },
      }),
      ...extra,
    ],
    extraQueues: extra.map((handler): QueueDefinition => handler.queue),
    schedules: SCHEDULES,
    pollingIntervalSeconds: config.workerPollSeconds,
  });
  // Report liveness at once rather than at the next whole minute.
  await boss.send(QUEUES.heartbeat.name, { trigger: 'startup' });
  webhooks.start();

  onShutdown({
    logger,
    timeoutMs: config.shutdownTimeoutMs,
    stop: async () => {
      const budget = Math.max(1000, config.shutdownTimeoutMs - 2000);
      // Attempts in flight finish (or are left to expire and be retried elsewhere) and are recorded.
      await Promise.all([webhooks.stop(budget), worker.stop(budget)]);
      mailTransport.close();
      await engine.close();
      await kv.close();
      await orm.close();
    },
  });
  return { boss, orm, logger, worker, webhooks };
}

/**
 * Production requires SMTP_URL (config enforces it). Elsewhere a worker without SMTP_URL or MAIL_DIR
 * still starts, and each email job fails with the reason (and is retried once mail is configured).
 */
function mailTransportOrWarning(
  config: Config,
  logger: ReturnType<typeof createLogger>,
): Pick<MailTransport, 'send' | 'close'> {
  if (config.smtpUrl || config.mailDir) return createMailTransport(config);
  logger.warn(MAIL_NOT_CONFIGURED);
  return {
    send: async () => {
      throw new Error(MAIL_NOT_CONFIGURED);
    },
    close: () => {},
  };
}
