import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  createKeyring,
  ENCRYPTED_FIELDS,
  type EncryptedField,
  encryptionContext,
  type FieldRotationResult,
  type Keyring,
  rotateEncryptedFields,
} from '@postern/core';
import { createOrm, type MikroORM } from '@postern/db';
import { createTestDatabase, type TestDatabase } from '@postern/db/testing';
import { runNodeScript } from '@postern/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../src/cli/rotate-keys.ts', import.meta.url));
const TOTP: EncryptedField = { table: 'app_user', idColumn: 'id', column: 'totp_secret' };

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const k9 = { id: 'k9', key: randomBytes(32) };
const setting = (...keys: { id: string; key: Buffer }[]) =>
  keys.map(({ id, key }) => `${id}:${key.toString('base64')}`).join(',');
const context = (id: string) => encryptionContext('app_user', id, 'totp_secret');

async function insertUser(orm: MikroORM, totpSecret: string | null, id = randomUUID()): Promise<string> {
  await orm.em
    .fork()
    .getConnection()
    .execute(
      'insert into app_user (id, email, password_hash, totp_secret, created_at, updated_at) values (?, ?, ?, ?, now(), now())',
      [id, `${id}@example.test`, 'not-a-real-hash', totpSecret],
      'run',
    );
  return id;
}

/** Inserts a user whose TOTP secret is encrypted under `keyring`; returns its id and plaintext. */
async function insertEncrypted(orm: MikroORM, keyring: Keyring) {
  const id = randomUUID();
  const plaintext = randomBytes(20).toString('hex');
  await insertUser(orm, keyring.encrypt(plaintext, context(id)), id);
  return { id, plaintext };
}

async function storedSecret(orm: MikroORM, id: string): Promise<string | null> {
  const [row] = await orm.em
    .fork()
    .getConnection()
    .execute<{ totp_secret: string | null }[]>('select totp_secret from app_user where id = ?', [id]);
  return row?.totp_secret ?? null;
}

const totpResult = (results: FieldRotationResult[]) =>
  results.find((r) => r.table === 'app_user' && r.column === 'totp_secret');

describe('rotateEncryptedFields', () => {
  let db: TestDatabase;
  let orm: MikroORM;

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await createOrm({ databaseUrl: db.url, poolMax: 4 });
  });

  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  it('registers app_user.totp_secret', () => {
    expect(ENCRYPTED_FIELDS).toContainEqual(TOTP);
  });

  it('re-encrypts every value under the current key, in batches, and a second run rotates nothing', async () => {
    const oldKeyring = createKeyring([k1]);
    const users = [];
    for (let i = 0; i < 7; i++) users.push(await insertEncrypted(orm, oldKeyring));
    await insertUser(orm, null);
    const alreadyCurrent = await insertEncrypted(orm, createKeyring([k2]));
    const alreadyCurrentCiphertext = await storedSecret(orm, alreadyCurrent.id);

    const keyring = createKeyring([k2, k1]);
    const first = await rotateEncryptedFields(orm.em.fork(), keyring, { batchSize: 3 });
    expect(totpResult(first)).toEqual({
      table: 'app_user',
      column: 'totp_secret',
      scanned: 8,
      rotated: 7,
      skipped: 0,
      failed: 0,
    });

    for (const { id, plaintext } of users) {
      const stored = await storedSecret(orm, id);
      expect(stored?.startsWith('v1.k2.')).toBe(true);
      expect(keyring.decryptString(stored ?? '', context(id))).toBe(plaintext);
      // Bound to its own row: the value does not decrypt as another user's secret.
      expect(() => keyring.decrypt(stored ?? '', context(alreadyCurrent.id))).toThrow(
        'stored secret cannot be decrypted',
      );
      // And the old key alone can no longer read it.
      expect(() => oldKeyring.decrypt(stored ?? '', context(id))).toThrow(
        'stored secret cannot be decrypted',
      );
    }
    // A value already under the current key is left byte for byte as it was.
    expect(await storedSecret(orm, alreadyCurrent.id)).toBe(alreadyCurrentCiphertext);

    const second = await rotateEncryptedFields(orm.em.fork(), keyring, { batchSize: 3 });
    expect(totpResult(second)).toMatchObject({ scanned: 8, rotated: 0, skipped: 0, failed: 0 });
  });

  it('never overwrites a value written concurrently (compare-and-set)', async () => {
    const { id } = await insertEncrypted(orm, createKeyring([k1]));
    const keyring = createKeyring([k2, k1]);
    const concurrentValue = keyring.encrypt('written by a user meanwhile', context(id));
    let rotation: Promise<FieldRotationResult[]> | undefined;
    // Another writer locks the row, lets the rotation read the old value and block on its update, then
    // stores a new value and commits: the rotation's update must then match nothing.
    await orm.em.fork().transactional(async (tx) => {
      const connection = tx.getConnection();
      const ctx = tx.getTransactionContext();
      await connection.execute('select id from app_user where id = ? for update', [id], 'all', ctx);
      rotation = rotateEncryptedFields(orm.em.fork(), keyring, { fields: [TOTP] });
      await waitForBlockedUpdate(orm);
      await connection.execute(
        'update app_user set totp_secret = ? where id = ?',
        [concurrentValue, id],
        'run',
        ctx,
      );
    });
    const [result] = (await rotation) ?? [];
    expect(result).toMatchObject({ rotated: 0, skipped: 1, failed: 0 });
    expect(await storedSecret(orm, id)).toBe(concurrentValue);
    expect(keyring.decryptString((await storedSecret(orm, id)) ?? '', context(id))).toBe(
      'written by a user meanwhile',
    );
  });

  it('counts values no key can decrypt as failed and leaves them untouched', async () => {
    const { id } = await insertEncrypted(orm, createKeyring([k9]));
    const before = await storedSecret(orm, id);
    const [result] = await rotateEncryptedFields(orm.em.fork(), createKeyring([k2, k1]), { fields: [TOTP] });
    expect(result).toMatchObject({ rotated: 0, failed: 1 });
    expect(await storedSecret(orm, id)).toBe(before);
    await orm.em.fork().getConnection().execute('delete from app_user where id = ?', [id], 'run');
  });
});

