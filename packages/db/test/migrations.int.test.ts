import { afterAll, describe, expect, it } from 'vitest';
import { createOrm, migrateToLatest, pendingMigrations, schemaDrift } from '../src/orm.ts';
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from '../src/testing.ts';

const dropLater: TestDatabase[] = [];
afterAll(async () => {
  for (const db of dropLater) await db.drop();
});

describe('migrations', () => {
  it('build a schema that agrees with the entities (the CI migration check)', async () => {
    const db = await createEmptyDatabase();
    dropLater.push(db);
    const orm = await createOrm({ databaseUrl: db.url, poolMax: 2 });
    try {
      const applied = await migrateToLatest(orm, db.url);
      expect(applied.length).toBeGreaterThan(0);
      expect(await pendingMigrations(orm)).toEqual([]);
      expect(await schemaDrift(orm)).toBe('');
      expect(await migrateToLatest(orm, db.url)).toEqual([]);
    } finally {
      await orm.close(true);
    }
  });

  it('are applied exactly once when several processes start at the same time', async () => {
    const db = await createEmptyDatabase();
    dropLater.push(db);
    const orms = await Promise.all([1, 2, 3].map(() => createOrm({ databaseUrl: db.url, poolMax: 2 })));
    try {
      const results = await Promise.all(orms.map((orm) => migrateToLatest(orm, db.url)));
      const total = results.reduce((sum, applied) => sum + applied.length, 0);
      expect(total).toBe(results.find((applied) => applied.length > 0)?.length);
      expect(results.filter((applied) => applied.length > 0)).toHaveLength(1);
    } finally {
      await Promise.all(orms.map((orm) => orm.close(true)));
    }
  });
});

describe('test databases', () => {
  it('are separate, migrated, and gone after drop', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    expect(a.name).not.toBe(b.name);
    for (const db of [a, b]) {
      const orm = await createOrm({ databaseUrl: db.url, poolMax: 1 });
      try {
        expect(await pendingMigrations(orm)).toEqual([]);
        const tables = await orm.em
          .fork()
          .getConnection()
          .execute(
            "select table_name from information_schema.tables where table_schema in ('public', 'pgboss')",
          );
        const names = (tables as { table_name: string }[]).map((row) => row.table_name);
        expect(names).toContain('worker_heartbeat');
        expect(names).toContain('job');
      } finally {
        await orm.close(true);
      }
    }
    await a.drop();
    await b.drop();
    await expect(createOrm({ databaseUrl: a.url, poolMax: 1, connectTimeoutMs: 2000 })).rejects.toThrow(
      /DATABASE_URL/,
    );
  });
});
