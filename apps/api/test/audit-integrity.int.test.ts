// The audit log's integrity through the real API: append-only against the application (UPDATE, DELETE,
// TRUNCATE, its restricted role), chain verification reporting altered, removed and reordered entries, and retention.
import { purgeAuditLog } from '@postern/core';
import { TEST_APP_ROLE } from '@postern/db/testing';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Page, superuserOf } from './support/audit.ts';
import { addMember, type Client, type Harness, newAccount, STRONG_PASSWORD } from './support/harness.ts';
import { authSuite } from './support/signed-in.ts';

// After the tests, the shared auth set-up checks that the accounts' password is neither stored nor
// logged in clear, and closes the harness whatever that finds.
const { usedSecrets, harness } = authSuite();
let h: Harness;
beforeAll(() => {
  h = harness();
  usedSecrets.add(STRONG_PASSWORD);
});
const superuser = superuserOf(() => h);

describe('the audit log cannot be changed by the application', () => {
  it('refuses UPDATE and DELETE through the application connection', async () => {
    const { workspaceId } = await newAccount(h.app);
    const conn = h.orm.em.fork().getConnection();
    await expect(
      conn.execute("update audit_entry set event_type = 'x' where workspace_id = ?", [workspaceId]),
    ).rejects.toThrow(/cannot be modified or deleted/);
    await expect(
      conn.execute('delete from audit_entry where workspace_id = ?', [workspaceId]),
    ).rejects.toThrow(/cannot be modified or deleted/);
    const [row] = await conn.execute('select count(*)::int as n from audit_entry where workspace_id = ?', [
      workspaceId,
    ]);
    expect(row?.n).toBeGreaterThan(0); // the refused statements had rows to change
  });

  it('refuses UPDATE and DELETE of existing checkpoints and signed heads; the rows stay', async () => {
    const conn = h.orm.em.fork().getConnection();
    const scope = `test-scope-${crypto.randomUUID()}`;
    await conn.execute(
      `insert into audit_checkpoint (id, scope, seq, hash, purged_entries, created_at)
         values (gen_random_uuid(), ?, 1, repeat('a', 64), 3, now())`,
      [scope],
    );
    await conn.execute(
      `insert into audit_signed_head (id, scope, seq, hash, signed_at, key_id, signature, created_at)
         values (gen_random_uuid(), ?, 1, repeat('b', 64), now(), 'k', 's', now())`,
      [scope],
    );
    for (const table of ['audit_checkpoint', 'audit_signed_head']) {
      await expect(
        conn.execute(`update ${table} set hash = repeat('c', 64) where scope = ?`, [scope]),
      ).rejects.toThrow(/cannot be modified or deleted/);
      await expect(conn.execute(`delete from ${table} where scope = ?`, [scope])).rejects.toThrow(
        /cannot be modified or deleted/,
      );
      const rows = await conn.execute(`select seq::int as seq, hash from ${table} where scope = ?`, [scope]);
      expect(rows).toEqual([{ seq: 1, hash: (table === 'audit_checkpoint' ? 'a' : 'b').repeat(64) }]);
    }
  });

  it('refuses deleting recent entries even with the purge flag raised', async () => {
    const { workspaceId } = await newAccount(h.app);
    await expect(
      h.orm.em.fork().transactional(async (tx) => {
        const ctx = tx.getTransactionContext();
        await tx
          .getConnection()
          .execute("select set_config('postern.audit_purge', 'on', true)", [], 'all', ctx);
        await tx
          .getConnection()
          .execute('delete from audit_entry where workspace_id = ?', [workspaceId], 'run', ctx);
      }),
    ).rejects.toThrow(/cannot be modified or deleted/);
  });
});

describe('verify', () => {
  async function workspaceWithHistory() {
    const owner = await newAccount(h.app);
    for (const name of ['One', 'Two', 'Three', 'Four'])
      await owner.client.mutate('workspaces.rename', { workspaceId: owner.workspaceId, name });
    return owner;
  }
  const verify = (client: Client, workspaceId: string) =>
    client.mutate<{ ok: boolean; entriesChecked: number; problems: { seq: number; problem: string }[] }>(
      'audit.verify',
      { workspaceId },
    );

  it('passes on an untouched log', async () => {
    const owner = await workspaceWithHistory();
    const res = await verify(owner.client, owner.workspaceId);
    expect(res.data).toMatchObject({ ok: true, problems: [] });
    expect(res.data?.entriesChecked).toBeGreaterThanOrEqual(5);
  });

  it("reports an entry altered behind the application's back", async () => {
    const owner = await workspaceWithHistory();
    await superuser((c) =>
      c.query('update audit_entry set metadata = \'{"to":"Forged"}\' where workspace_id = $1 and seq = 3', [
        owner.workspaceId,
      ]),
    );
    const res = await verify(owner.client, owner.workspaceId);
    expect(res.data?.ok).toBe(false);
    expect(res.data?.problems).toContainEqual({ seq: 3, problem: 'altered' });
  });

  it('reports a removed entry', async () => {
    const owner = await workspaceWithHistory();
    await superuser((c) =>
      c.query('delete from audit_entry where workspace_id = $1 and seq = 2', [owner.workspaceId]),
    );
    const res = await verify(owner.client, owner.workspaceId);
    expect(res.data?.problems).toContainEqual({ seq: 3, problem: 'missing' });
  });

  it('reports reordered entries', async () => {
    const owner = await workspaceWithHistory();
    await superuser(async (c) => {
      await c.query('update audit_entry set seq = -seq where workspace_id = $1 and seq in (2, 3)', [
        owner.workspaceId,
      ]);
      await c.query('update audit_entry set seq = 5 - (-seq) where workspace_id = $1 and seq in (-2, -3)', [
        owner.workspaceId,
      ]);
    });
    const res = await verify(owner.client, owner.workspaceId);
    expect(res.data?.ok).toBe(false);
    expect(res.data?.problems.map((p) => p.problem)).toEqual(expect.arrayContaining(['altered']));
  });

  it('is open to owners only', async () => {
    const owner = await newAccount(h.app);
    const admin = await newAccount(h.app);
    await addMember(h, owner.client, owner.workspaceId, admin, 'admin');
    expect((await verify(admin.client, owner.workspaceId)).error?.data.code).toBe('FORBIDDEN');
  });
});

