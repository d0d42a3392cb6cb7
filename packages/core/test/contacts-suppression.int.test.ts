// Suppression (#29): a suppressed address never comes back through import, the API, the dashboard or
// a form (a form only gets an unconfirmed subscription, which the person's own double opt-in lifts);
// unsubscribed/bounced/complained entries cannot be removed by the workspace, manual ones can; the
// hashes keep matching when POSTERN_SECRET changes and when ENCRYPTION_KEYS is rotated (the rotation
// command's rotateEncryptedFields); addresses are compared in their normalised form.
import { randomBytes } from 'node:crypto';
import { createOrm } from '@postern/db';
import { createTestDatabase } from '@postern/db/testing';
import { loadConfig } from '@postern/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addSuppressionKeyVersion,
  addSuppressions,
  confirm,
  createList,
  exportSuppressions,
  importContacts,
  isSuppressed,
  listSuppressions,
  loadSuppressionKeys,
  removeSuppression,
  subscribe,
  suppressInTx,
  suppressionHash,
  unsubscribe,
} from '../src/contacts/index.ts';
import { coreContext } from '../src/context.ts';
import { createKeyring, keyringFromConfig, rotateEncryptedFields } from '../src/crypto/index.ts';
import { contactsWorld, EMAILS } from './support/contacts-world.ts';
import { domainErrorOf } from './support/domain-error.ts';

const key1 = `k1:${randomBytes(32).toString('base64')}`;
const world = contactsWorld({ ENCRYPTION_KEYS: key1, POSTERN_SECRET: 'a'.repeat(48) });

let ws: string;
let owner: string;
let listId: string;
beforeAll(async () => {
  ({ workspaceId: ws, userId: owner } = await world.workspace());
  listId = (await createList(world.as(owner), ws, { name: 'News', doubleOptIn: true })).id;
});

const subscribeAs = (method: 'api' | 'dashboard' | 'hosted_form' | 'embedded_form', email: string) =>
  subscribe(world.as(method.endsWith('form') ? null : owner), ws, {
    listId,
    contact: { email },
    evidence: { method, ip: '203.0.113.9', userAgent: 'UA/1', confirmedAt: undefined },
  });

describe('a suppressed address cannot come back', () => {
  it.each(['api', 'dashboard'] as const)('refuses an %s subscribe', async (method) => {
    const [email] = EMAILS(1);
    await addSuppressions(world.as(owner), ws, { emails: [email as string] });
    const error = await domainErrorOf(subscribeAs(method, email as string));
    expect(error.code).toBe('CONFLICT');
    expect(error.details).toMatchObject({ reason: 'suppressed' });
    const rows = await world
      .w()
      .sql<{ n: string }>(
        'select count(*) as n from contact where workspace_id = ? and email_normalized = lower(?)',
        [ws, email],
      );
    expect(Number(rows[0]?.n)).toBe(0);
  });

  it('matches the normalised form (case, IDNA)', async () => {
    await addSuppressions(world.as(owner), ws, { emails: ['Someone@Bücher.example'] });
    const error = await domainErrorOf(subscribeAs('api', 'someone@xn--bcher-kva.EXAMPLE'));
    expect(error.code).toBe('CONFLICT');
    const [result] = await isSuppressed(world.as(owner), ws, ['SOMEONE@bücher.example']);
    expect(result).toMatchObject({ suppressed: true, reason: 'manual' });
  });

  it('skips it in an import, with the reason', async () => {
    const [a, b, c] = EMAILS(3);
    await addSuppressions(world.as(owner), ws, { emails: [b as string] });
    const result = await importContacts(world.as(owner), ws, {
      listId,
      basis: 'consent',
      rows: [{ email: a as string }, { email: (b as string).toUpperCase() }, { email: c as string }],
    });
    expect(result.imported).toBe(2);
    expect(result.skipped).toEqual([expect.objectContaining({ row: 2, reason: 'suppressed' })]);
  });

  it.each(['hosted_form', 'embedded_form'] as const)(
    'a %s only gets an unconfirmed subscription; the address stays suppressed until the person confirms',
    async (method) => {
      const [email] = EMAILS(1);
      // Subscribed, then unsubscribed from everything: suppressed `unsubscribed`.
      const first = await subscribeAs('dashboard', email as string);
      await unsubscribe(world.as(null), ws, { contactId: first.contact.id, method: 'hosted_form' });
      expect((await isSuppressed(world.as(owner), ws, [email as string]))[0]?.reason).toBe('unsubscribed');
      // Neither the API nor the dashboard nor an import brings it back.
      expect((await domainErrorOf(subscribeAs('api', email as string))).code).toBe('CONFLICT');
      expect((await domainErrorOf(subscribeAs('dashboard', email as string))).code).toBe('CONFLICT');
      const imported = await importContacts(world.as(owner), ws, {
        listId,
        basis: 'legitimate_interest',
        rows: [{ email: email as string }],
      });
      expect(imported).toMatchObject({ imported: 0, skipped: [{ row: 1, reason: 'suppressed' }] });
      // The person's own form: unconfirmed, still suppressed.
      const again = await subscribeAs(method, email as string);
      expect(again).toMatchObject({ status: 'unconfirmed', confirmationRequired: true });
      expect((await isSuppressed(world.as(owner), ws, [email as string]))[0]?.suppressed).toBe(true);
      // Their double opt-in confirmation lifts it.
      await confirm(world.as(null), ws, { listId, contactId: again.contact.id, ip: '198.51.100.7' });
      expect((await isSuppressed(world.as(owner), ws, [email as string]))[0]?.suppressed).toBe(false);
    },
  );

  it("a manual suppression refuses even the person's own form", async () => {
    const [email] = EMAILS(1);
    await addSuppressions(world.as(owner), ws, { emails: [email as string] });
    const error = await domainErrorOf(subscribeAs('hosted_form', email as string));
    expect(error.details).toMatchObject({ reason: 'suppressed' });
    expect(error.message).toMatch(/suppressed \(manual\)/);
  });

  it('a list-level unsubscribe cannot be undone by the API or an import either', async () => {
    const [email] = EMAILS(1);
    const first = await subscribeAs('dashboard', email as string);
    await unsubscribe(world.as(owner), ws, { contactId: first.contact.id, listId, method: 'dashboard' });
    const error = await domainErrorOf(subscribeAs('api', email as string));
    expect(error.details).toMatchObject({ reason: 'unsubscribed' });
    const imported = await importContacts(world.as(owner), ws, {
      listId,
      basis: 'consent',
      rows: [{ email: email as string }],
    });
    expect(imported.skipped[0]?.reason).toBe('unsubscribed');
  });
});

