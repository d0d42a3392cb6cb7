// The role split of issue #16 on a fresh database owned by a non-superuser role, as in production:
// the owner migrates, installs pg-boss and grants; the application role gets DML and nothing else.
import { randomBytes } from 'node:crypto';
import { ALL_QUEUES, QUEUES } from '@postern/contracts';
import { createLogger, createQueueClient, testServices } from '@postern/runtime';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrm } from '../src/orm.ts';
import {
  ensureApplicationRole,
  isOwnerRole,
  prepareAtStartup,
  prepareDatabase,
  roleOf,
} from '../src/roles.ts';
import { createEmptyDatabase, TEST_APP_ROLE, testAppRoleUrl } from '../src/testing.ts';

const admin = testServices().adminDatabaseUrl;
const suffix = randomBytes(4).toString('hex');
const ownerRole = `postern_owner_${suffix}`;
const database = `postern_test_roles_${suffix}`;
const url = (user: string, password: string) => {
  const u = new URL(admin);
  u.username = user;
  u.password = password;
  u.pathname = `/${database}`;
  return u.toString();
};
const ownerUrl = url(ownerRole, 'owner-pass');
const appUrl = testAppRoleUrl(url(TEST_APP_ROLE, ''));

async function query(connection: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: connection });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await query(admin, `create role ${ownerRole} login password 'owner-pass' nosuperuser nocreaterole`);
  await query(admin, `create database ${database} owner ${ownerRole}`);
  // The cluster-wide test application role (createTestDatabase makes it; make sure here too).
  await query(
    admin,
    `do $$ begin if not exists (select 1 from pg_roles where rolname = '${TEST_APP_ROLE}') then
       create role ${TEST_APP_ROLE} login password '${new URL(appUrl).password}'; end if; end $$`,
  ).catch(() => {});
}, 30_000);

afterAll(async () => {
  await query(admin, `drop database if exists ${database} with (force)`);
  await query(admin, `drop role if exists ${ownerRole}`);
});

