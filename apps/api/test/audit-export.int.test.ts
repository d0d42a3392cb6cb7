// Reading the audit log through the real API: filters by event type, user and date range, paging, and
// the CSV export with formula-looking cells neutralised.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Page, superuserOf } from './support/audit.ts';
import { addMember, Client, type Harness, newAccount, startHarness } from './support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
const superuser = superuserOf(() => h);

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

  it('the date range includes both bounds: an entry at exactly `to` is listed, one 1 ms later is not', async () => {
    const owner = await newAccount(h.app);
    for (const name of ['At the bound', 'Just after'])
      await owner.client.mutate('workspaces.rename', { workspaceId: owner.workspaceId, name });
    const renames = async (range: { from?: string; to?: string }) =>
      (
        await owner.client.query<Page & { entries: { occurredAt: string }[] }>('audit.list', {
          workspaceId: owner.workspaceId,
          eventTypes: ['workspace.renamed'],
          ...range,
        })
      ).data?.entries ?? [];
    const [later, atTo] = await renames({});
    if (!later || !atTo) throw new Error('two renames expected');
    const to = new Date(atTo.occurredAt);
    const justAfter = new Date(to.getTime() + 1).toISOString();
    // Entries are immutable for the application: only a superuser (bypassing the triggers) can place
    // the second one exactly 1 ms after the first.
    await superuser((c) =>
      c.query('update audit_entry set occurred_at = $1 where seq = $2 and workspace_id = $3', [
        justAfter,
        later.seq,
        owner.workspaceId,
      ]),
    );
    expect((await renames({ to: to.toISOString() })).map((e) => e.seq)).toEqual([atTo.seq]);
    expect((await renames({ from: to.toISOString(), to: justAfter })).map((e) => e.seq)).toEqual([
      later.seq,
      atTo.seq,
    ]);
    expect((await renames({ from: justAfter })).map((e) => e.seq)).toEqual([later.seq]);
    const inverted = await owner.client.query('audit.list', {
      workspaceId: owner.workspaceId,
      from: justAfter,
      to: to.toISOString(),
    });
    expect(inverted.error?.data.code).toBe('VALIDATION_FAILED');
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
