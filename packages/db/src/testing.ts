// Test helper: each test file gets its own migrated database, cloned in milliseconds from a template
// built once per migration set (CREATE DATABASE … TEMPLATE), and dropped afterwards.
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, createQueueClient, testServices } from '@postern/runtime';
import { TEST_APP_ROLE, testAppRoleUrl } from '@postern/runtime/testing';
import pg from 'pg';
import { createOrm, MIGRATIONS_DIR, migrateToLatest } from './orm.ts';
import { applicationGrantsSql } from './roles.ts';

export { TEST_APP_ROLE, testAppRoleUrl };

export interface TestDatabase {
  name: string;
  /** The owner (the admin role): migrations, and attacks that need the owner. */
  url: string;
  /** The same database as the restricted application role (DML only), as the API and worker run. */
  appUrl: string;
  drop(): Promise<void>;
}

const TEMPLATE_LOCK_ID = 7_274_637_002;

function withDatabase(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Identifies the migration set and pg-boss version, so a changed migration builds a new template. */
function templateName(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_DIR).sort()) {
    if (file.endsWith('.ts') || file.endsWith('.js'))
      hash.update(file).update(readFileSync(join(MIGRATIONS_DIR, file)));
  }
  hash.update('pg-boss-12').update(`app-role-1:${TEST_APP_ROLE}`);
  return `postern_tpl_${hash.digest('hex').slice(0, 16)}`;
}

async function admin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The cluster-wide restricted role (created once; racing creators are fine). */
async function ensureAppRole(client: pg.Client): Promise<void> {
  const password = new URL(testAppRoleUrl('postgres://x@h/d')).password;
  try {
    await client.query(
      `do $$ begin
         if not exists (select 1 from pg_roles where rolname = '${TEST_APP_ROLE}') then
           create role ${TEST_APP_ROLE} login password '${password}' nosuperuser nocreatedb nocreaterole;
         end if;
       end $$`,
    );
  } catch (error) {
    if ((error as { code?: string }).code !== '23505' && (error as { code?: string }).code !== '42710')
      throw error;
  }
}

async function ensureTemplate(adminUrl: string): Promise<string> {
  const template = templateName();
  return admin(adminUrl, async (client) => {
    await client.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK_ID]);
    try {
      const exists = await client.query('select 1 from pg_database where datname = $1', [template]);
      if (exists.rowCount) return template;
      const building = `${template}_build_${process.pid}`;
      await client.query(`drop database if exists "${building}" with (force)`);
      await client.query(`create database "${building}"`);
      const url = withDatabase(adminUrl, building);
      const orm = await createOrm({ databaseUrl: url, poolMax: 2 });
      try {
        await migrateToLatest(orm, url);
      } finally {
        await orm.close(true);
      }
      // Install pg-boss's schema once here rather than in every test database.
      const boss = createQueueClient({
        databaseUrl: url,
        role: 'producer',
        logger: createLogger({ level: 'silent', name: 'test-template' }),
      });
      await boss.start();
      await boss.stop({ graceful: false, close: true });
      // The restricted application role gets DML on every table (and future ones), as in production.
      await ensureAppRole(client);
      await admin(url, async (db) => {
        for (const statement of applicationGrantsSql(TEST_APP_ROLE)) await db.query(statement);
      });
      await client.query(`alter database "${building}" rename to "${template}"`);
      return template;
    } finally {
      await client.query('select pg_advisory_unlock($1)', [TEMPLATE_LOCK_ID]);
    }
  });
}

/** A fresh, fully migrated database (pg-boss schema included) for one test file. */
export async function createTestDatabase(options: { adminUrl?: string } = {}): Promise<TestDatabase> {
  const adminUrl = options.adminUrl ?? testServices().adminDatabaseUrl;
  const template = await ensureTemplate(adminUrl);
  const name = `postern_test_${randomBytes(6).toString('hex')}`;
  await admin(adminUrl, (client) => client.query(`create database "${name}" template "${template}"`));
  return {
    name,
    url: withDatabase(adminUrl, name),
    appUrl: testAppRoleUrl(withDatabase(adminUrl, name)),
    drop: () =>
      admin(adminUrl, (client) => client.query(`drop database if exists "${name}" with (force)`)).then(
        () => {},
      ),
  };
}

/** An empty database (no migrations), for tests of the migrator itself. */
export async function createEmptyDatabase(options: { adminUrl?: string } = {}): Promise<TestDatabase> {
  const adminUrl = options.adminUrl ?? testServices().adminDatabaseUrl;
  const name = `postern_test_${randomBytes(6).toString('hex')}`;
  await admin(adminUrl, async (client) => {
    await client.query(`create database "${name}"`);
    await ensureAppRole(client);
  });
  return {
    name,
    url: withDatabase(adminUrl, name),
    appUrl: testAppRoleUrl(withDatabase(adminUrl, name)),
    drop: () =>
      admin(adminUrl, (client) => client.query(`drop database if exists "${name}" with (force)`)).then(
        () => {},
      ),
  };
}

/**
 * Every row of every table (the application's and pg-boss's) as text, a row a line: what tests scan
 * to prove a secret or an address is stored nowhere in clear.
 */
export async function dumpDatabase(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ schema: string; name: string }>(
      `select table_schema as schema, table_name as name from information_schema.tables
        where table_schema in ('public', 'pgboss') and table_type = 'BASE TABLE' order by 1, 2`,
    );
    let out = '';
    for (const t of tables.rows) {
      const rows = await client.query<{ row: string }>(
        `select t::text as row from "${t.schema}"."${t.name}" t`,
      );
      for (const r of rows.rows) out += `${r.row}\n`;
    }
    return out;
  } finally {
    await client.end();
  }
}
