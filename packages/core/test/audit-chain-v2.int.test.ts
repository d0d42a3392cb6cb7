// Audit chain version 2 (#28) against real PostgreSQL: personal data of new entries is sealed under
// the person's key at flush time (never in clear: the trigger refuses it), readers open it, erasure
// (destroying the key) leaves the entries verifiable but anonymous, and verify passes across the
// v1→v2 checkpoint while catching an altered ciphertext, an altered subject and a downgrade. Version-1
// entries are made "behind the application's back" (owner, triggers off) with the v1 hash expression.
import { randomUUID } from 'node:crypto';
import { AUDIT_HASH_V1_SQL, AuditEntry } from '@postern/db';
import { beforeAll, describe, expect, it } from 'vitest';
import { listAccountLog } from '../src/audit/account-log.ts';
import { listAudit } from '../src/audit/query.ts';
import { recordAudit } from '../src/audit/record.ts';
import { ensureAuditSealing } from '../src/audit/sealing.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { destroySubjectKeys } from '../src/crypto/subject-keys.ts';
import { applyErasureRules } from '../src/erasure/erase.ts';
import { coreWorld } from './support/auth-context.ts';

const world = coreWorld();
beforeAll(() => ensureAuditSealing(world().orm.em, world().services.keyring));
const META = { ip: '198.51.100.23', userAgent: 'ChainProbe/2.0' };

const stored = (where: Record<string, unknown>) =>
  world()
    .orm.em.fork()
    .find(AuditEntry, where, { orderBy: { seq: 'asc' } });

const keysOf = async (id: string) =>
  (await world().sql<{ n: string }>('select count(*) as n from subject_key where subject_id = ?', [id]))[0]
    ?.n;

/** `count` version-1 entries of `scope`, as written before the migration: IP and agent in clear. */
async function v1Entries(scope: string, workspaceId: string, actorId: string, count: number) {
  const w = world();
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    await w.tamper(
      `insert into audit_entry (id, scope, seq, prev_hash, hash, occurred_at, event_type, workspace_id, actor_id, ip, user_agent, metadata, chain_version)
         values (?, ?, ?, (select hash from audit_entry where scope = ? and seq = ?), '', ?, 'workspace.renamed', ?, ?, ?, ?, ?, 1)`,
      [
        id,
        scope,
        i + 1,
        scope,
        i,
        w.clock.now(),
        workspaceId,
        actorId,
        META.ip,
        META.userAgent,
        JSON.stringify({ to: `Old ${i}` }),
      ],
    );
    await w.tamper(
      `update audit_entry e set hash = ${AUDIT_HASH_V1_SQL.replaceAll('NEW.', 'e.')} where id = ?`,
      [id],
    );
    w.clock.advance(60_000);
  }
}

/** A workspace chain of `v1` old entries then `v2` new ones, by a real account. */
async function mixedChain(v1: number, v2: number) {
  const w = world();
  const user = await w.user();
  const workspaceId = randomUUID();
  const scope = `ws:${workspaceId}`;
  await v1Entries(scope, workspaceId, user.id, v1);
  for (let i = 0; i < v2; i++) {
    const ctx = w.ctx(META);
    recordAudit(ctx.em, w.clock, {
      type: 'workspace.renamed',
      actorId: user.id,
      workspaceId,
      meta: META,
      metadata: { from: `Old ${i}`, to: `New ${i}`, n: i },
    });
    await ctx.em.flush();
    w.clock.advance(60_000);
  }
  return { user, workspaceId, scope };
}

