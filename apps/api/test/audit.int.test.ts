import { purgeAuditLog } from '@postern/core';
import { parse } from 'csv-parse/sync';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  Client,
  type Harness,
  newAccount,
  STRONG_PASSWORD,
  startHarness,
} from './support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

type Page = {
  entries: {
    seq: number;
    eventType: string;
    actorEmail: string | null;
    userAgent: string | null;
    ip: string | null;
  }[];
  nextCursor: number | null;
};

/** A raw connection that, as a superuser can, bypasses the triggers: the "behind the app's back" change. */
async function superuser<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: h.db.url });
  await client.connect();
  try {
    await client.query("set session_replication_role = 'replica'");
    return await fn(client);
  } finally {
    await client.end();
  }
}

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
    await expect(conn.execute('delete from audit_checkpoint')).resolves.toBeDefined(); // no rows: nothing to refuse
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

describe('filters and export', () => {
  it('filter by event type, user and date range return exactly the matching entries, page by page', async () => {
    const owner = await newAccount(h.app);
    const member = await newAccount(h.app);
    await addMember(h, owner.client, owner.workspaceId, member, 'admin');
    for (let i = 0; i < 5; i++)
      await member.client.mutate('workspaces.rename', { workspaceId: owner.workspaceId, name: `Name ${i}` });

    const all = await owner.client.query<Page>('audit.list', { workspaceId: owner.workspaceId, limit: 200 });
    const renamedByMember = await owner.client.query<Page>('audit.list', {
      workspaceId: owner.workspaceId,
      eventTypes: ['workspace.renamed'],
      actorId: member.userId,
    });
    expect(renamedByMember.data?.entries).toHaveLength(5);
    expect(
      renamedByMember.data?.entries.every(
        (e) => e.eventType === 'workspace.renamed' && e.actorEmail === member.email,
      ),
    ).toBe(true);
    expect(all.data?.entries.map((e) => e.eventType)).toEqual(
      expect.arrayContaining(['workspace.created', 'member.invited', 'member.joined', 'workspace.renamed']),
    );

    const future = await owner.client.query<Page>('audit.list', {
      workspaceId: owner.workspaceId,
      from: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(future.data?.entries).toEqual([]);

    const first = await owner.client.query<Page>('audit.list', { workspaceId: owner.workspaceId, limit: 3 });
    const second = await owner.client.query<Page>('audit.list', {
      workspaceId: owner.workspaceId,
      limit: 3,
      cursor: first.data?.nextCursor,
    });
    expect(first.data?.entries).toHaveLength(3);
    expect(second.data?.entries[0]?.seq).toBe((first.data?.entries[2]?.seq ?? 0) - 1);
  });

  it('exports the filtered view as CSV a standard parser reads, with formula-looking cells neutralised', async () => {
    const owner = await newAccount(h.app);
    const hostile = new Client(h.app, { userAgent: '=HYPERLINK("http://evil.example","click")' });
    hostile.cookies = owner.client.cookies;
    await hostile.mutate('workspaces.rename', { workspaceId: owner.workspaceId, name: '+SUM(A1:A9)' });
    const plus = new Client(h.app, { userAgent: '@cmd' });
    plus.cookies = owner.client.cookies;
    await plus.mutate('workspaces.rename', { workspaceId: owner.workspaceId, name: '-2+3' });

    const exported = await owner.client.mutate<{ body: string; rows: number; contentType: string }>(
      'audit.export',
      {
        workspaceId: owner.workspaceId,
        format: 'csv',
        eventTypes: ['workspace.renamed'],
      },
    );
    expect(exported.data?.contentType).toBe('text/csv');
    const records = parse(exported.data?.body ?? '', { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(2);
    expect(exported.data?.rows).toBe(2);
    expect(records.map((r) => r.eventType)).toEqual(['workspace.renamed', 'workspace.renamed']);
    expect(records[0]?.userAgent).toBe('\'=HYPERLINK("http://evil.example","click")');
    expect(records[1]?.userAgent).toBe("'@cmd");
    for (const record of records)
      for (const cell of Object.values(record)) expect(cell).not.toMatch(/^[=+\-@]/);

    const json = await owner.client.mutate<{ body: string }>('audit.export', {
      workspaceId: owner.workspaceId,
      format: 'json',
      eventTypes: ['workspace.renamed'],
    });
    const rows = JSON.parse(json.data?.body ?? '[]') as { metadata: { to: string } }[];
    expect(rows.map((r) => r.metadata.to)).toEqual(['+SUM(A1:A9)', '-2+3']);
    // The export itself is audited.
    const exports = await owner.client.query<Page>('audit.list', {
      workspaceId: owner.workspaceId,
      eventTypes: ['audit.exported'],
    });
    expect(exports.data?.entries).toHaveLength(2);
  });
});
