// The audit log's CSV export against real PostgreSQL: cells a spreadsheet would run as formulas,
// full-width signs (＝＋－＠) included, come out with a leading apostrophe (csv-stringify's
// escape_formulas); the API's test (apps/api/test/audit-export) cannot send those in a header.
import { randomBytes } from 'node:crypto';
import { createOrm, type MikroORM, Workspace } from '@postern/db';
import { createTestDatabase, type TestDatabase } from '@postern/db/testing';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createKeyring,
  ensureAuditSealing,
  exportAudit,
  NO_REQUEST_META,
  recordAudit,
  systemClock,
} from '../src/index.ts';

let db: TestDatabase;
let orm: MikroORM;
const keyring = createKeyring([{ id: 't', key: randomBytes(32) }]);

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await createOrm({ databaseUrl: db.url, poolMax: 2 });
  ensureAuditSealing(orm.em, keyring);
});

afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

describe('exportAudit (CSV)', () => {
  it('neutralises ASCII and full-width formula signs, and audits the export', async () => {
    const agents = ['＝HYPERLINK("http://evil.example")', '＋1', '－1', '＠cmd', '=1', 'Mozilla/5.0'];
    const em = orm.em.fork();
    // A workspace written in the same flush: its key (sealing its entries' agents) is made with it.
    const workspaceId = em.create(Workspace, { name: 'Formulas' }).id;
    for (const userAgent of agents)
      recordAudit(em, systemClock, {
        type: 'workspace.renamed',
        actorId: null,
        workspaceId,
        meta: { ip: null, userAgent },
      });
    await em.flush();
    const ctx = { em: orm.em.fork(), clock: systemClock, actor: null, meta: NO_REQUEST_META, keyring };
    const file = await exportAudit(ctx, workspaceId, { eventTypes: ['workspace.renamed'] }, 'csv');
    const records = parse(file.body, { columns: true }) as Record<string, string>[];
    expect(records.map((r) => r.userAgent)).toEqual([
      '\'＝HYPERLINK("http://evil.example")',
      "'＋1",
      "'－1",
      "'＠cmd",
      "'=1",
      'Mozilla/5.0',
    ]);
    const exported = await exportAudit(ctx, workspaceId, { eventTypes: ['audit.exported'] }, 'json');
    expect(JSON.parse(exported.body)).toMatchObject([
      { eventType: 'audit.exported', metadata: { format: 'csv', rows: agents.length } },
    ]);
  });
});
