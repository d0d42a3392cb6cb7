// Chain verification in-process, with what mutation testing (issue #25, `pnpm mutation --mutate
// 'packages/core/src/audit/**'`) needs pinned: the exact problems (and their order) for an altered,
// removed, unlinked or reordered entry, a chain continuing from a purge checkpoint, and every verdict
// against signed heads: rewritten entry, gap, tail deleted or replaced, truncated, emptied and
// restarted, the purge checkpoint, forged stored heads and each kind of bad pasted checkpoint, with
// their messages. Changes "behind the application's back" go through the owner connection with
// triggers off. Real PostgreSQL, manual clock.
import { randomUUID } from 'node:crypto';
import type { AuditCheckpoint } from '@postern/contracts';
import { AuditEntry } from '@postern/db';
import { describe, expect, it } from 'vitest';
import { auditHeadKvKey, auditSignerFromConfig } from '../src/audit/checkpoint.ts';
import { recordAudit } from '../src/audit/record.ts';
import { openAuditEntries } from '../src/audit/sealing.ts';
import { verifyAuditChain, verifyWorkspaceAudit } from '../src/audit/verify.ts';
import { coreWorld } from './support/auth-context.ts';

const world = coreWorld();
const signer = () => auditSignerFromConfig(world().config);
const tamper = (sql: string, params: unknown[] = []) => world().tamper(sql, params);

/** A workspace chain of `count` entries, one minute apart; its id and scope. */
async function chain(count: number, workspaceId: string = randomUUID()) {
  const w = world();
  for (let i = 0; i < count; i++) {
    const em = w.orm.em.fork();
    recordAudit(em, w.clock, {
      type: 'workspace.renamed',
      actorId: null,
      workspaceId,
      meta: { ip: null, userAgent: null },
      metadata: { n: i },
    });
    await em.flush();
    w.clock.advance(60_000);
  }
  return { workspaceId, scope: `ws:${workspaceId}` };
}

const stored = async (scope: string, seq: number) =>
  world().orm.em.fork().findOneOrFail(AuditEntry, { scope, seq });

/** A checkpoint of `scope` at `seq`, signed now (or at `time`) with the entry's hash unless given. */
async function signedAt(scope: string, seq: number, options: { hash?: string; time?: string } = {}) {
  const hash = options.hash ?? (await stored(scope, seq)).hash;
  return signer().sign({ scope, seq, hash, time: options.time ?? world().clock.now().toISOString() });
}

/** Stores a signed head in the table, as the checkpoint job does. */
const storeHead = (head: AuditCheckpoint) =>
  world().sql(
    `insert into audit_signed_head (id, scope, seq, hash, signed_at, key_id, signature, created_at)
       values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, now())`,
    [head.scope, head.seq, head.hash, new Date(head.time), head.keyId, head.signature],
  );

const verifyPasted = async (scope: string, pasted: unknown) =>
  verifyAuditChain(world().ctx(), scope, { verifier: signer(), pasted: JSON.stringify(pasted) });

