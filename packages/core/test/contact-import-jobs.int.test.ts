// Contact import jobs (#30), the set-based path: a CSV staged through the shared ingest code, then
// imported chunk by chunk (COPY, one transaction per chunk). Suppressed addresses and contacts that
// unsubscribed are never subscribed; every subscribed contact has an `imported` consent event sealed
// under its own key (readable through the ledger); the report names every row not subscribed; a
// cancelled import stops; erasing a contact removes its report rows. Real PostgreSQL and a real
// pg-boss producer (the job's row is checked in its queue).
import { Readable } from 'node:stream';
import { ALL_QUEUES, type ContactImportOptions } from '@postern/contracts';
import { createLogger, createQueueClient, ensureQueues, type PgBoss } from '@postern/runtime';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONTACTS_BY_ADDRESS,
  SUBSCRIPTIONS_OF_CONTACTS,
  SUPPRESSED_BY_HASH,
} from '../src/contacts/import/chunk.ts';
import { CHUNK_SETTINGS } from '../src/contacts/import/run.ts';
import {
  addSuppressions,
  cancelContactImport,
  consentTimeline,
  createContactImport,
  createList,
  getContactImport,
  listContactImports,
  readContactImportReport,
  runContactImport,
  subscribe,
  unsubscribe,
} from '../src/contacts/index.ts';
import type { CoreContext } from '../src/context.ts';
import { contactsWorld } from './support/contacts-world.ts';
import { domainErrorOf } from './support/domain-error.ts';

const world = contactsWorld();
let ws: string;
let owner: string;
let listId: string;
let boss: PgBoss;

beforeAll(async () => {
  ({ workspaceId: ws, userId: owner } = await world.workspace());
  listId = (await createList(world.as(owner), ws, { name: 'Newsletter', doubleOptIn: true })).id;
  boss = createQueueClient({
    databaseUrl: world.w().db.url,
    role: 'producer',
    logger: createLogger({ level: 'silent', name: 'import-test' }),
  });
  await boss.start();
  await ensureQueues(boss, ALL_QUEUES);
});
afterAll(async () => {
  await boss?.stop({ graceful: false });
});

const ctx = (): CoreContext => ({ ...world.as(owner), queue: boss });

function options(over: Partial<ContactImportOptions> = {}): ContactImportOptions {
  return {
    listId,
    basis: 'consent',
    emailColumn: 'email',
    nameColumn: 'name',
    attributeColumns: { plan: 'plan', city: 'city' },
    verify: false,
    express: false,
    format: 'auto',
    encoding: 'utf-8',
    hasHeader: true,
    ...over,
  };
}

const upload = (csv: string, over: Partial<ContactImportOptions> = {}, chunkRows = 3) =>
  createContactImport(ctx(), ws, {
    source: Readable.from([Buffer.from(csv)]),
    options: options(over),
    fileName: 'people.csv',
    maxBytes: 1024 * 1024,
    maxRows: 1000,
    chunkRows,
  });

const sql = <T>(q: string, p: unknown[] = []) => world.w().sql<T>(q, p);

