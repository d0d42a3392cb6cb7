// Bulk addresses are metered per account: the addresses waiting in queued and running jobs of every
// workspace an account is charged for (its longest-standing ownership) may not pass a cap, also when
// creations race; other accounts are not affected.
import { randomBytes, randomUUID } from 'node:crypto';
import { Membership, type MikroORM } from '@postern/db';
import type { TestDatabase } from '@postern/db/testing';
import type { PgBoss } from '@postern/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Clock, createBulkJob, createKeyring, DomainError } from '../src/index.ts';
import { bulkContextFactory, startBulkStore, stopBulkStore } from './support/bulk-context.ts';

const keyring = createKeyring([{ id: 't', key: randomBytes(32) }]);
let db: TestDatabase;
let orm: MikroORM;
let boss: PgBoss;
const clock: Clock = { now: () => new Date() };
const ctx = bulkContextFactory(() => ({ em: orm.em.fork(), keyring, clock, queue: boss }));
const CAP = 10;

async function ownedWorkspace(userId: string): Promise<string> {
  const workspaceId = randomUUID();
  const em = orm.em.fork();
  em.create(Membership, { workspaceId, userId, role: 'owner' });
  await em.flush();
  return workspaceId;
}

const addresses = (n: number) => Array.from({ length: n }, () => `a${randomUUID()}@cap.example.com`);
const create = (workspaceId: string, n: number) =>
  createBulkJob(ctx(), workspaceId, {
    source: addresses(n),
    depth: 'standard',
    maxPendingAddressesPerAccount: CAP,
  });

beforeAll(async () => {
  ({ db, orm, boss } = await startBulkStore('test', 6));
});

afterAll(async () => {
  await stopBulkStore({ db, orm, boss });
});

describe('bulk addresses per account', () => {
  it("counts every workspace of the account: a second workspace cannot add to the first one's waiting addresses", async () => {
    const owner = randomUUID();
    const [first, second] = [await ownedWorkspace(owner), await ownedWorkspace(owner)];
    expect((await create(first, 6)).total).toBe(6);
    const refused = await create(second, 5).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).code).toBe('RATE_LIMITED');
    expect((refused as DomainError).details).toMatchObject({ scope: 'account', pending: 6, cap: CAP });
    expect((await create(second, 4)).total).toBe(4);
    // Another account has its own allowance.
    expect((await create(await ownedWorkspace(randomUUID()), 10)).total).toBe(10);
  });

  it('lets exactly one of eight racing creations through when no two fit together', async () => {
    // Repeated: a missing lock lets two through in about half of the rounds.
    for (let round = 0; round < 5; round++) {
      const owner = randomUUID();
      const workspaces = [];
      for (let i = 0; i < 8; i++) workspaces.push(await ownedWorkspace(owner));
      const results = await Promise.allSettled(workspaces.map((w) => create(w, 6)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected');
      expect((rejected as PromiseRejectedResult | undefined)?.reason).toMatchObject({ code: 'RATE_LIMITED' });
    }
  });
});