describe('the chain itself', () => {
  it('an untouched chain verifies, with no checkpoint and no head without a verifier', async () => {
    const { scope } = await chain(3);
    expect(await verifyAuditChain(world().ctx(), scope)).toEqual({
      ok: true,
      entriesChecked: 3,
      problems: [],
      checkpoint: null,
      head: null,
    });
  });

  it('entries written in the same instant are in order', async () => {
    const w = world();
    const workspaceId = randomUUID();
    const em = w.orm.em.fork();
    for (const n of [1, 2])
      recordAudit(em, w.clock, {
        type: 'workspace.renamed',
        actorId: null,
        workspaceId,
        meta: { ip: null, userAgent: null },
        metadata: { n },
      });
    await em.flush();
    expect((await verifyAuditChain(w.ctx(), `ws:${workspaceId}`)).problems).toEqual([]);
  });

  it('reports exactly: an altered entry, a removed one, a broken link, a reordered one', async () => {
    const altered = await chain(4);
    await tamper(`update audit_entry set metadata = '{"n":"forged"}' where scope = ? and seq = 3`, [
      altered.scope,
    ]);
    expect((await verifyAuditChain(world().ctx(), altered.scope)).problems).toEqual([
      { seq: 3, problem: 'altered' },
    ]);

    const removed = await chain(4);
    await tamper('delete from audit_entry where scope = ? and seq = 2', [removed.scope]);
    const result = await verifyAuditChain(world().ctx(), removed.scope);
    expect([result.ok, result.entriesChecked, result.problems]).toEqual([
      false,
      3,
      [{ seq: 3, problem: 'missing' }],
    ]);

    const unlinked = await chain(4);
    await tamper(`update audit_entry set hash = repeat('0', 64) where scope = ? and seq = 2`, [
      unlinked.scope,
    ]);
    expect((await verifyAuditChain(world().ctx(), unlinked.scope)).problems).toEqual([
      { seq: 2, problem: 'altered' },
      { seq: 3, problem: 'broken_link' },
    ]);

    const first = await chain(2);
    await tamper(`update audit_entry set prev_hash = repeat('1', 64) where scope = ? and seq = 1`, [
      first.scope,
    ]);
    expect((await verifyAuditChain(world().ctx(), first.scope)).problems).toEqual([
      { seq: 1, problem: 'altered' },
      { seq: 1, problem: 'broken_link' },
    ]);

    const reordered = await chain(4);
    await tamper(
      `update audit_entry set occurred_at = occurred_at - interval '5 minutes' where scope = ? and seq = 3`,
      [reordered.scope],
    );
    expect((await verifyAuditChain(world().ctx(), reordered.scope)).problems).toEqual([
      { seq: 3, problem: 'altered' },
      { seq: 3, problem: 'reordered' },
    ]);
  });

  it('a chain continuing from a purge checkpoint starts at its seq and hash', async () => {
    const w = world();
    const workspaceId = randomUUID();
    const scope = `ws:${workspaceId}`;
    // An earlier purge's checkpoint first: the newest one is what the chain continues from.
    for (const [seq, hash] of [
      [2, 'b'],
      [5, 'c'],
    ] as const)
      await w.sql(
        `insert into audit_checkpoint (id, scope, seq, hash, purged_entries, created_at)
           values (gen_random_uuid(), ?, ?, repeat(?, 64), 5, ?)`,
        [scope, seq, hash, w.clock.now()],
      );
    await chain(2, workspaceId);
    const result = await verifyAuditChain(w.ctx(), scope);
    expect([result.ok, result.entriesChecked, result.checkpoint?.seq]).toEqual([true, 2, 5]);
    expect(Date.parse(result.checkpoint?.createdAt ?? '')).toBeGreaterThan(0);
    expect((await stored(scope, 6)).prevHash).toBe('c'.repeat(64));
  });
});

