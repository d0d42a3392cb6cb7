// In-process core contexts for the auth and audit mutation tests (issue #25): a test database reached
// as the restricted application role, the real configuration loader, a manual clock, the keyring and
// a memory KV store on that clock. No API, so Stryker's mutants (active only in this process) are
// exercised directly and quickly.
import { randomUUID } from 'node:crypto';
import { createOrm, type MikroORM, User } from '@postern/db';
import { createTestDatabase, type TestDatabase } from '@postern/db/testing';
import { type Config, loadConfig, MemoryKvStore } from '@postern/runtime';
import { afterAll, beforeAll } from 'vitest';
import { hashPassword } from '../../src/auth/passwords.ts';
import type { Clock } from '../../src/clock.ts';
import { type CoreContext, type CoreServices, coreContext, type SystemMail } from '../../src/context.ts';
import { keyringFromConfig } from '../../src/crypto/index.ts';
import { auditEntriesAsRead } from './audit-read.ts';

/** A clock that only moves when told. */
export class ManualClock implements Clock {
  ms = Date.UTC(2026, 5, 1, 12, 0, 0);
  now() {
    return new Date(this.ms);
  }
  advance(ms: number) {
    this.ms += ms;
  }
}

export const PASSWORD = 'correct horse battery staple 42';

export interface CoreWorld {
  db: TestDatabase;
  orm: MikroORM;
  config: Config;
  clock: ManualClock;
  kv: MemoryKvStore;
  services: CoreServices;
  mails: SystemMail[];
  /** A context with a fresh EntityManager fork. */
  ctx(meta?: { ip: string | null; userAgent: string | null }): CoreContext;
  /** A user with PASSWORD (hashed once per file) and a unique address. */
  user(): Promise<User>;
  /** The user as stored now (a fresh fork). */
  reload(id: string): Promise<User>;
  sql<T>(query: string, params?: unknown[]): Promise<T[]>;
  /** Audit entries matching `where`, oldest first, as readers see them (IP, user agent, metadata opened). */
  audited(where: Record<string, unknown>): ReturnType<typeof auditEntriesAsRead>;
  /** Runs `query` as the database owner with triggers off: a change "behind the application's back". */
  tamper(query: string, params?: unknown[]): Promise<void>;
}

/** Starts the world before the file's tests and drops it after them. */
export function coreWorld(env: Record<string, string> = {}) {
  let world: CoreWorld | undefined;
  let passwordHash: string | undefined;
  let owner: MikroORM | undefined;
  beforeAll(async () => {
    const db = await createTestDatabase();
    const orm = await createOrm({ databaseUrl: db.appUrl, poolMax: 10 });
    const config = loadConfig({
      DATABASE_URL: db.appUrl,
      MIGRATION_DATABASE_URL: db.url,
      LOG_LEVEL: 'silent',
      WEB_DIST: '/nonexistent',
      ...env,
    });
    const clock = new ManualClock();
    const kv = new MemoryKvStore(() => clock.ms);
    const mails: SystemMail[] = [];
    const services: CoreServices = {
      config,
      clock,
      keyring: keyringFromConfig(config),
      kv,
      queue: {
        insert: async () => {
          throw new Error('no queue in core auth tests');
        },
        send: async () => {
          throw new Error('no queue in core auth tests');
        },
      } as unknown as CoreServices['queue'],
      sendMail: async (message) => {
        mails.push(message);
      },
    };
    world = {
      db,
      orm,
      config,
      clock,
      kv,
      services,
      mails,
      ctx: (meta) => coreContext(services, { em: orm.em.fork(), ...(meta ? { meta } : {}) }),
      audited: (where) => auditEntriesAsRead(orm.em.fork(), services.keyring, where),
      async user() {
        passwordHash ??= await hashPassword(PASSWORD);
        const em = orm.em.fork();
        const user = em.create(User, {
          email: `${randomUUID()}@example.test`,
          emailVerifiedAt: clock.now(),
          passwordHash,
          passwordChangedAt: null,
          totpSecret: null,
          totpEnabledAt: null,
          totpLastStep: null,
        });
        await em.flush();
        return user;
      },
      reload: (id) => orm.em.fork().findOneOrFail(User, { id }),
      sql: async <T>(query: string, params: unknown[] = []) =>
        (await orm.em.fork().getConnection().execute(query, params)) as T[],
      async tamper(query, params = []) {
        owner ??= await createOrm({ databaseUrl: db.url, poolMax: 1 });
        await owner.em.fork().transactional(async (tx) => {
          const conn = tx.getConnection();
          const scope = tx.getTransactionContext();
          await conn.execute("set local session_replication_role = 'replica'", [], 'run', scope);
          await conn.execute(query, params, 'run', scope);
        });
      },
    };
  });
  afterAll(async () => {
    try {
      await world?.kv.close();
      await owner?.close(true);
      await world?.orm.close(true);
    } finally {
      await world?.db.drop();
    }
  });
  return (): CoreWorld => {
    if (!world) throw new Error('the world starts in beforeAll');
    return world;
  };
}
