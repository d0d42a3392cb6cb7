// Issue #16: the API process and the database role split (packages/db/src/roles.ts).
import { createTestDatabase, TEST_APP_ROLE, type TestDatabase } from '@postern/db/testing';
import { type SpawnedApp, spawnApp, waitForHttp } from '@postern/runtime/testing';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const WARNING = 'MIGRATION_DATABASE_URL is not set and DATABASE_URL can change the schema';

describe('API database roles', () => {
  let db: TestDatabase;
  let api: SpawnedApp | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await api?.stop();
    api = undefined;
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function start(env: Record<string, string>) {
    api = await spawnApp('api', { WEB_DIST: '/nonexistent', ...env });
    await api.waitForLine(/api ready/, 30_000);
    return api;
  }

  async function usersOf(applicationName: string) {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ usename: string }>(
        'select usename from pg_stat_activity where datname = $1 and application_name = $2',
        [db.name, applicationName],
      );
      return rows.map((row) => row.usename);
    } finally {
      await client.end();
    }
  }

  it('by default (spawnApp) works as the restricted role, migrating as the owner, without a warning', async () => {
    const app = await start({ DATABASE_URL: db.url });
    expect(app.lines.some((line) => line.includes(WARNING))).toBe(false);
    const users = await usersOf('postern-producer');
    expect(users.length).toBeGreaterThan(0);
    expect(new Set(users)).toEqual(new Set([TEST_APP_ROLE]));
    await waitForHttp(`${app.url}/healthz`);
  });

  it('with DATABASE_URL alone as the application role: starts without migrating or warning', async () => {
    const app = await start({ DATABASE_URL: db.appUrl, MIGRATION_DATABASE_URL: '' });
    expect(app.lines.some((line) => line.includes(WARNING))).toBe(false);
    expect(app.lines.some((line) => line.includes('applied migrations'))).toBe(false);
  });

  it('with a single owner URL: keeps working, with one warning line at start-up', async () => {
    const app = await start({ DATABASE_URL: db.url, MIGRATION_DATABASE_URL: '' });
    expect(app.lines.filter((line) => line.includes(WARNING))).toHaveLength(1);
    expect(JSON.parse(app.lines.find((line) => line.includes(WARNING)) ?? '{}').level).toBe('warn');
  });
});
