// Signing the audit chains' heads in-process, with what mutation testing (issue #25, `pnpm mutation
// --mutate 'packages/core/src/audit/**'`) needs pinned: which chains the hourly and the full run sign
// (the two-hour window), what is stored where (table, outbox event, KV store with its 400-day life),
// the signed time, the chains refused (behind, or the signed entry changed; a purge is not a refusal),
// reading heads back (KV errors, other scopes, forged rows), the owners' digest and its message, and
// the key and checkpoint parsers. Real PostgreSQL and Redis, manual clock.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { Writable } from 'node:stream';
import { connectRedis, createLogger, RedisKvStore, testServices } from '@postern/runtime';
import { describe, expect, it } from 'vitest';
import {
  auditDigestMessage,
  auditHeadKvKey,
  auditSignerFromConfig,
  checkpointAuditHeads,
  latestSignedHead,
  parseAuditSigningKey,
  parseCheckpoint,
  workspaceOfScope,
} from '../src/audit/checkpoint.ts';
import { recordAudit } from '../src/audit/record.ts';
import { createOwnedWorkspace } from '../src/workspaces/workspaces.ts';
import { coreWorld } from './support/auth-context.ts';

const world = coreWorld();
const HOUR = 3_600_000;
const signer = () => auditSignerFromConfig(world().config);
const logs: string[] = [];
const logger = createLogger({
  level: 'error',
  name: 'audit-checkpoint-test',
  destination: new Writable({
    write(chunk, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  }),
});
const tamper = (sql: string, params: unknown[] = []) => world().tamper(sql, params);

/** `count` entries in `scope`'s chain (a workspace's, or an account's), at the clock. */
async function grow(scope: string, count = 1) {
  const w = world();
  const em = w.orm.em.fork();
  const [kind, id] = scope.split(':') as [string, string];
  for (let i = 0; i < count; i++)
    recordAudit(em, w.clock, {
      type: 'workspace.renamed',
      actorId: kind === 'user' ? id : null,
      workspaceId: kind === 'ws' ? id : null,
      meta: { ip: null, userAgent: null },
    });
  await em.flush();
}
const run = (options: { full?: boolean; digest?: boolean } = {}) => {
  const w = world();
  return checkpointAuditHeads(
    { ...w.ctx(), signer: signer(), logger, sendMail: w.services.sendMail },
    options,
  );
};
const heads = (scope: string) =>
  world().sql<{ seq: string; hash: string; signed_at: number; key_id: string }>(
    'select seq, hash, (extract(epoch from signed_at) * 1000)::float8 as signed_at, key_id from audit_signed_head where scope = ? order by seq',
    [scope],
  );

// First in the file: the hourly run looks at every chain written to lately.
describe('checkpointAuditHeads', () => {
  it('hourly: signs chains written to in the last two hours, once; the full run signs quiet ones too', async () => {
    const w = world();
    const [quiet, edge, busy] = [
      `user:${crypto.randomUUID()}`,
      `user:${crypto.randomUUID()}`,
      `ws:${crypto.randomUUID()}`,
    ];
    await grow(quiet, 2);
    w.clock.advance(HOUR);
    await grow(edge);
    w.clock.advance(HOUR);
    await grow(busy, 3);
    w.clock.advance(HOUR);
    expect(await run()).toEqual({ signed: 2, refused: [], digests: 0 });
    expect((await heads(quiet)).length).toBe(0);
    expect(await run()).toEqual({ signed: 0, refused: [], digests: 0 });
    expect(await run({ full: true })).toEqual({ signed: 1, refused: [], digests: 0 });
    const [head] = await heads(busy);
    expect([Number(head?.seq), head?.key_id, head?.signed_at]).toEqual([3, signer().keyId, w.clock.ms]);
    const kept = parseCheckpoint(await w.kv.get(auditHeadKvKey(busy)));
    expect(kept && signer().verify(kept)).toBe(true);
    expect(kept).toMatchObject({ scope: busy, seq: 3, hash: head?.hash, time: w.clock.now().toISOString() });
    expect(await w.kv.ttl(auditHeadKvKey(busy))).toBe(400 * 86_400);
    // The workspace chain's head went out as an event too (account chains have none).
    const events = await w.sql<{ workspace_id: string; payload: Record<string, unknown> }>(
      "select workspace_id, payload from outbox_event where type = 'audit.checkpoint'",
    );
    expect(events).toEqual([
      {
        workspace_id: workspaceOfScope(busy),
        payload: {
          scope: busy,
          seq: 3,
          hash: head?.hash,
          time: kept?.time,
          key_id: signer().keyId,
          signature: kept?.signature,
          public_key: signer().publicKey,
        },
      },
    ]);
    // The chain grows: its new head is signed (the entry at the last signed head is still the same).
    await grow(busy);
    w.clock.advance(60_000);
    expect(await run()).toEqual({ signed: 1, refused: [], digests: 0 });
    expect((await heads(busy)).map((h) => Number(h.seq))).toEqual([3, 4]);
  });

  it('never signs a time before the head entry (a worker clock behind the API)', async () => {
    const w = world();
    const scope = `user:${crypto.randomUUID()}`;
    await grow(scope);
    const written = w.clock.now();
    w.clock.advance(-HOUR);
    try {
      expect((await run()).signed).toBe(1);
    } finally {
      w.clock.advance(HOUR);
    }
    expect((await heads(scope))[0]?.signed_at).toBe(written.getTime());
  });

  it('refuses a chain behind its signed head, or whose signed entry changed; a purge is no refusal', async () => {
    const w = world();
    const [behind, changed, purged] = [
      `user:${crypto.randomUUID()}`,
      `user:${crypto.randomUUID()}`,
      `user:${crypto.randomUUID()}`,
    ];
    for (const scope of [behind, changed, purged]) await grow(scope, 3);
    await run();
    logs.length = 0;
    await tamper('delete from audit_entry where scope = ? and seq = 3', [behind]);
    await tamper(`update audit_entry set hash = repeat('9', 64) where scope = ? and seq = 3`, [changed]);
    await grow(changed);
    await tamper(
      `insert into audit_checkpoint (id, scope, seq, hash, purged_entries, created_at)
         select gen_random_uuid(), scope, seq, hash, 3, now() from audit_entry where scope = ? and seq = 3`,
      [purged],
    );
    await tamper('delete from audit_entry where scope = ?', [purged]);
    await grow(purged);
    w.clock.advance(60_000);
    const result = await run();
    expect([result.signed, [...result.refused].sort()]).toEqual([1, [behind, changed].sort()]);
    expect((await heads(purged)).map((h) => Number(h.seq))).toEqual([3, 4]);
    const messages = logs.map(
      (line) => JSON.parse(line) as { msg: string; scope: string; signedSeq: number },
    );
    expect(messages.map((m) => [m.scope, m.signedSeq, m.msg]).sort()).toEqual(
      [
        [behind, 3, 'audit chain is behind or differs from its signed head: not signing (run audit.verify)'],
        [
          changed,
          3,
          'audit entry at the last signed head is gone or changed: not signing (run audit.verify)',
        ],
      ].sort(),
    );
    // Same seq, another hash: behind or differs.
    await tamper(`update audit_entry set hash = repeat('8', 64) where scope = ? and seq = 4`, [purged]);
    logs.length = 0;
    expect((await run()).refused.sort()).toEqual([behind, changed, purged].sort());
    expect(
      logs.map((line) => JSON.parse(line) as { scope: string; msg: string }).find((m) => m.scope === purged)
        ?.msg,
    ).toBe('audit chain is behind or differs from its signed head: not signing (run audit.verify)');
    // The signed entry deleted without a purge, the chain grown past it: refused too. Without a
    // logger or a KV store (both optional) the job still runs.
    const gone = `user:${crypto.randomUUID()}`;
    await grow(gone, 2);
    await run();
    await grow(gone);
    await tamper('delete from audit_entry where scope = ? and seq = 2', [gone]);
    await grow(gone);
    // A purge checkpoint before the signed entry does not account for it.
    await w.sql(
      `insert into audit_checkpoint (id, scope, seq, hash, purged_entries, created_at)
         values (gen_random_uuid(), ?, 1, repeat('a', 64), 1, now())`,
      [gone],
    );
    const fresh = `user:${crypto.randomUUID()}`;
    await grow(fresh);
    const bare = await checkpointAuditHeads({ ...w.ctx(), kv: undefined, signer: signer() });
    expect(bare.refused).toContain(gone);
    expect(bare.signed).toBe(1);
    expect((await heads(fresh)).length).toBe(1);
  });

  it("mails each owner of a workspace signed in the last day the chain's checkpoint", async () => {
    const w = world();
    const [alice, bob] = [await w.user(), await w.user()];
    const workspace = await createOwnedWorkspace(w.ctx(), alice.id, 'Digest', 5);
    await createOwnedWorkspace(w.ctx(), bob.id, 'Old', 5);
    w.clock.advance(25 * HOUR);
    await grow(`ws:${workspace.id}`);
    w.mails.length = 0;
    const result = await run({ digest: true });
    expect(result.digests).toBe(1);
    expect(w.mails.map((m) => m.to)).toEqual([alice.email]);
    expect(w.mails[0]?.text).toContain(`"scope":"ws:${workspace.id}"`);
    expect((await run({ digest: false })).digests).toBe(0);
  });
});

describe('latestSignedHead', () => {
  it('reads the KV store (a store that fails counts as empty) and the newest verifying row', async () => {
    const w = world();
    const scope = `user:${crypto.randomUUID()}`;
    await grow(scope);
    await run();
    const fromKv = await latestSignedHead(w.orm.em.fork(), signer(), scope, w.kv);
    expect(fromKv.map((h) => [h.source, h.checkpoint.seq])).toEqual([
      ['kv', 1],
      ['database', 1],
    ]);
    expect(fromKv.forged).toBeUndefined();
    await w.kv.set(auditHeadKvKey(scope), (await w.kv.get(auditHeadKvKey(`ws:x`))) ?? 'not json', 60);
    const other = `user:${crypto.randomUUID()}`;
    await grow(other);
    await run();
    await w.kv.set(auditHeadKvKey(scope), (await w.kv.get(auditHeadKvKey(other))) ?? '', 60);
    expect((await latestSignedHead(w.orm.em.fork(), signer(), scope, w.kv)).map((h) => h.source)).toEqual([
      'database',
    ]);
    const closed = new RedisKvStore(await connectRedis(testServices().redisUrl, { connectTimeoutMs: 3000 }));
    await closed.close();
    expect((await latestSignedHead(w.orm.em.fork(), signer(), scope, closed)).map((h) => h.source)).toEqual([
      'database',
    ]);
  });
});

describe('keys, checkpoints and the digest', () => {
  it('parses a 32-byte seed or PKCS#8 DER (whitespace around it), refuses others with their reason', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const der = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    const key = parseAuditSigningKey(`  ${der}\n`);
    expect(key.asymmetricKeyType).toBe('ed25519');
    const signer = auditSignerFromConfig({ auditSigningKey: der, secret: '', env: 'production' });
    const raw = Buffer.from(String(publicKey.export({ format: 'jwk' }).x), 'base64url');
    expect(signer.publicKey).toBe(raw.toString('base64url'));
    expect(signer.keyId).toBe(createHash('sha256').update(raw).digest('hex').slice(0, 16));
    const x25519 = generateKeyPairSync('x25519').privateKey.export({ format: 'der', type: 'pkcs8' });
    expect(() => parseAuditSigningKey(x25519.toString('base64'))).toThrow(
      'AUDIT_SIGNING_KEY: must be an Ed25519 key',
    );
    expect(() => parseAuditSigningKey('AAAA')).toThrow(
      'AUDIT_SIGNING_KEY: is not a base64 Ed25519 private key (32 raw bytes or PKCS#8 DER)',
    );
    const head = { scope: 'user:u', seq: 1, hash: 'a'.repeat(64), time: new Date(0).toISOString() };
    const signed = signer.sign(head);
    expect(signer.verify({ ...signed, keyId: 'other' })).toBe(false);
    expect(signer.verify({ ...signed, signature: 'AA' })).toBe(false);
    expect(workspaceOfScope('ws:abc')).toBe('abc');
    expect(workspaceOfScope('user:abc')).toBeNull();
  });

  it('reads checkpoints as sent (camelCase, snake_case, a whole event) and nothing else', () => {
    const signed = signer().sign({
      scope: 'ws:w',
      seq: 2,
      hash: 'b'.repeat(64),
      time: new Date(0).toISOString(),
    });
    const { keyId, ...rest } = signed;
    expect(parseCheckpoint(JSON.stringify(signed))).toEqual(signed);
    expect(parseCheckpoint(JSON.stringify({ ...rest, key_id: keyId }))).toEqual(signed);
    const event = { type: 'audit.checkpoint', data: { ...rest, key_id: keyId } };
    expect(parseCheckpoint(JSON.stringify(event))).toEqual(signed);
    // A checkpoint at the top level that also says it is the event: read as it is.
    expect(parseCheckpoint(JSON.stringify({ ...signed, type: 'audit.checkpoint' }))).toEqual(signed);
    for (const text of [
      null,
      undefined,
      '',
      'null',
      '42',
      '"text"',
      JSON.stringify({ ...event, type: 'other' }),
    ])
      expect(parseCheckpoint(text)).toBeUndefined();
  });

  it('the digest: the checkpoint, the key, escaped HTML, one trimmed recipient', () => {
    const checkpoint = signer().sign({
      scope: 'ws:w',
      seq: 7,
      hash: 'c'.repeat(64),
      time: '2026-01-01T00:00:00.000Z',
    });
    const mail = auditDigestMessage({
      to: ' owner@example.test ',
      checkpoint,
      publicKey: signer().publicKey,
    });
    expect(mail.to).toBe('owner@example.test');
    expect(mail.subject).toBe('Postern: your audit log checkpoint');
    expect(mail.text).toContain(
      'now holds 7 entries. Below is its head, signed by Postern on 2026-01-01T00:00:00.000Z.',
    );
    expect(mail.text).toContain(
      `\n\n${JSON.stringify(checkpoint)}\n\n--\n\nSigning key ${checkpoint.keyId} (Ed25519 public key ${signer().publicKey}).`,
    );
    expect(mail.text.endsWith('own the workspace.\n')).toBe(true);
    expect(mail.html).toContain('{&#34;scope&#34;:&#34;ws:w&#34;,&#34;seq&#34;:7');
    expect(mail.html).toContain('<p>Hello,</p>\n<p>Your workspace&#39;s audit log now holds 7 entries.');
    expect(mail.text).toContain('Keep this email. If the log is ever emptied');
    expect(mail.html.startsWith('<!doctype html><html lang="en"><head><meta charset="utf-8">\n<title>')).toBe(
      true,
    );
    expect(mail.html).toContain(
      '<title>Postern: your audit log checkpoint</title></head><body style="font-family:sans-serif;font-size:15px">',
    );
    expect(mail.html).toContain(`<p style="font-size:12px;color:#6b7280">Signing key ${checkpoint.keyId}`);
    expect(mail.html.endsWith('</body></html>\n')).toBe(true);
    for (const to of [
      'a@example.test, b@example.test',
      'a@example.test;b@example.test',
      'a@example.test\r\nBcc: x@y.z',
    ])
      expect(() => auditDigestMessage({ to, checkpoint, publicKey: '' })).toThrow(
        'mail recipient must be a single address',
      );
  });
});
