// The CPU-heavy part of an import made ahead, while the previous chunk's transaction runs in the
// database: for each candidate, the id it gets if it is a new contact, its own random key sealed with
// the keyring, and its `imported` ledger event sealed under that key. Nothing is written here; what a
// candidate does not use (an existing contact, a suppressed or skipped address) is dropped with the
// chunk. The work yields to the event loop every few hundred rows so the database round trips of the
// running transaction go on meanwhile (the two overlap on two cores).
import { createSecretKey, randomBytes } from 'node:crypto';
import { KEY_BYTES } from '../../crypto/keyring.ts';
import { sealForSubject } from '../../crypto/subject-keys.ts';
import { encryptionContext, type Keyring } from '../../crypto/types.ts';
import { personalOf } from './chunk.ts';
import { uuidv7 } from './ids.ts';
import type { Candidate } from './rows.ts';

const SLICE = 250;
const pause = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function presealCandidates(
  candidates: readonly Candidate[],
  keyring: Keyring,
  source: string | null,
): Promise<void> {
  for (let from = 0; from < candidates.length; from += SLICE) {
    const slice = candidates.slice(from, from + SLICE);
    const pool = randomBytes(KEY_BYTES * slice.length);
    slice.forEach((c, i) => {
      const bytes = pool.subarray(i * KEY_BYTES, (i + 1) * KEY_BYTES);
      const keyId = uuidv7();
      const eventId = uuidv7();
      c.sealed = {
        contactId: uuidv7(),
        keyId,
        sealedKey: keyring.encrypt(bytes, encryptionContext('subject_key', keyId, 'key')),
        eventId,
        // A KeyObject, not the raw bytes: createCipheriv takes a Buffer key ~10 µs slower (measured
        // on Node 24, a view into a pool) than it takes createSecretKey's.
        sealedEvent: sealForSubject(
          createSecretKey(bytes),
          personalOf(c.email, source),
          `consent_event:${eventId}:sealed`,
        ),
      };
    });
    await pause();
  }
}
