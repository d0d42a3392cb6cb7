// Reading the audit log through the real API: filters by event type, user and date range, paging, and
// the CSV export with formula-looking cells neutralised.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from './support/audit.ts';
import { addMember, Client, type Harness, newAccount, startHarness } from './support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
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
