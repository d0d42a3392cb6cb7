// Per-person keys (crypto-shredding). Personal data that must outlive the person's erasure as proof
// that something happened — audit entries (#28), the consent ledger (#29) — is sealed under a random
// key of the person (an account or a contact) instead of being written in clear. The key itself is
// stored sealed with the keyring (context `subject_key:<id>:key`, covered by key rotation); erasing
// the person deletes this row, after which the sealed data can no longer be read by anyone, while the
// rows that carry it (and hashes computed over the ciphertext) stay intact.
import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';

export const SubjectKeySchema = defineEntity({
  name: 'SubjectKey',
  tableName: 'subject_key',
  uniques: [{ properties: ['subjectType', 'subjectId'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    /** `user` (an account) or `contact` (a workspace's contact). */
    subjectType: p.string().length(20),
    subjectId: p.uuid(),
    /** The contact's workspace (null for accounts): a workspace's erasure deletes its contacts' keys. */
    workspaceId: p.uuid().nullable().index(),
    /** 32 random bytes, sealed with the keyring. */
    key: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class SubjectKey extends SubjectKeySchema.class {}
SubjectKeySchema.setClass(SubjectKey);
