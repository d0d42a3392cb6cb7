// The audit log's write path, reading, export and retention in-process, with what mutation testing
// (issue #25, `pnpm mutation --mutate 'packages/core/src/audit/**'`) needs pinned: the scope and every
// field of an entry, each filter and its inclusive bounds, keyset pages and their last cursor, the
// export files (name, type, columns, the export's own entry), and retention: its 90-day floor, the
// boundary, the checkpoint a cut scope gets, and which signed heads go. Real PostgreSQL, manual clock.
import { randomUUID } from 'node:crypto';
import { AuditEntry } from '@postern/db';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_RETENTION_MIN_DAYS, purgeAuditLog } from '../src/audit/purge.ts';
import { EXPORT_MAX_ROWS, exportAudit, listAudit } from '../src/audit/query.ts';
import { auditApiKey, auditChanges, auditScope, recordAudit } from '../src/audit/record.ts';
import { ensureAuditSealing, openAuditEntries } from '../src/audit/sealing.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { coreWorld } from './support/auth-context.ts';

const world = coreWorld();
// Plain forks below: their flushes seal like a context's (coreContext wires the same subscriber).
beforeAll(() => ensureAuditSealing(world().orm.em, world().services.keyring));
/** Entries as readers see them: personal data opened (chain version 2 seals it). */
const opened = async (list: AuditEntry[]) => {
  const data = await openAuditEntries(world().orm.em.fork(), world().services.keyring, list);
  return list.map((e) => ({ ...e, ...data.get(e.id) }));
};
const DAY = 86_400_000;
const META = { ip: '192.0.2.10', userAgent: `agent ${'z'.repeat(600)}` };

const entries = (where: Record<string, unknown>) =>
  world()
    .orm.em.fork()
    .find(AuditEntry, where, { orderBy: { seq: 'asc' } });

/** Records `types` in the workspace one minute apart (the clock moves), by `actorId`. */
async function history(workspaceId: string, actorId: string | null, types: string[]) {
  const w = world();
  for (const type of types) {
    const em = w.orm.em.fork();
    recordAudit(em, w.clock, { type: type as never, actorId, workspaceId, meta: META, metadata: { type } });
    await em.flush();
    w.clock.advance(60_000);
  }
}

