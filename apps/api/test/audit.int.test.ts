import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import {
  auditHeadKvKey,
  auditSignerFromConfig,
  checkpointAuditHeads,
  type MailMessage,
  purgeAuditLog,
  systemClock,
  verifyAuditChain,
} from '@postern/core';
import { TEST_APP_ROLE } from '@postern/db/testing';
import { MemoryKvStore } from '@postern/runtime';
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

describe('signed heads: truncation and tail deletion are reported', () => {
  const signer = () => auditSignerFromConfig(h.config);
  const checkpoint = (kv?: MemoryKvStore) =>
    checkpointAuditHeads({ em: h.orm.em.fork(), clock: systemClock, signer: signer(), kv });
  type Verified = {
    ok: boolean;
    entriesChecked: number;
    problems: { seq: number | null; problem: string; detail?: string }[];
    head: { source: string; seq: number } | null;
  };
  const verify = (client: Client, workspaceId: string, pasted?: string) =>
    client.mutate<Verified>('audit.verify', { workspaceId, ...(pasted ? { checkpoint: pasted } : {}) });
  async function workspaceWithHistory() {
    const owner = await newAccount(h.app);
    for (const name of ['One', 'Two', 'Three', 'Four'])
      await owner.client.mutate('workspaces.rename', { workspaceId: owner.workspaceId, name });
    return owner;
  }
  /** The signed head of a workspace, as the webhook event carries it (outbox_event). */
  async function eventOf(workspaceId: string) {
    const rows = await h.orm.em
      .fork()
      .getConnection()
      .execute(
        "select payload from outbox_event where workspace_id = ? and type = 'audit.checkpoint' order by created_at desc limit 1",
        [workspaceId],
      );
    return rows[0]?.payload as Record<string, string | number> | undefined;
  }
  async function asSuperuser(sql: string, params: unknown[] = []) {
    await superuser((c) => c.query(sql, params));
  }

  it('signs each grown chain once; the audit.checkpoint event verifies with the public key alone', async () => {
    const owner = await workspaceWithHistory();
    const first = await checkpoint();
    expect(first.signed).toBeGreaterThanOrEqual(1);
    expect(first.refused).toEqual([]);
    const event = await eventOf(owner.workspaceId);
    expect(event).toMatchObject({ scope: `ws:${owner.workspaceId}`, seq: 5 });
    // Independent check with node:crypto and the published raw key only.
    const publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: String(event?.public_key) },
      format: 'jwk',
    });
    const message = JSON.stringify({
      scope: event?.scope,
      seq: event?.seq,
      hash: event?.hash,
      time: event?.time,
    });
    expect(
      cryptoVerify(null, Buffer.from(message), publicKey, Buffer.from(String(event?.signature), 'base64url')),
    ).toBe(true);
    // Unchanged chains are not signed again.
    const again = await checkpoint();
    const rows = await h.orm.em
      .fork()
      .getConnection()
      .execute('select count(*)::int as n from audit_signed_head where scope = ?', [
        `ws:${owner.workspaceId}`,
      ]);
    expect(rows[0]?.n).toBe(1);
    expect(again.refused).toEqual([]);
    expect((await verify(owner.client, owner.workspaceId)).data).toMatchObject({
      ok: true,
      head: { source: 'database', seq: 5 },
    });
  });

  it('reports deletion of the newest entries against the latest signed head', async () => {
    const owner = await workspaceWithHistory();
    await checkpoint();
    // Without a signed head this is invisible: the remaining chain is intact.
    await asSuperuser('delete from audit_entry where workspace_id = $1 and seq >= 4', [owner.workspaceId]);
    const res = await verify(owner.client, owner.workspaceId);
    expect(res.data?.ok).toBe(false);
    expect(res.data?.problems).toContainEqual(
      expect.objectContaining({
        seq: 4,
        problem: 'tail_deleted',
        detail: expect.stringMatching(/entries 4 to 5 are missing/),
      }),
    );
    // The worker refuses to sign the shortened chain (that would launder the deletion).
    const next = await checkpoint();
    expect(next.refused).toContain(`ws:${owner.workspaceId}`);
  });

  it('reports tail deletion against a pasted checkpoint when the stored heads are gone too', async () => {
    const owner = await workspaceWithHistory();
    await checkpoint();
    const event = await eventOf(owner.workspaceId);
    // An attacker with the owner role removes the tail and the stored signed heads (no KV store here).
    await asSuperuser('delete from audit_entry where workspace_id = $1 and seq >= 3', [owner.workspaceId]);
    await asSuperuser('delete from audit_signed_head where scope = $1', [`ws:${owner.workspaceId}`]);
    expect((await verify(owner.client, owner.workspaceId)).data).toMatchObject({ ok: true, head: null });
    const res = await verify(owner.client, owner.workspaceId, JSON.stringify(event));
    expect(res.data?.ok).toBe(false);
    expect(res.data?.head).toMatchObject({ source: 'pasted', seq: 5 });
    expect(res.data?.problems).toContainEqual(expect.objectContaining({ seq: 3, problem: 'tail_deleted' }));
  });

  it('refuses forged, foreign and malformed pasted checkpoints', async () => {
    const owner = await workspaceWithHistory();
    const other = await workspaceWithHistory();
    await checkpoint();
    const event = await eventOf(owner.workspaceId);
    const forged = JSON.stringify({ ...event, seq: 3 });
    const bad = async (pasted: string) =>
      (await verify(owner.client, owner.workspaceId, pasted)).data?.problems.map((p) => p.problem);
    expect(await bad(forged)).toEqual(['checkpoint_invalid']);
    expect(await bad(JSON.stringify(await eventOf(other.workspaceId)))).toEqual(['checkpoint_invalid']);
    expect(await bad('not json')).toEqual(['checkpoint_invalid']);
    expect((await verify(owner.client, owner.workspaceId, JSON.stringify(event))).data?.ok).toBe(true);
  });

  it('keeps the latest head in the KV store, which verify reads', async () => {
    const owner = await workspaceWithHistory();
    const kv = new MemoryKvStore();
    await checkpoint(kv);
    const stored = JSON.parse(String(await kv.get(auditHeadKvKey(`ws:${owner.workspaceId}`))));
    expect(stored).toMatchObject({ seq: 5 });
    await asSuperuser('delete from audit_entry where workspace_id = $1 and seq = 5', [owner.workspaceId]);
    await asSuperuser('delete from audit_signed_head where scope = $1', [`ws:${owner.workspaceId}`]);
    const result = await verifyAuditChain(h.orm.em.fork(), `ws:${owner.workspaceId}`, {
      verifier: signer(),
      kv,
    });
    expect(result.head).toMatchObject({ source: 'kv', seq: 5 });
    expect(result.problems).toContainEqual(expect.objectContaining({ seq: 5, problem: 'tail_deleted' }));
  });

  it('mails owners a digest with the signed checkpoint', async () => {
    const owner = await workspaceWithHistory();
    const mails: MailMessage[] = [];
    await checkpointAuditHeads(
      {
        em: h.orm.em.fork(),
        clock: systemClock,
        signer: signer(),
        sendMail: async (m) => {
          mails.push(m);
        },
      },
      { digest: true },
    );
    const mine = mails.filter((m) => m.to === owner.email);
    expect(mine).toHaveLength(1);
    const pasted = mine[0]?.text.split('\n').find((line) => line.startsWith('{"scope"')) ?? '';
    expect(JSON.parse(pasted)).toMatchObject({ scope: `ws:${owner.workspaceId}`, seq: 5 });
    expect((await verify(owner.client, owner.workspaceId, pasted)).data?.ok).toBe(true);
  });

  it('flags signed heads the application role forged into the table, and keeps using the real one', async () => {
    const owner = await workspaceWithHistory();
    await checkpoint();
    const scope = `ws:${owner.workspaceId}`;
    const real = signer();
    // The application role may INSERT (it cannot sign): a fake newer head to hide the real one.
    await h.orm.em
      .fork()
      .getConnection()
      .execute(
        `insert into audit_signed_head (id, scope, seq, hash, signed_at, key_id, signature, created_at)
           values (gen_random_uuid(), ?, 99, ?, now(), ?, 'Zm9yZ2Vk', now())`,
        [scope, '0'.repeat(64), real.keyId],
      );
    const res = await verify(owner.client, owner.workspaceId);
    expect(res.data?.head).toMatchObject({ source: 'database', seq: 5 });
    expect(res.data?.problems).toEqual([
      expect.objectContaining({
        problem: 'checkpoint_invalid',
        detail: expect.stringMatching(/1 stored signed head/),
      }),
    ]);
  });

  it('hourly runs sign chains written to lately; the daily full run signs quiet ones too', async () => {
    h.clock.advance(-10 * 3_600_000);
    let quiet: Awaited<ReturnType<typeof workspaceWithHistory>>;
    try {
      quiet = await workspaceWithHistory();
    } finally {
      h.clock.advance(10 * 3_600_000);
    }
    const scope = `ws:${quiet.workspaceId}`;
    const signedRows = async () =>
      (
        await h.orm.em
          .fork()
          .getConnection()
          .execute('select count(*)::int as n from audit_signed_head where scope = ?', [scope])
      )[0]?.n;
    await checkpoint();
    expect(await signedRows()).toBe(0);
    await checkpointAuditHeads({ em: h.orm.em.fork(), clock: systemClock, signer: signer() }, { full: true });
    expect(await signedRows()).toBe(1);
  });

  // Last in the file: it empties audit_entry for every workspace of this database.
  it('reports truncation (trigger disabled by a superuser) against the signed head, and the restart', async () => {
    const owner = await workspaceWithHistory();
    await checkpoint();
    await superuser(async (c) => {
      await c.query('alter table audit_entry disable trigger audit_entry_no_truncate');
      await c.query('truncate audit_entry');
      await c.query('alter table audit_entry enable trigger audit_entry_no_truncate');
    });
    const emptied = await verify(owner.client, owner.workspaceId);
    expect(emptied.data?.ok).toBe(false);
    expect(emptied.data?.problems).toContainEqual(
      expect.objectContaining({ seq: 5, problem: 'truncated', detail: expect.stringMatching(/truncated/) }),
    );
    // New entries restart at seq 1 (verify itself was audited): still reported, and not signed.
    await owner.client.mutate('workspaces.rename', { workspaceId: owner.workspaceId, name: 'After' });
    const restarted = await verify(owner.client, owner.workspaceId);
    expect(restarted.data?.problems).toContainEqual(
      expect.objectContaining({ seq: 5, problem: 'truncated', detail: expect.stringMatching(/restarted/) }),
    );
    expect((await checkpoint()).refused).toContain(`ws:${owner.workspaceId}`);
  });
});