describe('removing suppressions', () => {
  it('refuses unsubscribed, bounced and complained entries; allows manual ones', async () => {
    const [u, b, c, m] = EMAILS(4);
    const ctx = world.as(owner);
    await ctx.em.transactional(async (tx) => {
      for (const [email, reason] of [
        [u, 'unsubscribed'],
        [b, 'bounced'],
        [c, 'complained'],
      ] as const)
        await suppressInTx(tx, ctx, ws, {
          addresses: [{ email: email as string, normalized: (email as string).toLowerCase() }],
          reason,
          source: 'test',
        });
    });
    await addSuppressions(world.as(owner), ws, { emails: [m as string] });
    const all = await exportSuppressions(world.as(owner), ws);
    const idOf = (email: string) => all.find((s) => s.email === email)?.id as string;
    for (const email of [u, b, c]) {
      const error = await domainErrorOf(removeSuppression(world.as(owner), ws, idOf(email as string)));
      expect(error.code).toBe('CONFLICT');
      expect(error.message).toMatch(/only the person can lift it/);
    }
    await removeSuppression(world.as(owner), ws, idOf(m as string));
    const left = await isSuppressed(world.as(owner), ws, [u, b, c, m] as string[]);
    expect(left.map((r) => r.suppressed)).toEqual([true, true, true, false]);
    // Audited by member, with counts and ids, never an address.
    const audit = await world
      .w()
      .sql<{ event_type: string; actor_id: string; metadata: unknown }>(
        "select event_type, actor_id, metadata from audit_entry where workspace_id = ? and event_type like 'suppression.%' order by seq",
        [ws],
      );
    expect(new Set(audit.map((a) => a.event_type))).toEqual(
      new Set(['suppression.added', 'suppression.exported', 'suppression.removed']),
    );
    // The member's changes name the member; a lift by the person's double opt-in names nobody.
    const byPerson = (a: { metadata: unknown }) =>
      (a.metadata as { by?: string } | null)?.by === 'double_opt_in';
    expect(audit.filter((a) => !byPerson(a)).every((a) => a.actor_id === owner)).toBe(true);
    expect(audit.filter(byPerson).every((a) => a.actor_id === null)).toBe(true);
    expect(JSON.stringify(audit)).not.toMatch(/@example\.com/);
  });

  it('adds all-or-nothing: one invalid address refuses the batch', async () => {
    const [a, b] = EMAILS(2);
    const error = await domainErrorOf(
      addSuppressions(world.as(owner), ws, { emails: [a as string, 'not an address', b as string] }),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(/position 2/);
    expect((await isSuppressed(world.as(owner), ws, [a, b] as string[])).some((r) => r.suppressed)).toBe(
      false,
    );
  });
});

describe('the suppression key', () => {
  it('keeps every suppression matching when POSTERN_SECRET changes (same ENCRYPTION_KEYS)', async () => {
    const emails = EMAILS(5);
    await addSuppressions(world.as(owner), ws, { emails });
    const config = loadConfig({
      DATABASE_URL: world.w().db.appUrl,
      LOG_LEVEL: 'silent',
      WEB_DIST: '/nonexistent',
      ENCRYPTION_KEYS: key1,
      POSTERN_SECRET: 'b'.repeat(48),
    });
    const ctx = coreContext(
      { ...world.w().services, config, keyring: keyringFromConfig(config) },
      {
        em: world.w().orm.em.fork(),
      },
    );
    expect((await isSuppressed(ctx, ws, emails)).every((r) => r.suppressed)).toBe(true);
  });

  it('keeps every suppression matching through an ENCRYPTION_KEYS rotation and the rotation command', async () => {
    const emails = EMAILS(5);
    await addSuppressions(world.as(owner), ws, { emails });
    const old = keyringFromConfig(world.w().config);
    const newKey = { id: 'k2', key: randomBytes(32) };
    const oldKey = { id: 'k1', key: Buffer.from(key1.slice(3), 'base64') };
    const both = createKeyring([newKey, oldKey]);
    const results = await rotateEncryptedFields(world.w().orm.em.fork(), both);
    for (const table of ['suppression', 'suppression_key'])
      expect(results.find((r) => r.table === table)).toMatchObject({
        failed: 0,
        rotated: expect.any(Number),
      });
    expect(results.find((r) => r.table === 'suppression_key')?.rotated).toBe(1);
    // Only the new key left: every suppression still matches and reads.
    const onlyNew = createKeyring([newKey]);
    const ctx = { ...world.as(owner), keyring: onlyNew };
    expect((await isSuppressed(ctx, ws, emails)).every((r) => r.suppressed)).toBe(true);
    const page = await listSuppressions(ctx, ws, { limit: 500 });
    expect(page.suppressions.map((s) => s.email)).toEqual(expect.arrayContaining(emails));
    expect(old.currentKeyId).toBe('k1');
    // Back to k1 for the tests that follow (the world's keyring has only k1).
    await rotateEncryptedFields(world.w().orm.em.fork(), createKeyring([oldKey, newKey]));
  });

  it('is its own random key, stored sealed, created once by concurrent first users', async () => {
    const rows = await world
      .w()
      .sql<{ version: number; key: string }>('select version, key from suppression_key');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.key).toMatch(/^v1\.k\d\./);
    // A database with no key yet: five first users at once agree on one key.
    const db = await createTestDatabase();
    const orm = await createOrm({ databaseUrl: db.appUrl, poolMax: 5 });
    try {
      const keyring = world.w().services.keyring;
      const loaded = await Promise.all(
        [1, 2, 3, 4, 5].map(() =>
          orm.em.fork().transactional((tx) => loadSuppressionKeys(tx, keyring, { create: true })),
        ),
      );
      const hashes = loaded.map((keys) => keys.map((k) => suppressionHash(k, ws, 'a@example.com')).join());
      expect(new Set(hashes).size).toBe(1);
      const stored = await orm.em.fork().getConnection().execute('select version from suppression_key');
      expect(stored).toHaveLength(1);
    } finally {
      await orm.close(true);
      await db.drop();
    }
  });

  it('a new version is added, never replacing the old: entries under either keep matching', async () => {
    const [before, after] = EMAILS(2);
    await addSuppressions(world.as(owner), ws, { emails: [before as string] });
    const version = await addSuppressionKeyVersion(world.w().orm.em.fork(), world.w().services.keyring);
    expect(version).toBeGreaterThan(1);
    await addSuppressions(world.as(owner), ws, { emails: [after as string] });
    const versions = await world
      .w()
      .sql<{ key_version: number }>(
        'select key_version from suppression where workspace_id = ? order by created_at desc limit 1',
        [ws],
      );
    expect(versions[0]?.key_version).toBe(version);
    const result = await isSuppressed(world.as(owner), ws, [before, after] as string[]);
    expect(result.every((r) => r.suppressed)).toBe(true);
    // Adding the same address again is not a second entry, whichever version it was hashed under.
    expect(await addSuppressions(world.as(owner), ws, { emails: [before as string] })).toEqual({
      added: 0,
      existing: 1,
    });
  });
});
