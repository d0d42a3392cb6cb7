// Key rotation: re-encrypts every stored secret that is not under the current key. Runs while the
// API and worker keep serving (every key in ENCRYPTION_KEYS still decrypts), batch by batch, and each
// row is updated with a compare-and-set so a value written concurrently is never overwritten.
import type { EntityManager } from '@postern/db';
import type { Keyring } from './types.ts';
import { encryptionContext } from './types.ts';

export interface EncryptedField {
  /** Table name. */
  table: string;
  /** Primary-key column; its text form is the row id in the encryption context. */
  idColumn: string;
  /** Text column holding keyring ciphertexts (null = no secret). */
  column: string;
}

/**
 * Every column that holds keyring ciphertexts, each encrypted with the context
 * `encryptionContext(table, id, column)`. A feature that stores a new kind of secret appends it here,
 * so that the rotation command covers it.
 */
export const ENCRYPTED_FIELDS: EncryptedField[] = [
  { table: 'app_user', idColumn: 'id', column: 'totp_secret' },
  { table: 'bulk_job_chunk', idColumn: 'id', column: 'addresses' },
  { table: 'bulk_job_chunk', idColumn: 'id', column: 'results' },
  { table: 'bulk_job_rows', idColumn: 'id', column: 'rows' },
  { table: 'webhook_endpoint', idColumn: 'id', column: 'secret' },
  { table: 'webhook_endpoint', idColumn: 'id', column: 'previous_secret' },
  { table: 'webhook_endpoint', idColumn: 'id', column: 'url' },
  { table: 'subject_key', idColumn: 'id', column: 'key' },
  { table: 'suppression', idColumn: 'id', column: 'address_sealed' },
  { table: 'suppression_key', idColumn: 'version', column: 'key' },
  { table: 'mailbox', idColumn: 'id', column: 'password' },
  { table: 'mailbox', idColumn: 'id', column: 'access_token' },
  { table: 'mailbox', idColumn: 'id', column: 'refresh_token' },
  { table: 'mailbox_oauth_state', idColumn: 'id', column: 'code_verifier' },
];

export interface FieldRotationResult {
  table: string;
  column: string;
  /** Non-null values read. */
  scanned: number;
  /** Values re-encrypted under the current key. */
  rotated: number;
  /** Values that changed concurrently (compare-and-set missed): left as they are. */
  skipped: number;
  /** Values that could not be decrypted with any key of the keyring: left as they are. */
  failed: number;
}

export interface RotateOptions {
  batchSize?: number;
  fields?: readonly EncryptedField[];
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

function quoteIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`rotation: invalid SQL identifier "${name}"`);
  return `"${name}"`;
}

type Connection = ReturnType<EntityManager['getConnection']>;

async function rotateField(
  connection: Connection,
  keyring: Keyring,
  field: EncryptedField,
  batchSize: number,
): Promise<FieldRotationResult> {
  const table = quoteIdentifier(field.table);
  const id = quoteIdentifier(field.idColumn);
  const column = quoteIdentifier(field.column);
  const result: FieldRotationResult = {
    table: field.table,
    column: field.column,
    scanned: 0,
    rotated: 0,
    skipped: 0,
    failed: 0,
  };
  // Keyset pagination on the primary key: rows rotated in earlier batches are never read again and
  // rows inserted meanwhile (already under the current key) do no harm.
  let after: string | undefined;
  for (;;) {
    const params: unknown[] = after === undefined ? [batchSize] : [after, batchSize];
    const rows = await connection.execute<{ id: string; value: string }[]>(
      `select ${id}::text as id, ${column} as value from ${table} where ${column} is not null` +
        `${after === undefined ? '' : ` and ${id} > ?`} order by ${id} limit ?`,
      params,
    );
    for (const row of rows) {
      result.scanned++;
      if (!keyring.needsRotation(row.value)) continue;
      const context = encryptionContext(field.table, row.id, field.column);
      let plaintext: Buffer;
      try {
        plaintext = keyring.decrypt(row.value, context);
      } catch {
        result.failed++;
        continue;
      }
      const next = keyring.encrypt(plaintext, context);
      plaintext.fill(0);
      const update = await connection.execute<{ affectedRows: number }>(
        `update ${table} set ${column} = ? where ${id} = ? and ${column} = ?`,
        [next, row.id, row.value],
        'run',
      );
      if (update.affectedRows === 1) result.rotated++;
      else result.skipped++;
    }
    if (rows.length < batchSize) return result;
    after = (rows[rows.length - 1] as { id: string }).id;
  }
}

/**
 * Re-encrypts, with the keyring's current key, every non-null value of `fields` whose ciphertext was
 * made with another key. Values that cannot be decrypted (key already removed, corrupted) are counted
 * as `failed` and left untouched; the caller decides whether that is fatal.
 */
export async function rotateEncryptedFields(
  em: EntityManager,
  keyring: Keyring,
  options: RotateOptions = {},
): Promise<FieldRotationResult[]> {
  const batchSize = options.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error('rotation: batchSize must be a positive integer');
  const connection = em.getConnection();
  const results: FieldRotationResult[] = [];
  for (const field of options.fields ?? ENCRYPTED_FIELDS) {
    results.push(await rotateField(connection, keyring, field, batchSize));
  }
  return results;
}
