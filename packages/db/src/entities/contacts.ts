// Audiences (#29): contacts, lists, consent text versions, subscriptions, the consent ledger and the
// suppression ledger with its own key. See docs/contacts.md.
// - Contacts, lists, subscriptions and suppressions go with their workspace (foreign keys, on delete
//   cascade); consent text versions too, but not with their list, so a ledger row keeps pointing at the
//   text that was shown after the list is deleted.
// - consent_event is the ledger: append-only (row trigger refusing UPDATE/DELETE here, TRUNCATE refused
//   in the migration), no foreign keys (rows outlive the contact, the list and the workspace as proof),
//   personal data only in `sealed`, under the contact's own key (subject_key), destroyed on erasure.
// - suppression stores a keyed hash of the normalised address under suppression_key — a key of its
//   own, never derived from POSTERN_SECRET and never replaced (new versions are added, old ones kept).
import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { appendOnlyTriggers } from './append-only.ts';
import { Workspace } from './workspace.ts';

export const ContactSchema = defineEntity({
  name: 'Contact',
  tableName: 'contact',
  uniques: [{ properties: ['workspace', 'emailNormalized'] }],
  indexes: [{ properties: ['workspace', 'createdAt'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    workspace: () => p.manyToOne(Workspace).deleteRule('cascade'),
    /** As given (trimmed). */
    email: p.string().length(320),
    /** The validator's ASCII form (IDNA A-label domain), lower-cased: what uniqueness and suppression use. */
    emailNormalized: p.string().length(320),
    name: p.string().length(200).nullable(),
    /** Typed custom attributes (string, number, boolean, null; ≤ 50 keys, ≤ 8 KB), checked in contracts. */
    attributes: p.json<Record<string, string | number | boolean | null>>(),
    /** When the address was last verified (campaign pre-send verification, imports). */
    verifiedAt: p.datetime().nullable(),
    /** The last verdict: deliverable | risky | undeliverable | unknown. */
    verification: p.string().length(16).nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export class Contact extends ContactSchema.class {}
ContactSchema.setClass(Contact);

export const ContactListSchema = defineEntity({
  name: 'ContactList',
  tableName: 'contact_list',
  indexes: [{ properties: ['workspace', 'createdAt'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    workspace: () => p.manyToOne(Workspace).deleteRule('cascade'),
    name: p.string().length(200),
    /** Shown publicly (sign-up form, preference center). */
    description: p.text().nullable(),
    doubleOptIn: p.boolean().default(true),
    /** CASL: only contacts with express consent are mailed. */
    requiresExpressConsent: p.boolean().default(false),
    /** A connected mailbox (no foreign key yet: mailboxes are their own issue). */
    senderMailboxId: p.uuid().nullable(),
    /** Null: the default text (contracts DEFAULT_CONFIRMATION_*). */
    confirmationSubject: p.string().length(200).nullable(),
    confirmationBody: p.text().nullable(),
    /** The version shown at sign-up now (consent_text_version.id). */
    consentTextVersionId: p.uuid().nullable(),
    createdBy: p.uuid().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export class ContactList extends ContactListSchema.class {}
ContactListSchema.setClass(ContactList);

export const ConsentTextVersionSchema = defineEntity({
  name: 'ConsentTextVersion',
  tableName: 'consent_text_version',
  uniques: [{ properties: ['listId', 'version'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    workspace: () => p.manyToOne(Workspace).deleteRule('cascade'),
    /** No foreign key: the versions stay when the list is deleted (the ledger points at them). */
    listId: p.uuid(),
    version: p.integer(),
    text: p.text(),
    /** SHA-256 of the text (UTF-8), hex. */
    sha256: p.string().length(64),
    createdBy: p.uuid().nullable(),
    createdAt: p.datetime(),
  },
});
export class ConsentTextVersion extends ConsentTextVersionSchema.class {}
ConsentTextVersionSchema.setClass(ConsentTextVersion);

export const SubscriptionSchema = defineEntity({
  name: 'Subscription',
  tableName: 'subscription',
  uniques: [{ properties: ['contact', 'list'] }],
  indexes: [{ properties: ['list', 'status'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    /** Denormalised for tenant filters (the contact's workspace). */
    workspaceId: p.uuid().index(),
    contact: () => p.manyToOne(Contact).deleteRule('cascade'),
    list: () => p.manyToOne(ContactList).deleteRule('cascade'),
    /** unconfirmed | active | unsubscribed: only active is mailed. */
    status: p.string().length(16),
    /** Express consent was recorded (CASL lists mail only these). */
    express: p.boolean().default(false),
    confirmedAt: p.datetime().nullable(),
    unsubscribedAt: p.datetime().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export class Subscription extends SubscriptionSchema.class {}
SubscriptionSchema.setClass(Subscription);

export const ConsentEventSchema = defineEntity({
  name: 'ConsentEvent',
  tableName: 'consent_event',
  indexes: [{ properties: ['contactId', 'occurredAt'] }, { properties: ['workspaceId', 'occurredAt'] }],
  triggers: appendOnlyTriggers('consent_event', { what: 'consent records' }),
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    /** No foreign keys: the ledger outlives the workspace, the contact and the list as proof. */
    workspaceId: p.uuid(),
    contactId: p.uuid(),
    listId: p.uuid().nullable(),
    /** subscribed | confirmed | unsubscribed | imported | consent_withdrawn */
    eventType: p.string().length(24),
    /** hosted_form | embedded_form | import | api | dashboard | double_opt_in */
    method: p.string().length(24),
    consentTextVersionId: p.uuid().nullable(),
    express: p.boolean().nullable(),
    /** The declared basis of an import. */
    basis: p.string().length(32).nullable(),
    /** user | api_key | system | contact (the person themselves, through a form or a link). */
    actorType: p.string().length(16).nullable(),
    actorId: p.uuid().nullable(),
    occurredAt: p.datetime(),
    /** JSON of the personal data (address, IP, user agent, importer details) sealed under the contact's key. */
    sealed: p.text().nullable(),
  },
});
export class ConsentEvent extends ConsentEventSchema.class {}
ConsentEventSchema.setClass(ConsentEvent);

export const SuppressionSchema = defineEntity({
  name: 'Suppression',
  tableName: 'suppression',
  uniques: [{ properties: ['workspace', 'addressHash'] }],
  indexes: [{ properties: ['workspace', 'createdAt'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    workspace: () => p.manyToOne(Workspace).deleteRule('cascade'),
    /** unsubscribed | bounced | complained | manual */
    reason: p.string().length(16),
    source: p.string().length(200).nullable(),
    /** HMAC-SHA-256 (hex) of the workspace id and the normalised address under suppression_key `keyVersion`. */
    addressHash: p.string().length(64),
    keyVersion: p.integer(),
    /** The address, sealed with the keyring (context suppression:<id>:address_sealed), for display. */
    addressSealed: p.text(),
    /** The member or API key that added it (null: the system, e.g. a bounce). */
    createdBy: p.uuid().nullable(),
    createdAt: p.datetime(),
  },
});
export class Suppression extends SuppressionSchema.class {}
SuppressionSchema.setClass(Suppression);

export const SuppressionKeySchema = defineEntity({
  name: 'SuppressionKey',
  tableName: 'suppression_key',
  properties: {
    version: p.integer().primary().autoincrement(false),
    /** 32 random bytes sealed with the keyring (context suppression_key:<version>:key). */
    key: p.text(),
    createdAt: p.datetime(),
  },
});
export class SuppressionKey extends SuppressionKeySchema.class {}
SuppressionKeySchema.setClass(SuppressionKey);