// First in the file: retention is global, and later tests write entries that would be purgeable.
describe('purgeAuditLog', () => {
  it("deletes signed heads past the period, except each scope's newest", async () => {
    const w = world();
    const now = new Date();
    const [a, b] = [`test:${randomUUID()}`, `test:${randomUUID()}`];
    const head = (scope: string, seq: number, daysAgo: number) =>
      w.sql(
        `insert into audit_signed_head (id, scope, seq, hash, signed_at, key_id, signature, created_at)
           values (gen_random_uuid(), ?, ?, repeat('a', 64), ?, 'k', 's', now())`,
        [scope, seq, new Date(now.getTime() - daysAgo * DAY)],
      );
    await head(a, 1, 200);
    await head(a, 2, 100);
    await head(a, 3, 95);
    await head(a, 4, 10);
    await head(b, 1, 150);
    await head(b, 2, 120);
    expect(await purgeAuditLog(w.orm.em.fork(), now, 90)).toBe(0);
    const left = await w.sql<{ scope: string; seq: string }>(
      'select scope, seq from audit_signed_head where scope in (?, ?) order by scope = ? desc, seq',
      [a, b, a],
    );
    expect(left.map((r) => [r.scope, Number(r.seq)])).toEqual([
      [a, 4],
      [b, 2],
    ]);
  });

  it('deletes entries older than the retention period (at least 90 days), leaving a checkpoint per cut scope', async () => {
    const w = world();
    const now = new Date();
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    try {
      w.clock.ms = now.getTime() - 200 * DAY;
      await history(a, null, ['workspace.renamed', 'workspace.renamed']);
      await history(b, null, ['workspace.renamed']);
      w.clock.ms = now.getTime() - 100 * DAY;
      await history(a, null, ['member.invited']);
      // Exactly 90 days old (a minute younger for c: history moves the clock).
      w.clock.ms = now.getTime() - 90 * DAY;
      await history(a, null, ['member.removed']);
      await history(c, null, ['member.removed']);
      w.clock.ms = now.getTime() - 89 * DAY;
      await history(a, null, ['workspace.renamed']);
    } finally {
      w.clock.ms = now.getTime();
    }
    expect(AUDIT_RETENTION_MIN_DAYS).toBe(90);

    // 120 days: only what is older goes.
    expect(await purgeAuditLog(w.orm.em.fork(), now, 120)).toBe(3);
    expect((await entries({ workspaceId: a })).map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(await entries({ workspaceId: b })).toEqual([]);
    // 30 days is raised to 90; the entry at exactly 90 days stays.
    expect(await purgeAuditLog(w.orm.em.fork(), now, 30)).toBe(1);
    expect((await entries({ workspaceId: a })).map((e) => e.seq)).toEqual([4, 5]);
    expect((await entries({ workspaceId: c })).map((e) => e.seq)).toEqual([1]);

    const checkpoints = await w.sql<{ scope: string; seq: string; hash: string; purged_entries: number }>(
      'select scope, seq, hash, purged_entries from audit_checkpoint where scope in (?, ?) order by seq',
      [`ws:${a}`, `ws:${b}`],
    );
    expect(checkpoints.map((k) => [k.scope, Number(k.seq), k.purged_entries])).toEqual([
      [`ws:${b}`, 1, 1],
      [`ws:${a}`, 2, 2],
      [`ws:${a}`, 3, 1],
    ]);
    const verified = await verifyAuditChain(w.ctx(), `ws:${a}`);
    expect([verified.ok, verified.entriesChecked, verified.checkpoint?.seq]).toEqual([true, 2, 3]);
  });
});

describe('recordAudit', () => {
  it('joins the chain of the workspace, else of the account, else of the system', () => {
    expect(auditScope('w1', 'u1')).toBe('ws:w1');
    expect(auditScope(null, 'u1')).toBe('user:u1');
    expect(auditScope('', 'u1')).toBe('user:u1');
    expect(auditScope(undefined, null)).toBe('system');
  });

  it('writes every field with the change that caused it, the agent cut at 512 characters', async () => {
    const w = world();
    const workspaceId = randomUUID();
    const user = await w.user();
    const em = w.orm.em.fork();
    recordAudit(em, w.clock, {
      type: 'workspace.renamed',
      actorId: user.id,
      workspaceId,
      target: { type: 'workspace', id: workspaceId },
      meta: META,
      metadata: { to: 'New' },
    });
    recordAudit(em, w.clock, {
      type: 'auth.login_succeeded',
      actorId: user.id,
      meta: { ip: null, userAgent: null },
    });
    await em.flush();
    const [stored] = await entries({ workspaceId });
    // Stored: version 2, sealed under the actor's key; nothing personal in clear.
    expect(stored).toMatchObject({
      chainVersion: 2,
      subjectId: user.id,
      ip: null,
      userAgent: null,
      metadata: null,
    });
    expect(stored?.sealed).toMatch(new RegExp(`^\\{"user:${user.id}":"s1\\.`));
    const [ws] = await opened(stored ? [stored] : []);
    expect(ws).toMatchObject({
      scope: `ws:${workspaceId}`,
      seq: 1,
      prevHash: null,
      occurredAt: w.clock.now(),
      eventType: 'workspace.renamed',
      actorId: user.id,
      targetType: 'workspace',
      targetId: workspaceId,
      ip: META.ip,
      userAgent: META.userAgent.slice(0, 512),
      metadata: { to: 'New' },
    });
    const [account] = await entries({ scope: `user:${user.id}` });
    expect(account).toMatchObject({
      workspaceId: null,
      targetType: null,
      targetId: null,
      ip: null,
      userAgent: null,
      metadata: null,
      chainVersion: 2,
      subjectId: null,
      sealed: null,
    });
  });
});

describe('what an entry keeps', () => {
  it("the target's label and the acting key in the metadata; an empty metadata stays empty", async () => {
    const w = world();
    const workspaceId = randomUUID();
    const em = w.orm.em.fork();
    const key = auditApiKey({ actor: { kind: 'api_key', keyId: 'k1', workspaceId, name: 'CI' } });
    expect(key).toEqual({ apiKey: { id: 'k1', name: 'CI' } });
    expect(auditApiKey({ actor: { kind: 'api_key', keyId: 'k2', workspaceId } })).toEqual({
      apiKey: { id: 'k2', name: null },
    });
    expect(auditApiKey({ actor: { kind: 'user', userId: 'u' } })).toEqual({});
    expect(auditApiKey({ actor: null })).toEqual({});
    const meta = { ip: null, userAgent: null };
    const target = { type: 'webhook', id: 'h1', label: 'Hook' };
    recordAudit(em, w.clock, {
      type: 'workspace.renamed',
      actorId: null,
      workspaceId,
      target,
      meta,
      metadata: { a: 1 },
      ...key,
    });
    recordAudit(em, w.clock, { type: 'workspace.renamed', actorId: null, workspaceId, meta, metadata: {} });
    await em.flush();
    const stored = await entries({ workspaceId });
    // The label is sealed (labels may name people), under the workspace's key: no person acted.
    expect(stored.map((e) => [e.metadata, e.subjectId])).toEqual([
      [{ a: 1, apiKeyId: 'k1', apiKeyName: 'CI' }, workspaceId],
      [{}, null],
    ]);
    expect((await opened(stored)).map((e) => e.metadata)).toEqual([
      { a: 1, targetLabel: 'Hook', apiKeyId: 'k1', apiKeyName: 'CI' },
      {},
    ]);
    expect(
      auditChanges(['name', 'role'], { name: 'A', role: 'admin', x: 1 }, { name: 'B', role: 'admin' }),
    ).toEqual({
      from: { name: 'A', role: 'admin' },
      to: { name: 'B', role: 'admin' },
    });
  });
});

describe('listAudit', () => {
  it('filters by event types, actor and an inclusive date range, newest first, in keyset pages', async () => {
    const w = world();
    const workspaceId = randomUUID();
    const alice = await w.user();
    const bob = await w.user();
    const start = w.clock.now();
    await history(workspaceId, alice.id, ['workspace.renamed', 'member.invited', 'workspace.renamed']);
    await history(workspaceId, bob.id, ['workspace.renamed', 'member.removed']);
    await history(workspaceId, null, ['workspace.renamed']);
    await history(randomUUID(), alice.id, ['workspace.renamed']);
    const list = async (filter: Record<string, unknown>, limit = 50) =>
      (await listAudit(w.ctx(), workspaceId, { limit, ...filter })).entries.map((e) => e.seq);
    expect(await list({})).toEqual([6, 5, 4, 3, 2, 1]);
    expect(await list({ eventTypes: [] })).toEqual([6, 5, 4, 3, 2, 1]);
    expect(await list({ eventTypes: ['workspace.renamed'] })).toEqual([6, 4, 3, 1]);
    expect(await list({ eventTypes: ['member.invited', 'member.removed'] })).toEqual([5, 2]);
    expect(await list({ actorId: bob.id })).toEqual([5, 4]);
    const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000).toISOString();
    expect(await list({ from: at(2) })).toEqual([6, 5, 4, 3]);
    expect(await list({ to: at(2) })).toEqual([3, 2, 1]);
    expect(await list({ from: at(1), to: at(3) })).toEqual([4, 3, 2]);
    expect(
      await list({ from: at(1), to: at(3), actorId: alice.id, eventTypes: ['workspace.renamed'] }),
    ).toEqual([3]);

    const first = await listAudit(w.ctx(), workspaceId, { limit: 4 });
    expect([first.entries.map((e) => e.seq), first.nextCursor]).toEqual([[6, 5, 4, 3], 3]);
    const second = await listAudit(w.ctx(), workspaceId, { limit: 2, cursor: 3 });
    expect([second.entries.map((e) => e.seq), second.nextCursor]).toEqual([[2, 1], null]);
    const exact = await listAudit(w.ctx(), workspaceId, { limit: 6 });
    expect([exact.entries.length, exact.nextCursor]).toEqual([6, null]);
  });

  it("shows each entry's fields and its actor's address (none for the system)", async () => {
    const w = world();
    const workspaceId = randomUUID();
    const alice = await w.user();
    await history(workspaceId, alice.id, ['workspace.renamed']);
    await history(workspaceId, null, ['member.removed']);
    const [stored] = await entries({ workspaceId, seq: 1 });
    const { entries: page } = await listAudit(w.ctx(), workspaceId, { limit: 10 });
    expect(page[1]).toMatchObject({
      id: stored?.id,
      seq: 1,
      occurredAt: stored?.occurredAt.toISOString(),
      eventType: 'workspace.renamed',
      actorId: alice.id,
      actorEmail: alice.email,
      targetType: null,
      targetId: null,
      ip: META.ip,
      userAgent: META.userAgent.slice(0, 512),
      metadata: { type: 'workspace.renamed' },
      hash: stored?.hash,
    });
    expect(page[0]).toMatchObject({
      seq: 2,
      actorType: 'system',
      actorId: null,
      actorEmail: null,
      actorLabel: 'System',
    });
    expect(page[1]).toMatchObject({ actorType: 'user', targetLabel: null });
    // An entry about an object, named when it was written.
    const em = w.orm.em.fork();
    const target = { type: 'member', id: alice.id, label: 'Alice' };
    recordAudit(em, w.clock, { type: 'member.removed', actorId: null, workspaceId, target, meta: META });
    await em.flush();
    const [about] = (await listAudit(w.ctx(), workspaceId, { limit: 1 })).entries;
    expect(about).toMatchObject({ targetType: 'member', targetId: alice.id, targetLabel: 'Alice' });
  });
});

