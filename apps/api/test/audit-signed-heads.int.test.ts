// Signed heads of the audit log: checkpoints signed once per grown chain, truncation and tail deletion
// reported against them, pasted and forged checkpoints, the digest mail and the hourly and daily runs.
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import {
  auditHeadKvKey,
  checkpointAuditHeads,
  type MailMessage,
  systemClock,
  verifyAuditChain,
} from '@postern/core';
import { MemoryKvStore } from '@postern/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { signedHeadHelpers, superuserOf } from './support/audit.ts';
import { type Harness, STRONG_PASSWORD } from './support/harness.ts';
import { authSuite } from './support/signed-in.ts';

// After the tests, the shared auth set-up checks that the accounts' password is neither stored nor
// logged in clear, and closes the harness whatever that finds.
const { usedSecrets, harness } = authSuite();
let h: Harness;
beforeAll(() => {
  h = harness();
  usedSecrets.add(STRONG_PASSWORD);
});
const superuser = superuserOf(() => h);

describe('signed heads: truncation and tail deletion are reported', () => {
  const { signer, checkpoint, verify, workspaceWithHistory, eventOf, asSuperuser } = signedHeadHelpers(
    () => h,
  );

  it('signs each grown chain once; the audit.checkpoint event verifies with the public key alone', async () => {
    const owner = await workspaceWithHistory();
    const first = await checkpoint();
    expect(first.signed).toBeGreaterThanOrEqual(1);
    expect(first.refused).toEqual([]);
    const event = await eventOf(owner.workspaceId);
    expect(event).toMatchObject({ scope: `ws:${owner.workspaceId}`, seq: 5 });
    // Independent check with node:crypto and the published raw key only.
    const publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: String(event?.public_key) },
      format: 'jwk',
    });
    const message = JSON.stringify({
      scope: event?.scope,
      seq: event?.seq,
      hash: event?.hash,
      time: event?.time,
    });
    expect(
      cryptoVerify(null, Buffer.from(message), publicKey, Buffer.from(String(event?.signature), 'base64url')),
    ).toBe(true);
    // Unchanged chains are not signed again.
    const again = await checkpoint();
    const rows = await h.orm.em
      .fork()
      .getConnection()
      .execute('select count(*)::int as n from audit_signed_head where scope = ?', [
        `ws:${owner.workspaceId}`,
      ]);
    expect(rows[0]?.n).toBe(1);
    expect(again.refused).toEqual([]);
    expect((await verify(owner.client, owner.workspaceId)).data).toMatchObject({
      ok: true,
      head: { source: 'database', seq: 5 },
    });
  });

  it('reports deletion of the newest entries against the latest signed head', async () => {
    const owner = await workspaceWithHistory();
    await checkpoint();
    // Without a signed head this is invisible: the remaining chain is intact.
    await asSuperuser('delete from audit_entry where workspace_id = $1 and seq >= 4', [owner.workspaceId]);
    const res = await verify(owner.client, owner.workspaceId);
    expect(res.data?.ok).toBe(false);
    expect(res.data?.problems).toContainEqual(
      expect.objectContaining({
        seq: 4,
        problem: 'tail_deleted',
        detail: expect.stringMatching(/entries 4 to 5 are missing/),
      }),
    );
    // The worker refuses to sign the shortened chain (that would launder the deletion).
    const next = await checkpoint();
    expect(next.refused).toContain(`ws:${owner.workspaceId}`);
  });

  it('reports tail deletion against a pasted checkpoint when the stored heads are gone too', async () => {
    const owner = await workspaceWithHistory();
    await checkpoint();
    const event = await eventOf(owner.workspaceId);
    // An attacker with the owner role removes the tail and the stored signed heads (no KV store here).
    await asSuperuser('delete from audit_entry where workspace_id = $1 and seq >= 3', [owner.workspaceId]);
    await asSuperuser('delete from audit_signed_head where scope = $1', [`ws:${owner.workspaceId}`]);
    expect((await verify(owner.client, owner.workspaceId)).data).toMatchObject({ ok: true, head: null });
    const res = await verify(owner.client, owner.workspaceId, JSON.stringify(event));
    expect(res.data?.ok).toBe(false);
    expect(res.data?.head).toMatchObject({ source: 'pasted', seq: 5 });
    expect(res.data?.problems).toContainEqual(expect.objectContaining({ seq: 3, problem: 'tail_deleted' }));
  });

  it('refuses forged, foreign and malformed pasted checkpoints', async () => {
    const owner = await workspaceWithHistory();
    const other = await workspaceWithHistory();
    await checkpoint();
    const event = await eventOf(owner.workspaceId);
    const forged = JSON.stringify({ ...event, seq: 3 });
    const bad = async (pasted: string) =>
      (await verify(owner.client, owner.workspaceId, pasted)).data?.problems.map((p) => p.problem);
    expect(await bad(forged)).toEqual(['checkpoint_invalid']);
    expect(await bad(JSON.stringify(await eventOf(other.workspaceId)))).toEqual(['checkpoint_invalid']);
    expect(await bad('not json')).toEqual(['checkpoint_invalid']);
    expect((await verify(owner.client, owner.workspaceId, JSON.stringify(event))).data?.ok).toBe(true);
  });

  it('keeps the latest head in the KV store, which verify reads', async () => {
    const owner = await workspaceWithHistory();
    const kv = new MemoryKvStore();
    await checkpoint(kv);
    const stored = JSON.parse(String(await kv.get(auditHeadKvKey(`ws:${owner.workspaceId}`))));
    expect(stored).toMatchObject({ seq: 5 });
    await asSuperuser('delete from audit_entry where workspace_id = $1 and seq = 5', [owner.workspaceId]);
    await asSuperuser('delete from audit_signed_head where scope = $1', [`ws:${owner.workspaceId}`]);
    const result = await verifyAuditChain({ em: h.orm.em.fork() }, `ws:${owner.workspaceId}`, {
      verifier: signer(),
      kv,
    });
    expect(result.head).toMatchObject({ source: 'kv', seq: 5 });
    expect(result.problems).toContainEqual(expect.objectContaining({ seq: 5, problem: 'tail_deleted' }));
  });

  it('mails owners a digest with the signed checkpoint', async () => {
    const owner = await workspaceWithHistory();
    const mails: MailMessage[] = [];
    await checkpointAuditHeads(
      {
        em: h.orm.em.fork(),
        clock: systemClock,
        signer: signer(),
        sendMail: async (m) => {
          mails.push(m);
        },
      },
      { digest: true },
    );
    const mine = mails.filter((m) => m.to === owner.email);
    expect(mine).toHaveLength(1);
    const pasted = mine[0]?.text.split('\n').find((line) => line.startsWith('{"scope"')) ?? '';
    expect(JSON.parse(pasted)).toMatchObject({ scope: `ws:${owner.workspaceId}`, seq: 5 });
    expect((await verify(owner.client, owner.workspaceId, pasted)).data?.ok).toBe(true);
  });

  it('flags signed heads the application role forged into the table, and keeps using the real one', async () => {
    const owner = await workspaceWithHistory();
    await checkpoint();
    const scope = `ws:${owner.workspaceId}`;
    const real = signer();
    // The application role may INSERT (it cannot sign): a fake newer head to hide the real one.
    await h.orm.em
      .fork()
      .getConnection()
      .execute(
        `insert into audit_signed_head (id, scope, seq, hash, signed_at, key_id, signature, created_at)
           values (gen_random_uuid(), ?, 99, ?, now(), ?, 'Zm9yZ2Vk', now())`,
        [scope, '0'.repeat(64), real.keyId],
      );
    const res = await verify(owner.client, owner.workspaceId);
    expect(res.data?.head).toMatchObject({ source: 'database', seq: 5 });
    expect(res.data?.problems).toEqual([
      expect.objectContaining({
        problem: 'checkpoint_invalid',
        detail: expect.stringMatching(/1 stored signed head/),
      }),
    ]);
  });

  it('hourly runs sign chains written to lately; the daily full run signs quiet ones too', async () => {
    h.clock.advance(-10 * 3_600_000);
    let quiet: Awaited<ReturnType<typeof workspaceWithHistory>>;
    try {
      quiet = await workspaceWithHistory();
    } finally {
      h.clock.advance(10 * 3_600_000);
    }
    const scope = `ws:${quiet.workspaceId}`;
    const signedRows = async () =>
      (
        await h.orm.em
          .fork()
          .getConnection()
          .execute('select count(*)::int as n from audit_signed_head where scope = ?', [scope])
      )[0]?.n;
    await checkpoint();
    expect(await signedRows()).toBe(0);
    await checkpointAuditHeads({ em: h.orm.em.fork(), clock: systemClock, signer: signer() }, { full: true });
    expect(await signedRows()).toBe(1);
  });

  // Last in the file: it empties audit_entry for every workspace of this database.
  it('reports truncation (trigger disabled by a superuser) against the signed head, and the restart', async () => {
    const owner = await workspaceWithHistory();
    await checkpoint();
    await superuser(async (c) => {
      await c.query('alter table audit_entry disable trigger audit_entry_no_truncate');
      await c.query('truncate audit_entry');
      await c.query('alter table audit_entry enable trigger audit_entry_no_truncate');
    });
    const emptied = await verify(owner.client, owner.workspaceId);
    expect(emptied.data?.ok).toBe(false);
    expect(emptied.data?.problems).toContainEqual(
      expect.objectContaining({ seq: 5, problem: 'truncated', detail: expect.stringMatching(/truncated/) }),
    );
    // New entries restart at seq 1 (verify itself was audited): still reported, and not signed.
    await owner.client.mutate('workspaces.rename', { workspaceId: owner.workspaceId, name: 'After' });
    const restarted = await verify(owner.client, owner.workspaceId);
    expect(restarted.data?.problems).toContainEqual(
      expect.objectContaining({ seq: 5, problem: 'truncated', detail: expect.stringMatching(/restarted/) }),
    );
    expect((await checkpoint()).refused).toContain(`ws:${owner.workspaceId}`);
  });
});
