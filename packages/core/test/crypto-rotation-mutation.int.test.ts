// The key rotation's own argument checks, which mutation testing (issue #25) found untested: the
// batch size must be a positive integer (1 is fine), and a field's table or column that is not a
// plain SQL identifier is refused before any statement is built. Real PostgreSQL (a test database).
import { randomBytes } from 'node:crypto';
import { createOrm, type MikroORM } from '@postern/db';
import { createTestDatabase, type TestDatabase } from '@postern/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyring, rotateEncryptedFields } from '../src/crypto/index.ts';

let db: TestDatabase;
let orm: MikroORM;
beforeAll(async () => {
  db = await createTestDatabase();
  orm = await createOrm({ databaseUrl: db.url, poolMax: 2 });
});
afterAll(async () => {
  try {
    await orm?.close();
  } finally {
    await db?.drop();
  }
});

const keyring = createKeyring([{ id: 'k1', key: randomBytes(32) }]);
const totp = { table: 'app_user', idColumn: 'id', column: 'totp_secret' };

describe('rotateEncryptedFields arguments', () => {
  it.each([0, -1, 1.5, Number.NaN])('refuses batch size %s', async (batchSize) => {
    await expect(rotateEncryptedFields(orm.em.fork(), keyring, { batchSize })).rejects.toThrow(
      'rotation: batchSize must be a positive integer',
    );
  });

  it('a batch of 1 works (and an empty table rotates nothing)', async () => {
    expect(await rotateEncryptedFields(orm.em.fork(), keyring, { batchSize: 1, fields: [totp] })).toEqual([
      { table: 'app_user', column: 'totp_secret', scanned: 0, rotated: 0, skipped: 0, failed: 0 },
    ]);
  });

  it.each([
    { ...totp, table: 'app_user; drop table app_user' },
    { ...totp, column: 'totp_secret"' },
    { ...totp, idColumn: 'Id' },
  ])('refuses a field that is not a plain identifier: %o', async (field) => {
    await expect(rotateEncryptedFields(orm.em.fork(), keyring, { fields: [field] })).rejects.toThrow(
      /^rotation: invalid SQL identifier "/,
    );
  });
});