describe('writing version 2', () => {
  it('seals IP, agent and personal metadata under the actor’s key; nothing personal in clear', async () => {
    const { user, scope } = await mixedChain(0, 1);
    const [entry] = await stored({ scope });
    expect(entry).toMatchObject({
      chainVersion: 2,
      subjectId: user.id,
      ip: null,
      userAgent: null,
      metadata: { n: 0 },
    });
    const row = (
      await world().sql<{ row: string }>('select e::text as row from audit_entry e where id = ?', [entry?.id])
    )[0]?.row;
    for (const clear of [META.ip, META.userAgent, 'Old 0', 'New 0']) expect(row).not.toContain(clear);
    expect(Object.keys(JSON.parse(entry?.sealed ?? '{}'))).toEqual([`user:${user.id}`]);
  });

  it('the database refuses a version-2 entry with personal data in clear, and writes no version 1', async () => {
    const insert = (columns: string, values: string) =>
      world().sql(
        `insert into audit_entry (id, scope, occurred_at, event_type${columns}) values (gen_random_uuid(), 'test:${randomUUID()}', now(), 'x'${values}) returning chain_version`,
      );
    await expect(insert(', ip', ", '192.0.2.1'")).rejects.toThrow(/cannot hold IP addresses/);
    await expect(insert(', user_agent', ", 'agent'")).rejects.toThrow(/cannot hold IP addresses/);
    for (const key of ['email', 'targetLabel'])
      await expect(insert(', metadata', `, '{"${key}": "x"}'`)).rejects.toThrow(/personal metadata in clear/);
    expect(await insert(', chain_version, metadata', `, 1, '{"n": 1}'`)).toEqual([{ chain_version: 2 }]);
  });

  it('an invitee with an account gets their own sealed part; without one, the address is sealed under the actor', async () => {
    const w = world();
    const [actor, invitee] = [await w.user(), await w.user()];
    const workspaceId = randomUUID();
    const ctx = w.ctx(META);
    for (const email of [invitee.email.toUpperCase(), 'nobody@example.test'])
      recordAudit(ctx.em, w.clock, {
        type: 'member.invited',
        actorId: actor.id,
        workspaceId,
        target: { type: 'invitation', id: randomUUID() },
        meta: META,
        metadata: { email, role: 'member' },
      });
    await ctx.em.flush();
    const [withAccount, without] = await stored({ workspaceId });
    expect(Object.keys(JSON.parse(withAccount?.sealed ?? '{}')).sort()).toEqual(
      [`user:${actor.id}`, `user:${invitee.id}`].sort(),
    );
    expect(Object.keys(JSON.parse(without?.sealed ?? '{}'))).toEqual([`user:${actor.id}`]);
    // The invitee is erased: the entry keeps the actor's part, the address reads as gone.
    await destroySubjectKeys(w.orm.em.fork(), 'user', [invitee.id]);
    const { entries } = await listAudit(w.ctx(), workspaceId, { limit: 10 });
    expect(entries.map((e) => [e.ip, e.metadata?.email ?? null, e.metadata?.role, e.personErased])).toEqual([
      [META.ip, 'nobody@example.test', 'member', false],
      [META.ip, null, 'member', true],
    ]);
  });

  it('no account, an account of the same flush, an erased account: instance key, a new key, nothing kept', async () => {
    const w = world();
    const ctx = w.ctx(META);
    // A failed sign-in to an unknown address: no person, no workspace.
    recordAudit(ctx.em, w.clock, { type: 'auth.login_failed', actorId: null, meta: META });
    await ctx.em.flush();
    const [failed] = await stored({ scope: 'system', eventType: 'auth.login_failed' });
    expect(failed?.subjectId).toBe('00000000-0000-0000-0000-000000000000');
    // An account written with its first entry (the key is made in the same transaction).
    const user = await w.user();
    await w.sql('delete from subject_key where subject_id = ?', [user.id]);
    const erasedId = randomUUID();
    const em = w.ctx().em;
    recordAudit(em, w.clock, { type: 'auth.login_succeeded', actorId: user.id, meta: META });
    recordAudit(em, w.clock, { type: 'auth.login_succeeded', actorId: erasedId, meta: META });
    await em.flush();
    expect([await keysOf(user.id), await keysOf(erasedId)]).toEqual(['1', '0']);
    const [gone] = await stored({ actorId: erasedId });
    expect(gone).toMatchObject({ subjectId: erasedId, sealed: null, ip: null, userAgent: null });
    const { entries } = await listAccountLog(w.ctx(), erasedId, { limit: 5 });
    expect(entries.map((e) => [e.ip, e.device, e.personErased])).toEqual([[null, null, true]]);
  });
});

