// Starts one worker process from a Config: database (migrated), pg-boss, handlers, schedules,
// graceful stop. main.ts calls it; test fixtures call it with extra queues and handlers.
import { QUEUES, type QueueDefinition } from '@postern/contracts';
import {
  createMailTransport,
  engineFromConfig,
  keyringFromConfig,
  MAIL_NOT_CONFIGURED,
  type MailTransport,
  sealPlaintextWebhookUrls,
  systemClock,
  WebhookEngine,
  webhookSettingsFromConfig,
} from '@postern/core';
import { createOrm, migrateToLatest, pgSslOptions } from '@postern/db';
import {
  type Config,
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
  // One engine for the whole process: its DNS cache serves every bulk chunk.
  const engine = engineFromConfig(config);
  const orm = await createOrm({
    databaseUrl,
    ssl: config.databaseSsl,
    poolMax: config.databasePoolMax,
    connectTimeoutMs: config.connectTimeoutMs,
  });
  const applied = await migrateToLatest(orm, databaseUrl, config.databaseSsl);
  if (applied.length) logger.info({ applied }, 'applied migrations');
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
    ssl: pgSslOptions(config.databaseSsl),
  });
  const extra = options.extraHandlers ?? [];
  const worker = await startRunner({
    boss,
    orm,
    logger,
    clock: systemClock,
    version: VERSION,
    handlers: [
      ...jobHandlers({
        keyring,
        transport: mailTransport,
        sessionIdleMs: config.sessionIdleMs,
        auditRetentionDays: config.auditRetentionDays,
        engine,
        webhooks,
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
