// The worker's contacts.import job (#30) through the real runner: an import queued by the upload code
// (its job inserted with it in one transaction) is run chunk by chunk to `completed`; an import whose
// staged rows cannot be opened fails with a message for a person, and nothing of it is subscribed.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { coreContext, createContactImport, createKeyring, createList, getContactImport } from '@postern/core';
import { execute, Membership, User, Workspace } from '@postern/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContactImportJob } from '../src/jobs/contact-import.ts';
import { startTestRunner, type TestRunner } from './support/runner.ts';

let runner: TestRunner;
let workspaceId: string;
let userId: string;

beforeAll(async () => {
  runner = await startTestRunner({
    handlers: [
      createContactImportJob(() => {
        throw new Error('no verification in this test');
      }),
    ],
  });
  const em = runner.orm.em.fork();
  const user = em.create(User, {
    email: `owner-${Date.now()}@example.test`,
    emailVerifiedAt: new Date(),
    passwordHash: 'x',
    passwordChangedAt: null,
    totpSecret: null,
    totpEnabledAt: null,
    totpLastStep: null,
  });
  const ws = em.create(Workspace, { name: 'Imports', plan: 'starter' });
  em.create(Membership, { workspaceId: ws.id, userId: user.id, role: 'owner' });
  await em.flush();
  workspaceId = ws.id;
  userId = user.id;
});

afterAll(async () => {
  await runner?.stop();
});

const ctx = () => coreContext(runner.services, { em: runner.orm.em.fork(), actor: { kind: 'user', userId } });

async function queued(csv: string, over: Partial<ReturnType<typeof ctx>> = {}) {
  const list = await createList(ctx(), workspaceId, { name: `L${Date.now()}`, doubleOptIn: false });
  const created = await createContactImport({ ...ctx(), ...over }, workspaceId, {
    source: Readable.from([Buffer.from(csv)]),
    options: {
      listId: list.id,
      basis: 'legitimate_interest',
      emailColumn: 'email',
      nameColumn: null,
      attributeColumns: {},
      verify: false,
      express: false,
      format: 'auto',
      encoding: 'utf-8',
      hasHeader: true,
    },
    maxBytes: 1024 * 1024,
    maxRows: 1000,
    chunkRows: 2,
  });
  return { ...created, listId: list.id };
}

async function ended(importId: string) {
  for (let i = 0; i < 150; i++) {
    const dto = await getContactImport(ctx(), workspaceId, importId);
    if (['completed', 'failed', 'cancelled'].includes(dto.status)) return dto;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the import did not end');
}

describe('the contacts.import job', () => {
  it('runs a queued import to completed, chunk by chunk', async () => {
    const { importId, listId } = await queued('email\na@example.com\nb@example.com\nc@example.com\n');
    const dto = await ended(importId);
    expect(dto).toMatchObject({ status: 'completed', counts: { rows: 3, processed: 3, imported: 3 } });
    const [subs] = await execute<{ n: number }[]>(
      runner.orm.em.fork(),
      `select count(*)::int as n from subscription where list_id = ? and status = 'active'`,
      [listId],
    );
    expect(subs?.n).toBe(3);
  });

  it('fails an import whose staged rows cannot be opened, with a message and nothing subscribed', async () => {
    // Staged under another keyring (as after a lost ENCRYPTION_KEYS entry): the worker cannot open it.
    const { importId, listId } = await queued('email\nd@example.com\ne@example.com\n', {
      keyring: createKeyring([{ id: 'other', key: randomBytes(32) }]),
    });
    const dto = await ended(importId);
    expect(dto.status).toBe('failed');
    expect(dto.error).toMatch(/cannot be read/);
    expect(dto.counts.imported).toBe(0);
    const [subs] = await execute<{ n: number }[]>(
      runner.orm.em.fork(),
      'select count(*)::int as n from subscription where list_id = ?',
      [listId],
    );
    expect(subs?.n).toBe(0);
  });
});