describe('reading and erasure', () => {
  it('readers open version 2 and read version 1 as stored; after the erasure only version 2 forgets', async () => {
    const w = world();
    const { user, workspaceId } = await mixedChain(2, 2);
    const shown = async () =>
      (await listAudit(w.ctx(), workspaceId, { limit: 10 })).entries.map((e) => [
        e.seq,
        e.ip,
        e.userAgent,
        e.metadata?.to ?? null,
        e.personErased,
      ]);
    expect(await shown()).toEqual([
      [4, META.ip, META.userAgent, 'New 1', false],
      [3, META.ip, META.userAgent, 'New 0', false],
      [2, META.ip, META.userAgent, 'Old 1', false],
      [1, META.ip, META.userAgent, 'Old 0', false],
    ]);
    // The account erasure's rules (registry: subject_key by subject_id) destroy the key.
    await w.orm.em.fork().transactional((tx) => applyErasureRules(tx, 'user', { ids: [user.id] }));
    expect(await keysOf(user.id)).toBe('0');
    expect(await shown()).toEqual([
      [4, null, null, null, true],
      [3, null, null, null, true],
      [2, META.ip, META.userAgent, 'Old 1', false],
      [1, META.ip, META.userAgent, 'Old 0', false],
    ]);
  });
});

describe('verifying across version 2', () => {
  it('passes across the v1→v2 checkpoint, and after the key is destroyed', async () => {
    const w = world();
    const { user, scope } = await mixedChain(2, 2);
    const expected = { ok: true, entriesChecked: 4, problems: [] };
    expect(await verifyAuditChain(w.ctx(), scope)).toMatchObject(expected);
    expect((await stored({ scope })).map((e) => e.chainVersion)).toEqual([1, 1, 2, 2]);
    await destroySubjectKeys(w.orm.em.fork(), 'user', [user.id]);
    expect(await verifyAuditChain(w.ctx(), scope)).toMatchObject(expected);
  });

  it('detects an altered ciphertext', async () => {
    const { scope } = await mixedChain(1, 2);
    const [, entry] = await stored({ scope });
    const sealed = JSON.parse(entry?.sealed ?? '{}') as Record<string, string>;
    const [ref = '', value = ''] = Object.entries(sealed)[0] ?? [];
    const flipped = `${value.slice(0, -2)}${value.endsWith('AA') ? 'BB' : 'AA'}`;
    await world().tamper('update audit_entry set sealed = ? where id = ?', [
      JSON.stringify({ [ref]: flipped }),
      entry?.id,
    ]);
    expect((await verifyAuditChain(world().ctx(), scope)).problems).toEqual([{ seq: 2, problem: 'altered' }]);
  });

  it('detects an altered subject', async () => {
    const { scope } = await mixedChain(1, 2);
    await world().tamper('update audit_entry set subject_id = ? where scope = ? and seq = 3', [
      randomUUID(),
      scope,
    ]);
    expect((await verifyAuditChain(world().ctx(), scope)).problems).toEqual([{ seq: 3, problem: 'altered' }]);
  });

  it('detects clear data slipped into a version-2 entry', async () => {
    const { scope } = await mixedChain(0, 2);
    await world().tamper("update audit_entry set ip = '203.0.113.9' where scope = ? and seq = 2", [scope]);
    expect((await verifyAuditChain(world().ctx(), scope)).problems).toEqual([{ seq: 2, problem: 'altered' }]);
  });

  it('detects a downgrade: a version-1 entry after version 2, even with its hash recomputed', async () => {
    const { scope } = await mixedChain(1, 2);
    await world().tamper(
      `update audit_entry e set chain_version = 1, hash = ${AUDIT_HASH_V1_SQL.replaceAll('NEW.', 'e.')} where scope = ? and seq = 3`,
      [scope],
    );
    const { problems } = await verifyAuditChain(world().ctx(), scope);
    expect(problems).toEqual([
      {
        seq: 3,
        problem: 'altered',
        detail:
          'entry 3 is of chain version 1 but follows version-2 entries (from entry 2): the log was downgraded',
      },
    ]);
  });

  it('a version change without a new hash is an alteration too', async () => {
    const { scope } = await mixedChain(1, 1);
    await world().tamper('update audit_entry set chain_version = 1 where scope = ? and seq = 2', [scope]);
    await world().tamper('update audit_entry set chain_version = 2 where scope = ? and seq = 1', [scope]);
    expect((await verifyAuditChain(world().ctx(), scope)).problems.map((p) => [p.seq, p.problem])).toEqual([
      [1, 'altered'],
      [2, 'altered'],
      [2, 'altered'],
    ]);
  });
});
