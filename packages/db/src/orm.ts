// MikroORM on PostgreSQL: the ORM factory, migrations (with a cross-process lock) and the schema check.
import { fileURLToPath } from 'node:url';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { ConfigError, redactUrl } from '@postern/runtime';
import pg from 'pg';
import { ALL_ENTITIES } from './entities/index.ts';

export type { EntityManager } from '@mikro-orm/postgresql';
export { MikroORM };

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));
/** Arbitrary constant shared by every process that migrates: only one applies migrations at a time. */
const MIGRATION_LOCK_ID = 7_274_637_001;

export type DatabaseSsl = 'disable' | 'require' | 'verify-full';

export function pgSslOptions(ssl: DatabaseSsl): false | { rejectUnauthorized: boolean } {
  if (ssl === 'disable') return false;
  return { rejectUnauthorized: ssl === 'verify-full' };
}

export interface OrmOptions {
  databaseUrl: string;
  ssl?: DatabaseSsl;
  poolMax?: number;
  connectTimeoutMs?: number;
  debug?: boolean;
  /** The setting named when the connection fails (default DATABASE_URL). */
  setting?: string;
}

export function ormConfig(options: OrmOptions): Options {
  const ssl = pgSslOptions(options.ssl ?? 'disable');
  return {
    clientUrl: options.databaseUrl,
    entities: ALL_ENTITIES,
    extensions: [Migrator],
    preferTs: true,
    debug: options.debug ?? false,
    pool: { min: 0, max: options.poolMax ?? 10 },
    driverOptions: { connectionTimeoutMillis: options.connectTimeoutMs ?? 5000, ...(ssl ? { ssl } : {}) },
    // A typo in DATABASE_URL must fail loudly, not create an empty database.
    ensureDatabase: false,
    // The global EntityManager is refused: every request and job forks its own.
    allowGlobalContext: false,
    migrations: {
      path: MIGRATIONS_DIR,
      pathTs: MIGRATIONS_DIR,
      glob: '!(*.d).{js,ts}',
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      // Migrations are diffed against a freshly migrated database (see cli.ts), never a snapshot
      // file that production would try to write.
      snapshot: false,
      snapshotOnMigrate: false,
      emit: 'ts',
      silent: true,
    },
  };
}

/** Opens the ORM and proves the database answers, or fails with one line naming DATABASE_URL. */
export async function createOrm(options: OrmOptions): Promise<MikroORM> {
  const orm = await MikroORM.init(ormConfig(options));
  try {
    await orm.em.fork().getConnection().execute('select 1');
  } catch (error) {
    await orm.close(true).catch(() => {});
    throw new ConfigError(
      options.setting ?? 'DATABASE_URL',
      `cannot connect to PostgreSQL at ${describeDatabase(options.databaseUrl)}: ${firstLine(describeError(error))}`,
    );
  }
  return orm;
}

export function describeDatabase(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return redactUrl(url);
  }
}

function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length) return describeError(error.errors[0]);
  if (error instanceof Error) return error.message || (error as NodeJS.ErrnoException).code || error.name;
  return String(error);
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

/**
 * Applies pending migrations. An advisory lock serialises API and worker processes starting at once,
 * so exactly one of them migrates and the others find nothing pending.
 */
export async function migrateToLatest(orm: MikroORM, databaseUrl: string, ssl: DatabaseSsl = 'disable') {
  const client = new pg.Client({ connectionString: databaseUrl, ssl: pgSslOptions(ssl) });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    const applied = await orm.migrator.up();
    return applied.map((migration) => migration.name);
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => {});
    await client.end().catch(() => {});
  }
}

export async function pendingMigrations(orm: MikroORM): Promise<string[]> {
  return (await orm.migrator.getPending()).map((migration) => migration.name);
}

/** SQL that would bring a migrated database in line with the entities: empty when they agree. */
export async function schemaDrift(orm: MikroORM): Promise<string> {
  return (await orm.schema.getUpdateSchemaSQL({ wrap: false })).trim();
}