describe('contact import jobs', () => {
  it('imports a CSV set-based: contacts, subscriptions, sealed consent events, report and counts', async () => {
    const tag = Date.now();
    await addSuppressions(world.as(owner), ws, { emails: [`blocked${tag}@example.com`] });
    const left = await subscribe(world.as(owner), ws, {
      listId,
      contact: { email: `left${tag}@example.com` },
      evidence: { method: 'dashboard' },
    });
    await unsubscribe(world.as(owner), ws, { contactId: left.contact.id, listId, method: 'dashboard' });
    const csv = [
      'Email,Name,Plan,City',
      `ana${tag}@example.com,Ana,pro,Lyon`,
      `bob${tag}@example.com,Bob,,`,
      'not-an-address,Nobody,free,Paris',
      `ANA${tag}@Example.com,Ana again,pro,Lyon`,
      `blocked${tag}@example.com,Blocked,free,Nice`,
      `left${tag}@example.com,Left,free,Nice`,
      `carl${tag}@example.com,Carl,team,Oslo`,
    ].join('\n');
    const { importId } = await upload(csv);
    const queued = await getContactImport(ctx(), ws, importId);
    expect(queued.status).toBe('queued');
    expect(queued.counts.rows).toBe(7);
    const [job] = await sql<{ n: number }>(
      `select count(*)::int as n from pgboss.job where name = 'contacts.import' and data->>'importId' = ?`,
      [importId],
    );
    expect(job?.n).toBe(1);

    expect(await runContactImport(ctx(), importId)).toBe('completed');
    const done = await getContactImport(ctx(), ws, importId);
    expect(done).toMatchObject({ status: 'completed', percent: 100 });
    expect(done.counts).toMatchObject({ rows: 7, processed: 7, imported: 3, skipped: 4, rejected: 0 });
    expect(done.counts.byReason).toEqual({
      invalid_address: 1,
      duplicate_in_import: 1,
      suppressed: 1,
      unsubscribed: 1,
    });
    const report = await readContactImportReport(ctx(), ws, importId, { after: 0, limit: 50 });
    expect(report.items.map((r) => [r.row, r.reason])).toEqual([
      [4, 'invalid_address'],
      [5, 'duplicate_in_import'],
      [6, 'suppressed'],
      [7, 'unsubscribed'],
    ]);
    // The suppressed address and the unsubscribed contact are not subscribed; the others are, active.
    const subs = await sql<{ email: string; status: string; name: string | null; attributes: object }>(
      `select c.email, s.status, c.name, c.attributes from subscription s join contact c on c.id = s.contact_id
        where s.list_id = ? order by c.email`,
      [listId],
    );
    expect(subs.filter((s) => s.email.startsWith('blocked'))).toEqual([]);
    expect(subs.find((s) => s.email.startsWith('left'))?.status).toBe('unsubscribed');
    const ana = subs.find((s) => s.email === `ana${tag}@example.com`);
    expect(ana).toMatchObject({ status: 'active', name: 'Ana', attributes: { plan: 'pro', city: 'Lyon' } });
    const [anaId] = await sql<{ id: string }>('select id from contact where email = ?', [
      `ana${tag}@example.com`,
    ]);
    const timeline = await consentTimeline(ctx(), ws, anaId?.id as string);
    expect(timeline).toHaveLength(1);
    expect(timeline[0]).toMatchObject({
      type: 'imported',
      method: 'import',
      basis: 'consent',
      email: `ana${tag}@example.com`,
      source: 'people.csv',
      actorType: 'user',
      actorId: owner,
    });
    // Staged chunks are gone with their commits.
    const [chunks] = await sql<{ n: number }>(
      'select count(*)::int as n from contact_import_chunk where import_id = ?',
      [importId],
    );
    expect(chunks?.n).toBe(0);
    // A second run finds nothing to do (the job was done exactly once).
    expect(await runContactImport(ctx(), importId)).toBeNull();
    const audit = await world.w().audited({ eventType: 'contact.imported', workspaceId: ws });
    expect(audit.map((a) => (a.metadata as { phase?: string }).phase)).toEqual(
      expect.arrayContaining(['started', 'completed']),
    );
  });

  it('re-importing reports the subscribed as already subscribed and imports nothing twice', async () => {
    const tag = `${Date.now()}r`;
    const csv = `email,name\nre${tag}@example.com,Re\n`;
    const first = await upload(csv, { attributeColumns: {} });
    await runContactImport(ctx(), first.importId);
    const second = await upload(csv, { attributeColumns: {} });
    await runContactImport(ctx(), second.importId);
    const done = await getContactImport(ctx(), ws, second.importId);
    expect(done.counts).toMatchObject({ imported: 0, skipped: 1, byReason: { already_subscribed: 1 } });
    const [events] = await sql<{ n: number }>(
      `select count(*)::int as n from consent_event e join contact c on c.id = e.contact_id where c.email = ?`,
      [`re${tag}@example.com`],
    );
    expect(events?.n).toBe(1);
  });

  it('requires a mapping that fits the header and leaves nothing behind when it does not', async () => {
    const before = await sql<{ n: number }>('select count(*)::int as n from contact_import');
    const error = await domainErrorOf(upload('mail,name\na@example.com,A\n'));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(/emailColumn/);
    const after = await sql<{ n: number }>('select count(*)::int as n from contact_import');
    expect(after[0]?.n).toBe(before[0]?.n);
  });

  it('refuses a list of another workspace as not found', async () => {
    const other = await world.workspace();
    const foreign = (await createList(world.as(other.userId), other.workspaceId, { name: 'Theirs' })).id;
    const error = await domainErrorOf(upload('email\na@example.com\n', { listId: foreign }));
    expect(error.code).toBe('NOT_FOUND');
    // …and another workspace cannot read this workspace's imports.
    const mine = await listContactImports(ctx(), ws, { limit: 1 });
    const id = mine.items[0]?.id as string;
    expect((await domainErrorOf(getContactImport(ctx(), other.workspaceId, id))).code).toBe('NOT_FOUND');
  });

  it('stops a cancelled import at the next chunk; what was imported stays', async () => {
    const tag = `${Date.now()}c`;
    const rows = Array.from({ length: 6 }, (_, i) => `c${i}${tag}@example.com`);
    const { importId } = await upload(
      `email\n${rows.join('\n')}\n`,
      { attributeColumns: {}, nameColumn: null },
      2,
    );
    await cancelContactImport(ctx(), ws, importId);
    expect(await runContactImport(ctx(), importId)).toBeNull();
    const done = await getContactImport(ctx(), ws, importId);
    expect(done.status).toBe('cancelled');
    expect(done.counts.imported).toBe(0);
    expect((await domainErrorOf(cancelContactImport(ctx(), ws, importId))).code).toBe('CONFLICT');
  });

  it('writes backslashes and quotes through COPY exactly as uploaded', async () => {
    const tag = `${Date.now()}q`;
    const csv = `email,name,plan,city\nq${tag}@example.com,"Back\\slash ""Q""",a\\tb,\\N\n`;
    const { importId } = await upload(csv);
    expect(await runContactImport(ctx(), importId)).toBe('completed');
    const [row] = await sql<{ name: string; attributes: Record<string, string> }>(
      'select name, attributes from contact where email = ?',
      [`q${tag}@example.com`],
    );
    expect(row).toEqual({ name: 'Back\\slash "Q"', attributes: { plan: 'a\\tb', city: '\\N' } });
  });

  it('rolls back the chunk being written when the import is cancelled meanwhile, without a deadlock', async () => {
    const tag = `${Date.now()}m`;
    const known = `known${tag}@example.com`;
    const first = await upload(`email\n${known}\n`, { attributeColumns: {}, nameColumn: null });
    expect(await runContactImport(ctx(), first.importId)).toBe('completed');
    // Another transaction holds the known contact's subscription: the chunk's transaction waits there,
    // after it claimed its chunk and before it moves the counters.
    const blocker = new pg.Client({ connectionString: world.w().db.url });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query(
        `select 1 from subscription s join contact c on c.id = s.contact_id where c.email = $1 for update of s`,
        [known],
      );
      const { importId } = await upload(
        `email\n${known}\nfresh${tag}@example.com\n`,
        { attributeColumns: {}, nameColumn: null },
        10,
      );
      const run = runContactImport(ctx(), importId);
      let waiting = false;
      for (let i = 0; i < 400 && !waiting; i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        await blocker.query('select pg_stat_clear_snapshot()');
        const { rows } = await blocker.query(
          `select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like 'select s.contact_id, s.status from unnest%'`,
        );
        waiting = rows[0]?.n === 1;
      }
      expect(waiting).toBe(true);
      expect((await cancelContactImport(ctx(), ws, importId)).status).toBe('cancelled');
      await blocker.query('commit');
      expect(await run).toBe('cancelled');
      const done = await getContactImport(ctx(), ws, importId);
      expect(done.counts).toMatchObject({ processed: 0, imported: 0 });
      expect(await sql('select id from contact where email = ?', [`fresh${tag}@example.com`])).toEqual([]);
      expect(await sql('select id from contact_import_chunk where import_id = ?', [importId])).toEqual([]);
    } finally {
      await blocker.end();
    }
  });

  it('resumes a running import (its worker died) at the first chunk not committed', async () => {
    const tag = `${Date.now()}s`;
    const rows = Array.from({ length: 6 }, (_, i) => `s${i}${tag}@example.com`);
    const { importId } = await upload(
      `email\n${rows.join('\n')}\n`,
      { attributeColumns: {}, nameColumn: null },
      2,
    );
    // As after a crash: the job was running and its first chunk had been committed (and removed).
    await world.w().tamper(`update contact_import set status = 'running' where id = '${importId}'`);
    await world.w().tamper(`delete from contact_import_chunk where import_id = '${importId}' and seq = 1`);
    expect(await runContactImport(ctx(), importId)).toBe('completed');
    const done = await getContactImport(ctx(), ws, importId);
    expect(done.counts).toMatchObject({ processed: 4, imported: 4 });
    const imported = await sql<{ email: string }>(
      `select c.email from contact c join subscription s on s.contact_id = c.id where c.email like ? order by c.email`,
      [`%${tag}@example.com`],
    );
    expect(imported.map((r) => r.email)).toEqual(rows.slice(2).sort());
  });

  it("removes a report's rows when the contact they name is deleted (erasure)", async () => {
    const tag = `${Date.now()}e`;
    const csv = `email\nerase${tag}@example.com\n`;
    const first = await upload(csv, { attributeColumns: {}, nameColumn: null });
    await runContactImport(ctx(), first.importId);
    const second = await upload(csv, { attributeColumns: {}, nameColumn: null });
    await runContactImport(ctx(), second.importId);
    const page = await readContactImportReport(ctx(), ws, second.importId, { after: 0, limit: 10 });
    expect(page.items).toHaveLength(1);
    await sql('delete from contact where email = ?', [`erase${tag}@example.com`]);
    const after = await readContactImportReport(ctx(), ws, second.importId, { after: 0, limit: 10 });
    expect(after.items).toEqual([]);
  });

  it('looks a chunk up by its unique indexes whatever the statistics say (no scan growing with the table)', async () => {
    // A workspace with thousands of contacts the planner has no statistics for (autoanalyze lags a
    // large import): `= any($array)` picked the (workspace_id, created_at) index and filtered them all.
    const { workspaceId: other, userId } = await world.workspace();
    const list = (await createList(world.as(userId), other, { name: 'Big', doubleOptIn: false })).id;
    await sql(
      `insert into contact (id, workspace_id, email, email_normalized, attributes, created_at, updated_at)
         select gen_random_uuid(), ?, 'big' || i || '@example.com', 'big' || i || '@example.com', '{}', now(), now()
           from generate_series(1, 20000) i`,
      [other],
    );
    await sql(
      `insert into subscription (id, workspace_id, contact_id, list_id, status, express, created_at, updated_at)
         select gen_random_uuid(), workspace_id, id, ?, 'active', false, now(), now() from contact where workspace_id = ?`,
      [list, other],
    );
    const ids = (
      await sql<{ id: string }>('select id from contact where workspace_id = ? limit 500', [other])
    ).map((r) => r.id);
    const addresses = Array.from({ length: 500 }, (_, i) => `big${i * 7}@example.com`);
    const db = new pg.Client({ connectionString: world.w().db.url });
    await db.connect();
    const plan = async (text: string, params: unknown[]) => {
      const { rows } = await db.query<{ 'QUERY PLAN': unknown }>(`explain (format json) ${text}`, params);
      return JSON.stringify(rows[0]?.['QUERY PLAN']);
    };
    try {
      await db.query(`begin; ${CHUNK_SETTINGS}`);
      const contacts = await plan(CONTACTS_BY_ADDRESS, [other, addresses]);
      expect(contacts).toContain('contact_workspace_id_email_normalized_unique');
      expect(contacts).not.toContain('contact_workspace_id_created_at_index');
      const subs = await plan(SUBSCRIPTIONS_OF_CONTACTS, [list, ids]);
      expect(subs).toContain('subscription_contact_id_list_id_unique');
      expect(subs).not.toContain('subscription_list_id_status_index');
      const suppressed = await plan(SUPPRESSED_BY_HASH, [other, addresses]);
      expect(suppressed).toContain('suppression_workspace_id_address_hash_unique');
      expect(suppressed).not.toContain('suppression_workspace_id_created_at_index');
      // And the lookup finds what it should.
      const { rows } = await db.query(CONTACTS_BY_ADDRESS, [
        other,
        ['big7@example.com', 'nobody@example.com'],
      ]);
      expect(rows.map((r) => r.email_normalized)).toEqual(['big7@example.com']);
    } finally {
      await db.query('rollback').catch(() => undefined);
      await db.end();
    }
  });

  it('refuses the rest of an upload cancelled while it streams, leaving no staged chunk behind', async () => {
    const tag = `${Date.now()}u`;
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    async function* file() {
      yield Buffer.from('email\n');
      // Past what the format sniffer reads ahead, so chunks are staged before the hold.
      for (let i = 0; i < 8000; i += 500)
        yield Buffer.from(Array.from({ length: 500 }, (_, j) => `u${i + j}${tag}@example.com\n`).join(''));
      await held;
      yield Buffer.from(`late${tag}@example.com\n`);
    }
    const uploading = createContactImport(ctx(), ws, {
      source: Readable.from(file()),
      options: options({ attributeColumns: {}, nameColumn: null }),
      fileName: 'slow.csv',
      maxBytes: 1024 * 1024,
      maxRows: 10_000,
      chunkRows: 1000,
    });
    const outcome = domainErrorOf(uploading);
    let importId: string | undefined;
    for (let i = 0; i < 200 && !importId; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      const [row] = await sql<{ id: string }>(
        `select i.id from contact_import i where i.workspace_id = ? and i.status = 'uploading'
            and (select count(*) from contact_import_chunk c where c.import_id = i.id) >= 2`,
        [ws],
      );
      importId = row?.id;
    }
    expect(importId).toBeDefined();
    expect((await cancelContactImport(ctx(), ws, importId as string)).status).toBe('cancelled');
    release();
    expect((await outcome).code).toBe('CONFLICT');
    expect(await sql('select id from contact_import_chunk where import_id = ?', [importId])).toEqual([]);
    expect((await getContactImport(ctx(), ws, importId as string)).status).toBe('cancelled');
  });
});
