// Double opt-in (#30): one row per confirmation link sent. Only the keyed hash of the link's token is
// stored (HMAC under a key derived from POSTERN_SECRET, core/crypto/hash.ts): a dump of the database
// cannot confirm anything. Bound to the contact and the list (and the workspace, for tenant filters),
// deleted with any of them (erasure removes the contact, so its links die with it).
import { defineEntity, p } from '@mikro-orm/core';
import { Contact, ContactList } from './contacts.ts';
import { Workspace } from './workspace.ts';

export const OptInTokenSchema = defineEntity({
  name: 'OptInToken',
  tableName: 'opt_in_token',
  indexes: [{ properties: ['expiresAt'] }],
  properties: {
    tokenHash: p.string().length(64).primary(),
    workspace: () => p.manyToOne(Workspace).deleteRule('cascade'),
    contact: () => p.manyToOne(Contact).deleteRule('cascade').index(),
    list: () => p.manyToOne(ContactList).deleteRule('cascade').index(),
    expiresAt: p.datetime(),
    /** Set by the one POST that confirmed; a second use is refused (410). */
    usedAt: p.datetime().nullable(),
    createdAt: p.datetime(),
  },
});
export class OptInToken extends OptInTokenSchema.class {}
OptInTokenSchema.setClass(OptInToken);
