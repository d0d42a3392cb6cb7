// The database role split. The owner role (MIGRATION_DATABASE_URL) runs the migrations, installs and
// upgrades pg-boss's schema, creates the queues and grants the application role (DATABASE_URL) what it
// needs: DML on the application and pg-boss tables, nothing more. The application role owns nothing,
// so it cannot TRUNCATE, ALTER, DROP or disable the triggers that keep the audit log append-only.
import { ALL_QUEUES, type QueueDefinition } from '@postern/contracts';
import {
  ConfigError,
  createLogger,
  createQueueClient,
  ensureQueues,
  type Logger,
  QUEUE_SCHEMA,
} from '@postern/runtime';
import pg from 'pg';
import {
  createOrm,
  type DatabaseSsl,
  type MikroORM,
  migrateToLatest,
  pendingMigrations,
  pgSslOptions,
} from './orm.ts';

/** Schemas whose tables the application role reads and writes. */
export const APPLICATION_SCHEMAS = ['public', QUEUE_SCHEMA] as const;

export function roleOf(url: string): string {
  return decodeURIComponent(new URL(url).username) || process.env.PGUSER || process.env.USER || 'postgres';
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Statements that let `appRole` read and write every existing and future table and sequence the
 * current (owner) role creates in the application schemas — and nothing else. Idempotent.
 */
export function applicationGrantsSql(appRole: string): string[] {
  const role = ident(appRole);
  const sql: string[] = [];
  for (const schema of APPLICATION_SCHEMAS) {
    const s = ident(schema);
    sql.push(
      `grant usage on schema ${s} to ${role}`,
      `grant select, insert, update, delete on all tables in schema ${s} to ${role}`,
      `grant usage, select, update on all sequences in schema ${s} to ${role}`,
      `alter default privileges in schema ${s} grant select, insert, update, delete on tables to ${role}`,
      `alter default privileges in schema ${s} grant usage, select, update on sequences to ${role}`,
    );
  }
  return sql;
}

export async function grantApplicationRole(ownerUrl: string, appRole: string, ssl: DatabaseSsl = 'disable') {
  const client = new pg.Client({ connectionString: ownerUrl, ssl: pgSslOptions(ssl) });
  await client.connect();
  try {
    for (const statement of applicationGrantsSql(appRole)) await client.query(statement);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Creates DATABASE_URL's role (LOGIN, with the URL's password, no other right) when it does not exist;
 * needs an owner role allowed to create roles (Compose's superuser). An existing role is left alone.
 */
export async function ensureApplicationRole(ownerUrl: string, appUrl: string, ssl: DatabaseSsl = 'disable') {
  const role = roleOf(appUrl);
  if (role === roleOf(ownerUrl)) return false;
  const password = decodeURIComponent(new URL(appUrl).password);
  const client = new pg.Client({ connectionString: ownerUrl, ssl: pgSslOptions(ssl) });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_roles where rolname = $1', [role]);
    if (exists.rowCount) return false;
    const literal = `'${password.replaceAll("'", "''")}'`;
    await client.query(
      `create role ${ident(role)} login ${password ? `password ${literal}` : ''} nosuperuser nocreatedb nocreaterole`,
    );
    return true;
  } finally {
    await client.end().catch(() => {});
  }
}

export interface PrepareOptions {
  /** The owner role's URL: it migrates and sets pg-boss up. */
  ownerUrl: string;
  /** The application role's URL; when its role differs from the owner's, it is granted DML. */
  appUrl?: string | undefined;
  ssl?: DatabaseSsl;
  logger?: Logger;
  /** The setting named when the owner cannot connect (default MIGRATION_DATABASE_URL). */
  setting?: string;
  /** Queues to create beyond contracts' (test fixtures). */
  extraQueues?: QueueDefinition[];
}

/**
 * Everything that needs the owner role, in one idempotent step: migrations (under the advisory lock),
 * pg-boss's schema (install/upgrade), every queue, and the application role's grants. Run by
 * `pnpm db:migrate` (the Kubernetes migration Job), by `./postern up`, and by the API and worker at
 * start-up when they are given MIGRATION_DATABASE_URL (or run in single-URL mode).
 */
export async function prepareDatabase(options: PrepareOptions): Promise<{ applied: string[] }> {
  const ssl = options.ssl ?? 'disable';
  const logger = options.logger ?? createLogger({ level: 'silent', name: 'migrate' });
  const orm = await createOrm({
    databaseUrl: options.ownerUrl,
    ssl,
    poolMax: 2,
    setting: options.setting ?? 'MIGRATION_DATABASE_URL',
  });
  let applied: string[];
  try {
    applied = await migrateToLatest(orm, options.ownerUrl, ssl);
  } finally {
    await orm.close(true);
  }
  const boss = createQueueClient({
    databaseUrl: options.ownerUrl,
    role: 'owner',
    logger,
    ssl: pgSslOptions(ssl),
    max: 2,
  });
  await boss.start();
  try {
    await ensureQueues(boss, [...ALL_QUEUES, ...(options.extraQueues ?? [])]);
  } finally {
    await boss.stop({ graceful: false, close: true });
  }
  if (options.appUrl && roleOf(options.appUrl) !== roleOf(options.ownerUrl)) {
    await grantApplicationRole(options.ownerUrl, roleOf(options.appUrl), ssl);
  }
  return { applied };
}

/**
 * Whether DATABASE_URL's role can change the schema (owns the migration table, or is a superuser, or
 * may create tables in a database not migrated yet): single-URL mode. Otherwise it is an application
 * role whose database was prepared by the owner.
 */
export async function isOwnerRole(url: string, ssl: DatabaseSsl = 'disable'): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, ssl: pgSslOptions(ssl) });
  await client.connect();
  try {
    const { rows } = await client.query<{ owner: boolean }>(
      `select coalesce(
          (select rolsuper from pg_roles where rolname = current_user) or
          (select pg_get_userbyid(relowner) = current_user from pg_class
             where oid = to_regclass('public.mikro_orm_migrations')),
          has_schema_privilege('public', 'CREATE')) as owner`,
    );
    return rows[0]?.owner === true;
  } finally {
    await client.end().catch(() => {});
  }
}