/** Waits until an UPDATE of app_user in this database is waiting for a row lock. */
async function waitForBlockedUpdate(orm: MikroORM) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const [row] = await orm.em
      .fork()
      .getConnection()
      .execute<{ waiting: number }[]>(
        `select count(*)::int as waiting from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock' and query like 'update "app_user"%'`,
      );
    if ((row?.waiting ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the rotation never reached its update');
}

const runCli = (env: Record<string, string>) => runNodeScript(CLI, [], env);

describe('rotate-keys command', () => {
  let db: TestDatabase;
  let orm: MikroORM;

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await createOrm({ databaseUrl: db.url, poolMax: 2 });
  });

  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  it('rotates to the first key of ENCRYPTION_KEYS, prints one line per field and a total, exits 0', async () => {
    const users = [];
    for (let i = 0; i < 3; i++) users.push(await insertEncrypted(orm, createKeyring([k1])));
    const env = { DATABASE_URL: db.url, ENCRYPTION_KEYS: setting(k2, k1) };

    const run = await runCli(env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('rotating encrypted fields to key "k2"');
    expect(lines).toContain('app_user.totp_secret: scanned 3, rotated 3, skipped 0, failed 0');
    expect(lines.at(-1)).toBe('total: scanned 3, rotated 3, skipped 0, failed 0');
    expect(lines).toHaveLength(ENCRYPTED_FIELDS.length + 2);
    const keyring = createKeyring([k2, k1]);
    for (const { id, plaintext } of users) {
      const stored = (await storedSecret(orm, id)) ?? '';
      expect(stored.startsWith('v1.k2.')).toBe(true);
      expect(keyring.decryptString(stored, context(id))).toBe(plaintext);
    }
    expect(run.stdout).not.toContain(k1.key.toString('base64'));
    expect(run.stdout).not.toContain(k2.key.toString('base64'));

    const again = await runCli(env);
    expect(again.code).toBe(0);
    expect(again.stdout.trim().split('\n').at(-1)).toBe('total: scanned 3, rotated 0, skipped 0, failed 0');
  });

  it('exits 1 and warns when a value cannot be decrypted with the configured keys', async () => {
    const run = await runCli({ DATABASE_URL: db.url, ENCRYPTION_KEYS: setting(k9) });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('app_user.totp_secret: scanned 3, rotated 0, skipped 0, failed 3');
    expect(run.stderr).toMatch(/3 value\(s\) cannot be decrypted .*do not remove old keys/);
  });

  it('reports a bad ENCRYPTION_KEYS entry in one line, without the key', async () => {
    const short = randomBytes(31).toString('base64');
    const run = await runCli({ DATABASE_URL: db.url, ENCRYPTION_KEYS: `k2:${short}` });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^postern keys: .*ENCRYPTION_KEYS: entry 1 \(id "k2"\): .*32 bytes, got 31/);
    expect(run.stderr).not.toContain(short);
  });
});
