// Stored validation policies against real PostgreSQL, as the application role: the default until a
// save, a save audited with before and after, the check path's process cache (stale at most
// POLICY_CACHE_MS for another process's save, cleared at once by this one's), a stored row that no
// longer parses refused loudly, and the row deleted with its workspace.
import type { Policy } from '@postern/contracts';
import { AuditEntry, createOrm, type MikroORM, ValidationPolicy, Workspace } from '@postern/db';
import { createTestDatabase, type TestDatabase } from '@postern/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cachedPolicy,
  DEFAULT_POLICY,
  getPolicyView,
  loadPolicy,
  NO_REQUEST_META,
  savePolicy,
  systemClock,
} from '../src/index.ts';

let db: TestDatabase;
let orm: MikroORM;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await createOrm({ databaseUrl: db.appUrl, poolMax: 4 });
});

afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

const accepting: Policy = { rules: [{ reason: ['role_account'], action: 'accept' }], default: 'engine' };
const strict: Policy = { rules: [{ status: ['risky'], action: 'reject' }], default: 'reject' };

async function newWorkspace(): Promise<string> {
  const em = orm.em.fork();
  const workspace = em.create(Workspace, { name: 'Policies' });
  await em.flush();
  return workspace.id;
}

const ctx = (userId: string | null = null) =>
  ({
    em: orm.em.fork(),
    clock: systemClock,
    actor: userId ? { kind: 'user', userId } : null,
    meta: NO_REQUEST_META,
  }) as unknown as Parameters<typeof savePolicy>[0];

async function storeDirectly(workspaceId: string, rules: unknown) {
  await orm.em
    .fork()
    .getConnection()
    .execute('update validation_policy set rules = ?::jsonb where workspace_id = ?', [
      JSON.stringify(rules),
      workspaceId,
    ]);
}

describe('stored policies', () => {
  it('are the default until saved; a save is audited with the policy before and after', async () => {
    const workspaceId = await newWorkspace();
    expect(await loadPolicy(ctx(), workspaceId)).toEqual(DEFAULT_POLICY);
    const userId = '00000000-0000-4000-8000-000000000001';
    const view = await savePolicy(ctx(userId), workspaceId, accepting);
    expect(view).toMatchObject({ ...accepting, updatedBy: userId });
    await savePolicy(ctx(userId), workspaceId, strict);
    expect(await loadPolicy(ctx(), workspaceId)).toEqual(strict);
    const entries = await orm.em
      .fork()
      .find(AuditEntry, { workspaceId, eventType: 'policy.updated' }, { orderBy: { occurredAt: 'asc' } });
    expect(entries.map((e) => e.metadata)).toEqual([
      { before: DEFAULT_POLICY, after: accepting },
      { before: accepting, after: strict },
    ]);
    expect(entries[0]).toMatchObject({
      actorId: userId,
      targetType: 'validation_policy',
      targetId: workspaceId,
    });
  });

  it('are cached on the check path: another process’s save shows within the TTL, this one’s at once', async () => {
    const workspaceId = await newWorkspace();
    await savePolicy(ctx(), workspaceId, accepting);
    expect(await cachedPolicy(ctx(), workspaceId)).toEqual(accepting);
    // Another process changes the row: this process keeps its copy for a few seconds…
    await storeDirectly(workspaceId, strict);
    expect(await cachedPolicy(ctx(), workspaceId)).toEqual(accepting);
    expect(await loadPolicy(ctx(), workspaceId)).toEqual(strict);
    // …while a save here replaces it at once.
    await savePolicy(ctx(), workspaceId, { rules: [], default: 'accept' });
    expect(await cachedPolicy(ctx(), workspaceId)).toEqual({ rules: [], default: 'accept' });
  });

  it('are read once for concurrent checks, and a failed read is not kept', async () => {
    const workspaceId = await newWorkspace();
    const first = cachedPolicy(ctx(), workspaceId);
    expect(cachedPolicy(ctx(), workspaceId)).toBe(first);
    expect(await first).toEqual(DEFAULT_POLICY);
    const other = await newWorkspace();
    // A database dropped under its connection: the read fails for real.
    const gone = await createTestDatabase();
    const broken = await createOrm({ databaseUrl: gone.appUrl, poolMax: 1 });
    await gone.drop();
    try {
      await expect(cachedPolicy({ em: broken.em.fork() }, other)).rejects.toThrow();
    } finally {
      await broken.close(true);
    }
    expect(await cachedPolicy(ctx(), other)).toEqual(DEFAULT_POLICY);
  });

  it('refuse to apply a stored row that no longer parses, rather than guess', async () => {
    const workspaceId = await newWorkspace();
    await savePolicy(ctx(), workspaceId, accepting);
    await storeDirectly(workspaceId, { rules: [{ action: 'reject' }], default: 'engine' });
    await expect(getPolicyView(ctx(), workspaceId)).rejects.toThrow(/condition/);
  });

  it('go with their workspace', async () => {
    const workspaceId = await newWorkspace();
    await savePolicy(ctx(), workspaceId, accepting);
    const em = orm.em.fork();
    expect(await em.count(ValidationPolicy, { workspace: workspaceId })).toBe(1);
    await em.getConnection().execute('delete from workspace where id = ?', [workspaceId]);
    expect(await orm.em.fork().count(ValidationPolicy, { workspace: workspaceId })).toBe(0);
  });
});