describe('retention', () => {
  it('purges entries past the retention period, leaves a checkpoint, and the chain still verifies', async () => {
    const day = 86_400_000;
    // A workspace whose early history was written 400 days ago (the clock is injected).
    h.clock.advance(-400 * day);
    let owner: Awaited<ReturnType<typeof newAccount>>;
    try {
      owner = await newAccount(h.app);
      for (const name of ['Old 1', 'Old 2'])
        await owner.client.mutate('workspaces.rename', { workspaceId: owner.workspaceId, name });
    } finally {
      h.clock.advance(400 * day);
    }
    owner.client.cookies.clear();
    await owner.client.mutate('auth.signIn', { email: owner.email, password: STRONG_PASSWORD });
    await owner.client.mutate('workspaces.rename', { workspaceId: owner.workspaceId, name: 'Recent' });

    const deleted = await purgeAuditLog(h.orm.em.fork(), new Date(), 365);
    expect(deleted).toBeGreaterThanOrEqual(2);
    const page = await owner.client.query<Page>('audit.list', { workspaceId: owner.workspaceId });
    expect(page.data?.entries.some((e) => e.eventType === 'workspace.renamed')).toBe(true);
    expect(page.data?.entries.every((e) => !JSON.stringify(e).includes('Old 1'))).toBe(true);
    const res = await owner.client.mutate<{ ok: boolean; checkpoint: { seq: number } | null }>(
      'audit.verify',
      { workspaceId: owner.workspaceId },
    );
    expect(res.data?.ok).toBe(true);
    expect(res.data?.checkpoint?.seq).toBeGreaterThanOrEqual(2);
  });
});

// Issue #16: the log cannot be emptied. The application works as a role that owns nothing; the owner
// role (h.db.url, a superuser here) is what the attacks below need.
describe('append-only against TRUNCATE and the application role', () => {
  /** A raw connection as the owner role: migrations run as it, attacks that need it use it. */
  async function owner<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: h.db.url });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }

  it('the application runs as the restricted role', async () => {
    const [row] = await h.orm.em.fork().getConnection().execute('select current_user as role');
    expect(row?.role).toBe(TEST_APP_ROLE);
  });

  it('refuses TRUNCATE of every audit table, even to the owner role', async () => {
    await newAccount(h.app);
    for (const table of ['audit_entry', 'audit_checkpoint', 'audit_signed_head']) {
      await expect(owner((c) => c.query(`truncate ${table}`))).rejects.toThrow(
        `${table} is append-only: TRUNCATE is refused`,
      );
    }
    const [{ n }] = (await owner((c) => c.query('select count(*)::int as n from audit_entry'))).rows;
    expect(n).toBeGreaterThan(0);
  });

  it('the application role cannot TRUNCATE, ALTER, disable triggers, drop or create tables', async () => {
    const conn = h.orm.em.fork().getConnection();
    for (const table of ['audit_entry', 'audit_checkpoint', 'audit_signed_head']) {
      await expect(conn.execute(`truncate ${table}`)).rejects.toThrow(/permission denied/);
      await expect(conn.execute(`alter table ${table} disable trigger all`)).rejects.toThrow(/must be owner/);
      await expect(conn.execute(`alter table ${table} disable trigger ${table}_no_truncate`)).rejects.toThrow(
        /must be owner/,
      );
      await expect(conn.execute(`alter table ${table} add column x int`)).rejects.toThrow(/must be owner/);
      await expect(conn.execute(`drop trigger ${table}_immutable on ${table}`)).rejects.toThrow(
        /must be owner/,
      );
      await expect(conn.execute(`drop table ${table}`)).rejects.toThrow(/must be owner/);
    }
    await expect(conn.execute("set session_replication_role = 'replica'")).rejects.toThrow(
      /permission denied/,
    );
    await expect(conn.execute('create table sneaky (id int)')).rejects.toThrow(/permission denied/);
    await expect(conn.execute('alter table pgboss.job disable trigger all')).rejects.toThrow(/must be owner/);
  });
});
