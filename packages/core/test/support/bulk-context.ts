// The part of a CoreContext the bulk functions use, acting as a user (or nobody) with no request meta,
// and the store behind it (a fresh database, an ORM, a producer pg-boss): one of each for the bulk test
// files instead of a copy in each.
import { ALL_QUEUES } from '@postern/contracts';
import { createOrm, type EntityManager, type MikroORM } from '@postern/db';
import { createTestDatabase, type TestDatabase } from '@postern/db/testing';
import { createLogger, createQueueClient, ensureQueues, type PgBoss } from '@postern/runtime';
import { type Clock, ensureAuditSealing, type Keyring, NO_REQUEST_META } from '../../src/index.ts';

export interface BulkStore {
  db: TestDatabase;
  orm: MikroORM;
  boss: PgBoss;
}

/** A fresh migrated database, an ORM on it (`poolMax` connections) and a producer pg-boss with every queue. */
export async function startBulkStore(name: string, poolMax = 4): Promise<BulkStore> {
  const db = await createTestDatabase();
  const orm = await createOrm({ databaseUrl: db.url, poolMax });
  const boss = createQueueClient({
    databaseUrl: db.url,
    role: 'producer',
    logger: createLogger({ level: 'silent', name }),
  });
  await boss.start();
  await ensureQueues(boss, ALL_QUEUES);
  return { db, orm, boss };
}

/** Stops what startBulkStore started (any part may be missing when the set-up failed). */
export async function stopBulkStore(store: Partial<BulkStore>): Promise<void> {
  await store.boss?.stop({ graceful: false });
  await store.orm?.close(true);
  await store.db?.drop();
}

export interface BulkTestServices {
  em: EntityManager;
  keyring: Keyring;
  clock: Clock;
  queue: PgBoss;
}

/**
 * `services` is called per context (a fresh EntityManager fork each time). Audit entries written
 * through it are sealed at flush as in the product (chain version 2; coreContext does the same).
 */
export const bulkContextFactory =
  (services: () => BulkTestServices) =>
  (userId: string | null = null) => {
    const made = services();
    ensureAuditSealing(made.em, made.keyring);
    return {
      ...made,
      actor: userId ? ({ kind: 'user', userId } as const) : null,
      meta: NO_REQUEST_META,
    };
  };