describe('against signed heads', () => {
  it('reports the newest head found (KV before an older database head) and what verify recorded', async () => {
    const w = world();
    const { workspaceId, scope } = await chain(3);
    await storeHead(await signedAt(scope, 2));
    const newer = await signedAt(scope, 3);
    await w.kv.set(auditHeadKvKey(scope), JSON.stringify(newer), 60);
    const ctx = {
      ...w.ctx({ ip: '192.0.2.77', userAgent: null }),
      actor: { kind: 'user', userId: (await w.user()).id } as const,
    };
    const result = await verifyWorkspaceAudit(ctx, workspaceId, undefined);
    expect([result.ok, result.head]).toEqual([
      true,
      { source: 'kv', seq: 3, hash: newer.hash, time: newer.time },
    ]);
    const [stored] = await w.orm.em.fork().find(AuditEntry, { scope, eventType: 'audit.verified' });
    // The IP is sealed under the verifier's key (chain version 2): nothing in clear, opened for readers.
    expect([stored?.ip, stored?.subjectId]).toEqual([null, ctx.actor.userId]);
    const opened = await openAuditEntries(w.orm.em.fork(), w.services.keyring, stored ? [stored] : []);
    const entry = { ...stored, ...opened.get(stored?.id ?? '') };
    expect([entry?.actorId, entry?.ip, entry?.metadata]).toEqual([
      ctx.actor.userId,
      '192.0.2.77',
      { ok: true, entriesChecked: 3, problems: 0, headSeq: 3, headSource: 'kv' },
    ]);
    const bare = await chain(1);
    await verifyWorkspaceAudit(w.ctx(), bare.workspaceId, '  ');
    const [plain] = await w.orm.em
      .fork()
      .find(AuditEntry, { scope: bare.scope, eventType: 'audit.verified' });
    expect([plain?.actorId, plain?.metadata]).toEqual([null, { ok: true, entriesChecked: 1, problems: 0 }]);
  });

  it('the database head when it is the newer one; each distinct head checked once', async () => {
    const w = world();
    const { scope } = await chain(4);
    await w.kv.set(auditHeadKvKey(scope), JSON.stringify(await signedAt(scope, 2)), 60);
    await storeHead(await signedAt(scope, 3));
    const result = await verifyAuditChain(w.ctx(), scope, { verifier: signer(), kv: w.kv });
    expect(result.head).toMatchObject({ source: 'database', seq: 3 });
    // A rewritten head known twice (KV and table) is one problem; a second, distinct bad head is another.
    const wrong = await signedAt(scope, 4, {
      hash: 'e'.repeat(64),
      time: (await stored(scope, 4)).occurredAt.toISOString(),
    });
    await w.kv.set(auditHeadKvKey(scope), JSON.stringify(wrong), 60);
    await storeHead(wrong);
    const twice = await verifyAuditChain(w.ctx(), scope, {
      verifier: signer(),
      kv: w.kv,
      pasted: JSON.stringify(wrong),
    });
    expect(twice.problems.map((p) => [p.seq, p.problem])).toEqual([[4, 'head_mismatch']]);
    const other = await signedAt(scope, 1, {
      hash: 'f'.repeat(64),
      time: (await stored(scope, 1)).occurredAt.toISOString(),
    });
    const both = await verifyAuditChain(w.ctx(), scope, {
      verifier: signer(),
      kv: w.kv,
      pasted: JSON.stringify(other),
    });
    expect(both.problems.map((p) => [p.seq, p.problem])).toEqual([
      [4, 'head_mismatch'],
      [1, 'head_mismatch'],
    ]);
  });

  it('the signed entry gone, later ones kept, and an earlier one re-dated after signing: tail_deleted', async () => {
    const w = world();
    const { scope } = await chain(3);
    const head = await signedAt(scope, 3);
    w.clock.advance(60_000);
    await chain(2, scope.slice(3));
    await tamper('delete from audit_entry where scope = ? and seq = 3', [scope]);
    await tamper(
      `update audit_entry set occurred_at = now() + interval '1 day' where scope = ? and seq = 2`,
      [scope],
    );
    expect((await verifyPasted(scope, head)).problems).toContainEqual({
      seq: 2,
      problem: 'tail_deleted',
      detail: `entries 2 to 3 signed on ${head.time} were deleted and replaced by entries written later`,
    });
  });

  it('forged stored heads are counted (only the newer ones, of this key) and the real head is used', async () => {
    const w = world();
    const { scope } = await chain(4);
    const real = await signedAt(scope, 2);
    const insert = (seq: number, keyId: string, signature: string) =>
      w.sql(
        `insert into audit_signed_head (id, scope, seq, hash, signed_at, key_id, signature, created_at)
           values (gen_random_uuid(), ?, ?, repeat('f', 64), ?, ?, ?, now())`,
        [scope, seq, w.clock.now(), keyId, signature],
      );
    await insert(1, real.keyId, real.signature);
    await w.sql(
      `insert into audit_signed_head (id, scope, seq, hash, signed_at, key_id, signature, created_at)
         values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, now())`,
      [scope, real.seq, real.hash, new Date(real.time), real.keyId, real.signature],
    );
    await insert(3, 'another-key', real.signature);
    await insert(4, real.keyId, real.signature);
    await insert(5, real.keyId, real.signature);
    const result = await verifyAuditChain(w.ctx(), scope, { verifier: signer() });
    expect(result.problems).toEqual([
      {
        seq: null,
        problem: 'checkpoint_invalid',
        detail:
          "2 stored signed head(s) do not verify with this server's key: they were written by someone without it",
      },
    ]);
    expect(result.head).toMatchObject({ source: 'database', seq: 2 });
  });

  it('refuses pasted text that is not a checkpoint, is for another log, or does not verify', async () => {
    const { scope } = await chain(2);
    const good = await signedAt(scope, 2);
    const invalid = (seq: number | null, detail: string) => [{ seq, problem: 'checkpoint_invalid', detail }];
    const pasted = async (text: string) =>
      (await verifyAuditChain(world().ctx(), scope, { verifier: signer(), pasted: text })).problems;
    expect(await pasted('')).toEqual([]);
    expect(await pasted('not json')).toEqual(invalid(null, 'the pasted text is not a checkpoint'));
    expect(await pasted(JSON.stringify({ ...good, scope: 'ws:other' }))).toEqual(
      invalid(null, 'the pasted checkpoint is for another audit log'),
    );
    expect(await pasted(JSON.stringify({ ...good, time: new Date(0).toISOString() }))).toEqual(
      invalid(
        2,
        `the pasted checkpoint's signature does not verify with this server's key (${signer().keyId})`,
      ),
    );
    const result = await verifyPasted(scope, good);
    expect([result.ok, result.head?.source]).toEqual([true, 'pasted']);
  });

  it('an entry that is not the signed one: rewritten; a signed entry removed from the middle: only missing', async () => {
    const w = world();
    const { scope } = await chain(3);
    const entry = await stored(scope, 2);
    // Signed at the very instant the entry was written: still the signed entry, not a later one.
    const wrong = await signedAt(scope, 2, { hash: 'e'.repeat(64), time: entry.occurredAt.toISOString() });
    expect((await verifyPasted(scope, wrong)).problems).toEqual([
      {
        seq: 2,
        problem: 'head_mismatch',
        detail: `entry 2 is not the entry signed on ${wrong.time}: the log was rewritten`,
      },
    ]);
    const gap = await signedAt(scope, 2);
    await tamper('delete from audit_entry where scope = ? and seq = 2', [scope]);
    expect((await verifyPasted(scope, gap)).problems).toEqual([{ seq: 3, problem: 'missing' }]);
    w.clock.advance(60_000);
  });

  it('the newest entries deleted, or deleted and replaced by later ones: tail_deleted from the first', async () => {
    const w = world();
    const { workspaceId, scope } = await chain(5);
    const head = await signedAt(scope, 5);
    await tamper('delete from audit_entry where scope = ? and seq >= 4', [scope]);
    expect((await verifyPasted(scope, head)).problems).toEqual([
      {
        seq: 4,
        problem: 'tail_deleted',
        detail: `entries 4 to 5 are missing: the newest entries were deleted (the log reached entry 5 when signed on ${head.time})`,
      },
    ]);
    w.clock.advance(60_000);
    await chain(3, workspaceId);
    expect((await verifyPasted(scope, head)).problems).toEqual([
      {
        seq: 4,
        problem: 'tail_deleted',
        detail: `entries 4 to 5 signed on ${head.time} were deleted and replaced by entries written later`,
      },
    ]);
  });

  it('the log emptied: truncated; emptied and restarted: truncated, with the entries written since', async () => {
    const w = world();
    const { workspaceId, scope } = await chain(3);
    const head = await signedAt(scope, 3);
    await tamper('delete from audit_entry where scope = ?', [scope]);
    const empty = await verifyPasted(scope, head);
    expect([empty.entriesChecked, empty.problems]).toEqual([
      0,
      [
        {
          seq: 3,
          problem: 'truncated',
          detail: `the log is empty, but it held 3 entries when signed on ${head.time}: it was truncated`,
        },
      ],
    ]);
    w.clock.advance(60_000);
    await chain(3, workspaceId);
    expect((await verifyPasted(scope, head)).problems).toEqual([
      {
        seq: 3,
        problem: 'truncated',
        detail: `the log was emptied and restarted: it held 3 entries when signed on ${head.time}; the 3 numbered up to 3 now were all written after that`,
      },
    ]);
  });

  it('heads at or before the purge checkpoint: only the checkpoint’s own entry can be compared', async () => {
    const w = world();
    const workspaceId = randomUUID();
    const scope = `ws:${workspaceId}`;
    const cut = 'd'.repeat(64);
    await w.sql(
      `insert into audit_checkpoint (id, scope, seq, hash, purged_entries, created_at)
         values (gen_random_uuid(), ?, 5, ?, 5, ?)`,
      [scope, cut, w.clock.now()],
    );
    await chain(2, workspaceId);
    const at = (seq: number, hash: string) => signedAt(scope, seq, { hash, time: new Date(0).toISOString() });
    expect((await verifyPasted(scope, await at(5, cut))).problems).toEqual([]);
    expect((await verifyPasted(scope, await at(4, 'a'.repeat(64)))).problems).toEqual([]);
    const other = await at(5, 'b'.repeat(64));
    expect((await verifyPasted(scope, other)).problems).toEqual([
      {
        seq: 5,
        problem: 'head_mismatch',
        detail: `the purge checkpoint at entry 5 is not the entry signed on ${other.time}`,
      },
    ]);
    // Every entry after the checkpoint deleted: a head past it finds the log truncated.
    const newest = await signedAt(scope, 7);
    await tamper('delete from audit_entry where scope = ?', [scope]);
    expect((await verifyPasted(scope, newest)).problems).toMatchObject([{ seq: 7, problem: 'truncated' }]);
    // …and written again after the checkpoint, later: emptied and restarted, not a tail deletion.
    w.clock.advance(60_000);
    await chain(2, workspaceId);
    expect((await verifyPasted(scope, newest)).problems).toEqual([
      {
        seq: 7,
        problem: 'truncated',
        detail: `the log was emptied and restarted: it held 7 entries when signed on ${newest.time}; the 2 numbered up to 7 now were all written after that`,
      },
    ]);
  });
});
