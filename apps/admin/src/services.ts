// What a console command works with: the configured database (as the application role is enough),
// the KV store (the API's Redis, for the key markers and signed heads), the keyring, and a pg-boss
// producer opened only when a command sends mail (the worker delivers it).
import {
  type CoreContext,
  coreContext,
  createRateLimiter,
  enqueueEmail,
  ensureAuditSealing,
  keyringFromConfig,
  type RateLimiter,
  systemClock,
} from '@postern/core';
import { createOrm, type MikroORM, pendingMigrations, pgSslOptions } from '@postern/db';
import {
  type Config,
  createKvStore,
  createLogger,
  createQueueClient,
  type KvStore,
  type PgBoss,
  requireDatabaseUrl,
} from '@postern/runtime';

export interface Services {
  config: Config;
  /** A fresh context (own EntityManager fork) for one operation. */
  context(): CoreContext;
  limiter: RateLimiter;
  close(): Promise<void>;
}

export async function openServices(config: Config): Promise<Services> {
  const databaseUrl = requireDatabaseUrl(config);
  const orm: MikroORM = await createOrm({
    databaseUrl,
    ssl: config.databaseSsl,
    poolMax: 2,
    connectTimeoutMs: config.connectTimeoutMs,
  });
  let kv: KvStore | undefined;
  let boss: PgBoss | undefined;
  const close = async () => {
    await boss?.stop({ graceful: false, timeout: 2000 }).catch(() => {});
    await kv?.close().catch(() => {});
    await orm.close(true);
  };
  try {
    const pending = await pendingMigrations(orm);
    if (pending.length)
      throw new Error(
        `the database has ${pending.length} pending migration(s): run \`pnpm db:migrate\` (or start the API) first`,
      );
    kv = await createKvStore(config.redisUrl, {
      connectTimeoutMs: config.connectTimeoutMs,
      keyPrefix: config.redisKeyPrefix,
    });
  } catch (error) {
    await close();
    throw error;
  }
  const store = kv;
  const keyring = keyringFromConfig(config);
  // Audit entries are sealed at flush (chain version 2) on every EntityManager of this ORM.
  ensureAuditSealing(orm.em, keyring);
  const producer = async () => {
    if (!boss) {
      boss = createQueueClient({
        databaseUrl,
        logger: createLogger({ level: 'error', name: 'admin', destination: process.stderr }),
        role: 'producer',
        migrate: false,
        ssl: pgSslOptions(config.databaseSsl),
        max: 2,
      });
      await boss.start();
    }
    return boss;
  };
  const services = {
    config,
    clock: systemClock,
    keyring,
    kv: store,
    // The console queues mail only (sendMail); no command sends other jobs.
    queue: {
      insert: () => Promise.reject(new Error('the operator console sends no jobs')),
      send: () => Promise.reject(new Error('the operator console sends no jobs')),
    } as unknown as Pick<PgBoss, 'insert' | 'send'>,
    sendMail: async (message: Parameters<typeof enqueueEmail>[2]) => {
      await enqueueEmail(await producer(), keyring, message);
    },
  };
  return {
    config,
    context: () => coreContext(services, { em: orm.em.fork() }),
    limiter: createRateLimiter(store),
    close,
  };
}