describe('database roles', () => {
  it('the owner prepares everything once; the application role then owns nothing', async () => {
    const first = await prepareDatabase({ ownerUrl, appUrl });
    expect(first.applied.length).toBeGreaterThan(0);
    expect((await prepareDatabase({ ownerUrl, appUrl })).applied).toEqual([]);
    expect(roleOf(appUrl)).toBe(TEST_APP_ROLE);
    expect(await isOwnerRole(ownerUrl)).toBe(true);
    expect(await isOwnerRole(appUrl)).toBe(false);
    const owned = await query(
      ownerUrl,
      `select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname in ('public', 'pgboss') and pg_get_userbyid(c.relowner) = $1`,
      [TEST_APP_ROLE],
    );
    expect(owned.rows[0].n).toBe(0);
  }, 60_000);

  it('the application role reads and writes, but cannot TRUNCATE, ALTER or disable triggers', async () => {
    await query(
      appUrl,
      `insert into worker_heartbeat (worker_id, hostname, pid, version, started_at, beat_at)
         values ('w', 'h', 1, 'v', now(), now())`,
    );
    await query(appUrl, "update worker_heartbeat set beats = 1 where worker_id = 'w'");
    await query(appUrl, "delete from worker_heartbeat where worker_id = 'w'");
    await query(
      appUrl,
      `insert into audit_checkpoint (id, scope, seq, hash, purged_entries, created_at)
         values (gen_random_uuid(), 'roles-test', 1, repeat('a', 64), 1, now())`,
    );
    await expect(query(appUrl, 'truncate audit_checkpoint')).rejects.toThrow(/permission denied/);
    await expect(query(appUrl, 'delete from audit_checkpoint')).rejects.toThrow(
      /cannot be modified or deleted/,
    );
    await expect(query(appUrl, "update audit_checkpoint set hash = repeat('b', 64)")).rejects.toThrow(
      /cannot be modified or deleted/,
    );
    expect(
      (await query(appUrl, "select scope, hash from audit_checkpoint where scope = 'roles-test'")).rows,
    ).toEqual([{ scope: 'roles-test', hash: 'a'.repeat(64) }]);
    await expect(query(appUrl, 'truncate audit_entry')).rejects.toThrow(/permission denied/);
    await expect(query(appUrl, 'truncate worker_heartbeat')).rejects.toThrow(/permission denied/);
    await expect(
      query(appUrl, 'alter table audit_entry disable trigger audit_entry_immutable'),
    ).rejects.toThrow(/must be owner/);
    await expect(query(appUrl, 'alter table audit_entry add column x int')).rejects.toThrow(/must be owner/);
    await expect(query(appUrl, 'create table sneaky (id int)')).rejects.toThrow(/permission denied/);
    await expect(query(appUrl, 'create table pgboss.sneaky (id int)')).rejects.toThrow(/permission denied/);
  });

  it('TRUNCATE of the audit tables is refused to the non-superuser owner too', async () => {
    await query(
      ownerUrl,
      `insert into audit_checkpoint (id, scope, seq, hash, purged_entries, created_at)
         values (gen_random_uuid(), 'owner-truncate-test', 1, repeat('a', 64), 1, now())`,
    );
    for (const table of ['audit_entry', 'audit_checkpoint', 'audit_signed_head'])
      await expect(query(ownerUrl, `truncate ${table}`)).rejects.toThrow(/append-only: TRUNCATE is refused/);
    const kept = await query(
      ownerUrl,
      "select count(*)::int as n from audit_checkpoint where scope = 'owner-truncate-test'",
    );
    expect(kept.rows[0].n).toBe(1);
  });

  it('pg-boss runs under the application role with migrate: false (queues made by the owner)', async () => {
    const logger = createLogger({ level: 'silent', name: 'roles-test' });
    const boss = createQueueClient({ databaseUrl: appUrl, role: 'worker', migrate: false, logger });
    await boss.start();
    try {
      for (const queue of ALL_QUEUES) expect(await boss.getQueue(queue.name)).toBeTruthy();
      expect(await boss.send(QUEUES.heartbeat.name, { trigger: 'startup' })).toBeTruthy();
      await boss.schedule(QUEUES.heartbeat.name, '* * * * *', {}, { tz: 'UTC' });
      await boss.supervise();
    } finally {
      await boss.stop({ graceful: false, close: true });
    }
  }, 30_000);

  it('as the application role alone, waits for the owner to prepare the database (the migration Job)', async () => {
    const fresh = await createEmptyDatabase();
    const orm = await createOrm({ databaseUrl: fresh.appUrl, poolMax: 2 });
    const logger = createLogger({ level: 'silent', name: 'roles-test' });
    const startup = (timeoutMs: number) =>
      prepareAtStartup({
        databaseUrl: fresh.appUrl,
        migrationDatabaseUrl: undefined,
        ssl: 'disable',
        logger,
        waitForMigrations: { orm, timeoutMs, intervalMs: 100 },
      });
    try {
      await expect(startup(300)).rejects.toThrow(/DATABASE_URL: .*pending.*MIGRATION_DATABASE_URL/);
      const waiting = startup(30_000);
      await prepareDatabase({ ownerUrl: fresh.url, appUrl: fresh.appUrl });
      await expect(waiting).resolves.toEqual({ applied: [], ownerRole: false });
    } finally {
      await orm.close(true);
      await fresh.drop();
    }
  }, 60_000);

  it('migrate --create-app-role creates a missing application role once (Compose)', async () => {
    const role = `postern_app_${suffix}`;
    const roleUrl = url(role, "it's-secret");
    try {
      expect(await ensureApplicationRole(admin, roleUrl)).toBe(true);
      expect(await ensureApplicationRole(admin, roleUrl)).toBe(false);
      const { rows } = await query(
        admin,
        'select rolsuper, rolcreaterole, rolcanlogin from pg_roles where rolname = $1',
        [role],
      );
      expect(rows[0]).toEqual({ rolsuper: false, rolcreaterole: false, rolcanlogin: true });
    } finally {
      await query(admin, `drop role if exists ${role}`);
    }
  });
});
