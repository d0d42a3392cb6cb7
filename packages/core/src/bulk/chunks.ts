// How a bulk job's chunk keeps its addresses and results: each as ONE keyring ciphertext per chunk (not
// per address) of a raw-deflated JSON array — the addresses (ASCII form, in sequence order) and the
// results aligned with them, null where an address has no result yet. The context binds each to its
// chunk row and column (bulk_job_chunk:<id>:addresses|results), so a ciphertext moved to another
// chunk or column does not decrypt.
//
// Per chunk rather than per address: one AES-GCM operation, one random IV and one row write for
// hundreds of addresses, and results that share most of their text compress ~10×.
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import type { ValidationResult } from '@postern/contracts';
import { encryptionContext, type Keyring } from '../crypto/index.ts';
import { DomainError } from '../errors.ts';

export type ChunkField = 'addresses' | 'results';

export const chunkContext = (chunkId: string, field: ChunkField) =>
  encryptionContext('bulk_job_chunk', chunkId, field);

/** Fast compression: the text is JSON of very similar records; level 1 gets most of the gain. */
const DEFLATE = { level: constants.Z_BEST_SPEED } as const;

/** A value as a keyring ciphertext of its raw-deflated JSON, bound to `context`. */
export function sealJson(keyring: Keyring, context: string, value: unknown): string {
  return keyring.encrypt(deflateRawSync(JSON.stringify(value), DEFLATE), context);
}

export function openJson(keyring: Keyring, context: string, ciphertext: string): unknown {
  return JSON.parse(inflateRawSync(keyring.decrypt(ciphertext, context)).toString('utf8'));
}

const seal = (keyring: Keyring, chunkId: string, field: ChunkField, value: unknown) =>
  sealJson(keyring, chunkContext(chunkId, field), value);

const open = (keyring: Keyring, chunkId: string, field: ChunkField, ciphertext: string) =>
  openJson(keyring, chunkContext(chunkId, field), ciphertext);

export const corrupt = () => new DomainError('INTERNAL', 'a stored bulk chunk is not in the expected form');

export function sealAddresses(keyring: Keyring, chunkId: string, addresses: readonly string[]): string {
  return seal(keyring, chunkId, 'addresses', addresses);
}

/** The chunk's addresses; throws INTERNAL unless they are `size` strings. */
export function openAddresses(keyring: Keyring, chunkId: string, ciphertext: string, size: number): string[] {
  const value = open(keyring, chunkId, 'addresses', ciphertext);
  if (!Array.isArray(value) || value.length !== size || !value.every((a) => typeof a === 'string'))
    throw corrupt();
  return value as string[];
}

export type ChunkResults = (ValidationResult | null)[];

export function sealResults(keyring: Keyring, chunkId: string, results: ChunkResults): string {
  return seal(keyring, chunkId, 'results', results);
}

/** The chunk's results (null where none yet); all null when nothing was written. */
export function openResults(
  keyring: Keyring,
  chunkId: string,
  ciphertext: string | null,
  size: number,
): ChunkResults {
  if (ciphertext === null) return new Array<ValidationResult | null>(size).fill(null);
  const value = open(keyring, chunkId, 'results', ciphertext);
  if (!Array.isArray(value) || value.length !== size) throw corrupt();
  return value as ChunkResults;
}

/** Per-status counter columns of bulk_job and bulk_job_chunk, keyed by verdict status. */
export const STATUS_COLUMNS = {
  deliverable: 'deliverable',
  undeliverable: 'undeliverable',
  catch_all: 'catch_all',
  risky: 'risky',
  do_not_mail: 'do_not_mail',
  unknown: 'unknown',
} as const;
export type VerdictStatus = keyof typeof STATUS_COLUMNS;

/** The columns of a chunk read as a plain row (not an entity: nothing for the unit of work to track). */
export const CHUNK_COLUMNS = `id, seq, from_seq, size, addresses, results, status, version`;
export interface ChunkRow {
  id: string;
  seq: number;
  from_seq: number;
  size: number;
  addresses: string;
  results: string | null;
  status: string;
  version: number;
}