describe('exportAudit', () => {
  it('JSON: the filtered entries oldest first, named by date; the export is audited with its figures', async () => {
    const w = world();
    const workspaceId = randomUUID();
    const alice = await w.user();
    await history(workspaceId, alice.id, ['workspace.renamed', 'member.invited', 'workspace.renamed']);
    const ctx = { ...w.ctx(META), actor: { kind: 'user', userId: alice.id } as const };
    const filter = { eventTypes: ['workspace.renamed'] };
    const file = await exportAudit(ctx, workspaceId, filter, 'json');
    const today = new Date().toISOString().slice(0, 10);
    expect([file.filename, file.contentType, file.rows]).toEqual([
      `audit-log-${today}.json`,
      'application/json',
      2,
    ]);
    const rows = JSON.parse(file.body) as { seq: number }[];
    expect(rows.map((r) => r.seq)).toEqual([1, 3]);
    expect(file.body).toBe(JSON.stringify(rows, null, 2));
    const [exported] = await opened(await entries({ workspaceId, eventType: 'audit.exported' }));
    expect(exported).toMatchObject({
      actorId: alice.id,
      ip: META.ip,
      subjectId: alice.id,
      metadata: { format: 'json', rows: 2, filter },
    });
    expect(EXPORT_MAX_ROWS).toBe(50_000);
  });

  it('CSV: a header of the columns, empty cells for nothing, objects as JSON', async () => {
    const w = world();
    const workspaceId = randomUUID();
    await history(workspaceId, null, ['member.removed']);
    const file = await exportAudit(w.ctx(), workspaceId, {}, 'csv');
    const [stored] = await entries({ workspaceId, seq: 1 });
    expect([file.filename.endsWith('.csv'), file.contentType, file.rows]).toEqual([true, 'text/csv', 1]);
    const [header = '', line = '', end] = file.body.split('\n');
    expect(end).toBe('');
    // Read by column name (no cell here holds a comma): the columns may grow, these keep their cells.
    const cells = new Map(header.split(',').map((column, i) => [column, line.split(',')[i]]));
    expect(Object.fromEntries(cells)).toMatchObject({
      seq: '1',
      occurredAt: stored?.occurredAt.toISOString(),
      eventType: 'member.removed',
      actorEmail: '',
      actorId: '',
      targetType: '',
      targetId: '',
      ip: META.ip,
      userAgent: META.userAgent.slice(0, 512),
      metadata: '"{""type"":""member.removed""}"',
      hash: stored?.hash,
    });
    const [exported] = await entries({ workspaceId, eventType: 'audit.exported' });
    expect(exported).toMatchObject({ actorId: null, metadata: { format: 'csv', rows: 1, filter: {} } });
  });
});
