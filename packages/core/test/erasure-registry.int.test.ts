// The erasure registry covers the database: every table of a migrated database (all schemas,
// pg-boss's and the migrations table included; a partition counts as its parent) is classified, every
// rule names tables and columns that exist, and docs/data-lifecycle.md shows the registry as it is.
import { readFileSync } from 'node:fs';
import { createTestDatabase, type TestDatabase } from '@postern/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleStatement } from '../src/erasure/erase.ts';
import { ERASURE_REGISTRY, retentionRows } from '../src/erasure/registry.ts';

let db: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase();
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await db?.drop();
});

/** `schema.table` of every table and partitioned table outside PostgreSQL's own schemas, partitions left out. */
async function catalogTables(): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `select n.nspname || '.' || c.relname as name
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and not c.relispartition
        and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
      order by 1`,
  );
  return rows.map((row) => row.name);
}

async function columnsOf(table: string): Promise<string[]> {
  const [schema, name] = table.includes('.') ? table.split('.') : ['public', table];
  const { rows } = await client.query<{ column_name: string }>(
    'select column_name from information_schema.columns where table_schema = $1 and table_name = $2',
    [schema, name],
  );
  return rows.map((row) => row.column_name);
}

describe('the erasure registry', () => {
  it('classifies every table of the database', async () => {
    const tables = await catalogTables();
    expect(tables).toContain('pgboss.job');
    expect(tables).toContain('public.mikro_orm_migrations');
    const unclassified = tables.filter((table) => !(table in ERASURE_REGISTRY));
    expect(unclassified, `classify these tables in packages/core/src/erasure/registry.ts`).toEqual([]);
  });

  it('names only tables and columns that exist', async () => {
    const tables = new Set(await catalogTables());
    const problems: string[] = [];
    for (const [table, entry] of Object.entries(ERASURE_REGISTRY)) {
      if (!tables.has(table)) problems.push(`${table}: no such table`);
      if (entry.class === 'none') continue;
      const columns = await columnsOf(table);
      for (const rule of entry.rules ?? []) {
        const named = [rule.column, ...(rule.how === 'delete' ? [] : rule.how.nullify)];
        for (const column of named)
          if (!columns.includes(column)) problems.push(`${table}.${column}: no such column`);
        if (rule.via) {
          const viaColumns = await columnsOf(rule.via.table);
          for (const column of [rule.via.key, rule.via.column])
            if (!viaColumns.includes(column)) problems.push(`${rule.via.table}.${column}: no such column`);
        }
        // The generated statement is valid SQL for this schema.
        await client.query(`explain ${ruleStatement(table, rule, 1).replace('?', '$1')}`, [
          rule.match === 'email' ? 'x@example.com' : '00000000-0000-0000-0000-000000000000',
        ]);
      }
      if (entry.class === 'keep') expect(entry.why.length, table).toBeGreaterThan(20);
    }
    expect(problems).toEqual([]);
  });

  it('is documented in docs/data-lifecycle.md as it is, with no account row left for later', () => {
    const doc = readFileSync(new URL('../../../docs/data-lifecycle.md', import.meta.url), 'utf8');
    const missing = retentionRows().filter((row) => !doc.includes(row));
    expect(
      missing,
      'copy the rows of retentionRows() (packages/core/src/erasure/registry.ts) into the table',
    ).toEqual([]);
    const accountRows = doc.split('\n').filter((line) => /^\|[^|]*account/i.test(line));
    expect(accountRows.length).toBeGreaterThan(0);
    expect(accountRows.filter((line) => line.includes('*later*'))).toEqual([]);
  });
});
