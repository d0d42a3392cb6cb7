// The keyring's contract (implemented in keyring.ts). Ciphertexts are AES-256-GCM under a versioned
// key whose id travels with the ciphertext; the associated data binds a ciphertext to its owner row
// and field, so a ciphertext copied to another row or column fails to decrypt.
export interface Keyring {
  /** Id of the key new ciphertexts are made with (the first in ENCRYPTION_KEYS). */
  readonly currentKeyId: string;
  encrypt(plaintext: string | Buffer, context: string): string;
  /** Throws DomainError('INTERNAL') when the key is unknown or the ciphertext/context do not match. */
  decrypt(ciphertext: string, context: string): Buffer;
  decryptString(ciphertext: string, context: string): string;
  /** True when the ciphertext was made with a key other than the current one. */
  needsRotation(ciphertext: string): boolean;
}

/** The associated data of a stored secret: table, row id and column. */
export const encryptionContext = (table: string, rowId: string, field: string) =>
  `${table}:${rowId}:${field}`;
