// Starts one worker process from a Config: database (migrated), pg-boss, handlers, schedules,
// graceful stop. main.ts calls it; test fixtures call it with extra queues and handlers.
import { QUEUES, type QueueDefinition } from '@postern/contracts';
import {
  auditSignerFromConfig,
  type CoreServices,
  closeCampaignSenders,
  createMailTransport,
  engineFromConfig,
  enqueueEmail,
  ensureAuditSealing,
  type Keyring,
  keyringFromConfig,
  MAIL_NOT_CONFIGURED,
  type MailTransport,
  type MikroORM,
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
  type KvStore,
  onShutdown,
  type PgBoss,
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
  const extra = options.extraHandlers ?? [];
  const { orm, kv, ownerRole } = await openStores(config, logger, extra);
  // Audit entries are sealed at flush (chain version 2) on every EntityManager of this ORM.
  ensureAuditSealing(orm.em, keyring);
  const boss = createQueueClient({
    databaseUrl,
    logger,
    role: 'worker',
    migrate: ownerRole,
    ssl: pgSslOptions(config.databaseSsl),
  });
  const services = workerServices(config, keyring, kv, boss);
  const webhooks = await startDeliveries(services, orm, logger);
  const worker = await startRunner({
    boss,
    orm,
    logger,
    clock: services.clock,
    services,
    version: VERSION,
    handlers: [
      ...jobHandlers({
        keyring,
        boss,
        transport: mailTransport,
        sessionIdleMs: config.sessionIdleMs,
        auditRetentionDays: config.auditRetentionDays,
        optInUnconfirmedDays: config.optIn.unconfirmedRetentionDays,
        engine,
        webhooks,
        audit: { signer: auditSigner, kv, sendMail: services.sendMail },
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
      closeCampaignSenders(); // the campaign engine's pooled SMTP connections, once no job runs
      await engine.close();
      await kv.close();
      await orm.close();
    },
  });
  return { boss, orm, logger, worker, webhooks };
}

type WorkerLogger = ReturnType<typeof createLogger>;

/** The database (migrated, with pg-boss's schema and the queues) and the KV store. */
async function openStores(config: Config, logger: WorkerLogger, extra: JobHandler[]) {
  const databaseUrl = requireDatabaseUrl(config);
  const orm = await createOrm({
    databaseUrl,
    ssl: config.databaseSsl,
    poolMax: config.databasePoolMax,
    connectTimeoutMs: config.connectTimeoutMs,
  });
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
  return { orm, kv, ownerRole };
}

/** The core services of this process, built once: every job's core context shares them. */
function workerServices(config: Config, keyring: Keyring, kv: KvStore, boss: PgBoss): CoreServices {
  return {
    config,
    clock: systemClock,
    keyring,
    kv,
    queue: boss,
    sendMail: async (message) => {
      await enqueueEmail(boss, keyring, message);
    },
  };
}

/** Seals legacy plaintext webhook URLs, then builds this process's delivery loop (started later). */
async function startDeliveries(services: CoreServices, orm: MikroORM, logger: WorkerLogger) {
  // Webhook URLs stored in clear before they were encrypted (readers accept them until then).
  const sealed = await sealPlaintextWebhookUrls(orm.em.fork(), services.keyring);
  if (sealed > 0) logger.info({ sealed }, 'encrypted webhook endpoint URLs stored in clear');
  // Webhook delivery loop of this process (core/webhooks/engine.ts); started once the queues exist.
  return new WebhookEngine({
    em: () => orm.em.fork(),
    keyring: services.keyring,
    clock: services.clock,
    logger: logger.child({ component: 'webhooks' }),
    settings: webhookSettingsFromConfig(services.config),
  });
}

/**
 * Production requires SMTP_URL (config enforces it). Elsewhere a worker without SMTP_URL or MAIL_DIR
 * still starts, and each email job fails with the reason (and is retried once mail is configured).
 */
function mailTransportOrWarning(config: Config, logger: WorkerLogger): Pick<MailTransport, 'send' | 'close'> {
  if (config.smtpUrl || config.mailDir) return createMailTransport(config);
  logger.warn(MAIL_NOT_CONFIGURED);
  return {
    send: async () => {
      throw new Error(MAIL_NOT_CONFIGURED);
    },
    close: () => {},
  };
}