export const SINGLE_ROLE_WARNING =
  'MIGRATION_DATABASE_URL is not set and DATABASE_URL can change the schema: the application role owns the tables, so a compromised process could truncate the audit log or disable its triggers; set MIGRATION_DATABASE_URL to the owner role and DATABASE_URL to a role that owns nothing (docs/operations.md#database-roles)';

/**
 * Start-up of the API and the worker: prepares the database with whatever owner role is at hand and
 * says how pg-boss may run. Returns `queueMigrate: false` when the process runs as the application role.
 */
export async function prepareAtStartup(options: {
  databaseUrl: string;
  migrationDatabaseUrl: string | undefined;
  ssl: DatabaseSsl;
  logger: Logger;
  extraQueues?: QueueDefinition[];
  /**
   * As the application role alone, wait (up to `timeoutMs`) for the owner to apply pending migrations
   * (the Kubernetes migration Job running beside a rolling update), then fail with one line.
   */
  waitForMigrations?: { orm: MikroORM; timeoutMs?: number; intervalMs?: number };
}): Promise<{ applied: string[]; ownerRole: boolean }> {
  const { databaseUrl, migrationDatabaseUrl, ssl, logger } = options;
  if (migrationDatabaseUrl) {
    const { applied } = await prepareDatabase({
      ownerUrl: migrationDatabaseUrl,
      appUrl: databaseUrl,
      ssl,
      logger,
      ...(options.extraQueues ? { extraQueues: options.extraQueues } : {}),
    });
    return { applied, ownerRole: roleOf(migrationDatabaseUrl) === roleOf(databaseUrl) };
  }
  if (await isOwnerRole(databaseUrl, ssl)) {
    logger.warn(SINGLE_ROLE_WARNING);
    const { applied } = await prepareDatabase({
      ownerUrl: databaseUrl,
      setting: 'DATABASE_URL',
      ssl,
      logger,
      ...(options.extraQueues ? { extraQueues: options.extraQueues } : {}),
    });
    return { applied, ownerRole: true };
  }
  // The application role alone: the owner prepares the database (migration Job); nothing to apply.
  const wait = options.waitForMigrations;
  if (wait) {
    const deadline = Date.now() + (wait.timeoutMs ?? 300_000);
    // Unreadable (a database the owner has not prepared or granted yet) counts as pending.
    const pendingNow = () =>
      pendingMigrations(wait.orm).catch(() => ['(the database is not prepared for this role yet)']);
    let pending = await pendingNow();
    if (pending.length)
      logger.warn(
        { pending },
        'waiting for the owner role to apply migrations (pnpm db:migrate / migration Job)',
      );
    while (pending.length) {
      if (Date.now() > deadline)
        throw new ConfigError(
          'DATABASE_URL',
          `${pending.length} migration(s) pending (${pending[0]}…) and this role cannot apply them: run \`pnpm db:migrate\` with MIGRATION_DATABASE_URL (the migration Job)`,
        );
      await new Promise((resolve) => setTimeout(resolve, wait.intervalMs ?? 2000));
      pending = await pendingNow();
    }
  }
  return { applied: [], ownerRole: false };
}
