// Audiences (#29): contacts, lists (newsletters), subscriptions, the consent ledger and suppression.
// The shapes core's contacts functions take and return (packages/core/src/contacts/index.ts), for the
// /v1 routes, the SDK and the dashboard built on them. Addresses are parsed and normalised by the
// validator in core; here they are only bounded strings. See docs/contacts.md.
import { z } from 'zod';
import { zText } from './text.ts';

export const SUBSCRIPTION_STATUSES = ['unconfirmed', 'active', 'unsubscribed'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** What a consent ledger row records. */
export const CONSENT_EVENT_TYPES = [
  'subscribed',
  'confirmed',
  'unsubscribed',
  'imported',
  'consent_withdrawn',
] as const;
export type ConsentEventType = (typeof CONSENT_EVENT_TYPES)[number];

/** How consent was given (or withdrawn). */
export const CONSENT_METHODS = [
  'hosted_form',
  'embedded_form',
  'import',
  'api',
  'dashboard',
  'double_opt_in',
] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];

/** Methods where the person acts themselves (a sign-up form): the only ones that may revive a suppressed address, and only through double opt-in. */
export const SELF_SERVICE_METHODS: readonly ConsentMethod[] = ['hosted_form', 'embedded_form'];

export const SUPPRESSION_REASONS = ['unsubscribed', 'bounced', 'complained', 'manual'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** The declared lawful basis of an import (GDPR Art. 6(1); CASL's implied consent). */
export const IMPORT_BASES = [
  'consent',
  'contract',
  'legitimate_interest',
  'implied_consent_casl',
  'existing_customer',
] as const;
export type ImportBasis = (typeof IMPORT_BASES)[number];

export const CONTACT_ATTRIBUTE_MAX_KEYS = 50;
export const CONTACT_ATTRIBUTE_KEY_MAX = 64;
/** Bytes of the attributes object as JSON. */
export const CONTACT_ATTRIBUTES_MAX_BYTES = 8192;
export const IMPORT_MAX_ROWS = 50_000;
export const SUPPRESSION_ADD_MAX = 10_000;
export const CONSENT_TEXT_MAX = 20_000;

export const DEFAULT_CONFIRMATION_SUBJECT = 'Please confirm your subscription to {{list}}';
export const DEFAULT_CONFIRMATION_BODY =
  'Hello,\n\nSomeone (hopefully you) asked to receive {{list}} at this address. Confirm with the link below; if it was not you, ignore this message and nothing will be sent.\n\n{{confirm_url}}\n';

const ZUuid = z.uuid();
export const ZEmailInput = zText().trim().min(3).max(320);

/**
 * Custom attributes: up to 50 keys (identifier-like, ≤ 64 chars) of strings, finite numbers,
 * booleans or null; dates are ISO 8601 strings. At most 8 KB as JSON.
 */
export const ZContactAttributes = z
  .record(
    zText().regex(
      /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/,
      'Attribute names start with a letter or _ and use letters, digits, _ . - (at most 64)',
    ),
    z.union([zText().max(2000), z.number().finite(), z.boolean(), z.null()]),
  )
  .refine((value) => Object.keys(value).length <= CONTACT_ATTRIBUTE_MAX_KEYS, {
    message: `At most ${CONTACT_ATTRIBUTE_MAX_KEYS} attributes`,
  })
  .refine((value) => new TextEncoder().encode(JSON.stringify(value)).length <= CONTACT_ATTRIBUTES_MAX_BYTES, {
    message: `Attributes may take at most ${CONTACT_ATTRIBUTES_MAX_BYTES} bytes as JSON`,
  });
export type ContactAttributes = z.infer<typeof ZContactAttributes>;

const ZName = zText().trim().max(200);

export const ZCreateContact = z.object({
  email: ZEmailInput,
  name: ZName.nullish(),
  attributes: ZContactAttributes.optional(),
});
export type CreateContactInput = z.infer<typeof ZCreateContact>;

/** `attributes` replaces the whole object; null name clears it. The address cannot change (erase and re-add). */
export const ZUpdateContact = z.object({
  name: ZName.nullish(),
  attributes: ZContactAttributes.optional(),
});
export type UpdateContactInput = z.infer<typeof ZUpdateContact>;

export const ZSubscriptionStatus = z.enum(SUBSCRIPTION_STATUSES);
export const ZContactSubscription = z.object({
  listId: z.string(),
  status: ZSubscriptionStatus,
  express: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  confirmedAt: z.iso.datetime().nullable(),
  unsubscribedAt: z.iso.datetime().nullable(),
});
export type ContactSubscriptionDto = z.infer<typeof ZContactSubscription>;

export const ZContact = z.object({
  id: z.string(),
  email: z.string(),
  /** The validator's canonical form (IDNA A-label domain, lower-cased): unique in the workspace. */
  emailNormalized: z.string(),
  name: z.string().nullable(),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  subscriptions: z.array(ZContactSubscription),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type ContactDto = z.infer<typeof ZContact>;

export const ZListContactsQuery = z.object({
  /** Prefix of the address or of the name (case-insensitive). */
  search: zText().trim().max(320).optional(),
  listId: ZUuid.optional(),
  status: ZSubscriptionStatus.optional(),
  cursor: zText().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListContactsQuery = z.input<typeof ZListContactsQuery>;
export const ZContactPage = z.object({ contacts: z.array(ZContact), nextCursor: z.string().nullable() });

// --- lists
const ZListFields = {
  name: zText().trim().min(1, 'Give the list a name').max(200),
  description: zText().trim().max(2000).nullish(),
  doubleOptIn: z.boolean(),
  requiresExpressConsent: z.boolean(),
  senderMailboxId: ZUuid.nullish(),
  confirmationSubject: zText().trim().max(200).nullish(),
  confirmationBody: zText().max(20_000).nullish(),
  /** The consent text shown at sign-up; a changed text adds a version (every version is kept). */
  consentText: zText().trim().max(CONSENT_TEXT_MAX).nullish(),
};
export const ZCreateList = z.object({
  ...ZListFields,
  doubleOptIn: ZListFields.doubleOptIn.default(true),
  requiresExpressConsent: ZListFields.requiresExpressConsent.default(false),
});
export type CreateListInput = z.input<typeof ZCreateList>;
export const ZUpdateList = z.object(ZListFields).partial();
export type UpdateListInput = z.input<typeof ZUpdateList>;

export const ZConsentTextVersion = z.object({
  id: z.string(),
  version: z.number().int(),
  text: z.string(),
  /** SHA-256 of the text (UTF-8), hex. */
  sha256: z.string(),
  createdAt: z.iso.datetime(),
});
export type ConsentTextVersionDto = z.infer<typeof ZConsentTextVersion>;

export const ZContactList = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  doubleOptIn: z.boolean(),
  requiresExpressConsent: z.boolean(),
  senderMailboxId: z.string().nullable(),
  /** The effective texts (the defaults when none was set). */
  confirmationSubject: z.string(),
  confirmationBody: z.string(),
  consentText: ZConsentTextVersion.nullable(),
  counts: z.object({
    unconfirmed: z.number().int(),
    active: z.number().int(),
    unsubscribed: z.number().int(),
  }),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type ContactListDto = z.infer<typeof ZContactList>;
/**
 * One list for its settings page: plus the address of its public sign-up form (the hosted page, and the
 * `action` of a form embedded on another site), built from the server's PUBLIC_URL.
 */
export const ZListDetail = ZContactList.extend({ subscribeUrl: z.string() });
export type ListDetailDto = z.infer<typeof ZListDetail>;

// --- subscribing
export const ZConsentMethod = z.enum(CONSENT_METHODS);
export const ZImportBasis = z.enum(IMPORT_BASES);
const ZIp = zText().trim().max(64);
const ZUserAgent = zText().max(512);

export const ZConsentEvidence = z.object({
  method: ZConsentMethod,
  ip: ZIp.nullish(),
  userAgent: ZUserAgent.nullish(),
  /** The consent text version shown (must belong to the list); defaults to the list's current one. */
  consentTextVersionId: ZUuid.nullish(),
  /** Express consent (CASL): the person ticked a box / took a positive action. */
  express: z.boolean().optional(),
  basis: ZImportBasis.optional(),
  /** API only: when the person already confirmed through your own double opt-in. */
  confirmedAt: z.iso.datetime().optional(),
});
export type ConsentEvidence = z.infer<typeof ZConsentEvidence>;

export const ZSubscribe = z.object({
  listId: ZUuid,
  contact: ZCreateContact,
  evidence: ZConsentEvidence,
});
export type SubscribeInput = z.input<typeof ZSubscribe>;

export const ZSubscribeResult = z.object({
  contact: ZContact,
  status: ZSubscriptionStatus,
  /** False when the contact was already subscribed with this status (nothing recorded). */
  changed: z.boolean(),
  /** True when a double opt-in confirmation must be sent (#30). */
  confirmationRequired: z.boolean(),
});
export type SubscribeResult = z.infer<typeof ZSubscribeResult>;

export const ZConfirm = z.object({
  listId: ZUuid,
  contactId: ZUuid,
  ip: ZIp.nullish(),
  userAgent: ZUserAgent.nullish(),
});
export type ConfirmInput = z.input<typeof ZConfirm>;

export const ZUnsubscribe = z.object({
  contactId: ZUuid,
  /** One list; omitted: every list, and the address is suppressed (`unsubscribed`). */
  listId: ZUuid.optional(),
  method: ZConsentMethod,
  ip: ZIp.nullish(),
  userAgent: ZUserAgent.nullish(),
  /** e.g. `campaign:<id>`, `preference_center`, `list-unsubscribe-post`. */
  source: zText().trim().max(200).optional(),
});
export type UnsubscribeInput = z.input<typeof ZUnsubscribe>;

export const ZImportRow = z.object({
  email: zText().max(1000),
  name: zText().max(1000).nullish(),
  attributes: z.unknown().optional(),
});
export const ZImportContacts = z.object({
  listId: ZUuid,
  basis: ZImportBasis,
  /** Express consent was obtained for every row (CASL). */
  express: z.boolean().default(false),
  /** Where the rows come from (a file name, a CRM): kept sealed in each row's ledger event. */
  source: zText().trim().max(200).optional(),
  rows: z.array(ZImportRow).min(1).max(IMPORT_MAX_ROWS),
});
export type ImportContactsInput = z.input<typeof ZImportContacts>;

export const IMPORT_SKIP_REASONS = [
  'invalid_address',
  'invalid_name',
  'invalid_attributes',
  'duplicate_in_import',
  'suppressed',
  'unsubscribed',
  'already_subscribed',
] as const;
export const ZImportResult = z.object({
  imported: z.number().int(),
  /** Rows (1-based, in the order given) that were not imported, with why. */
  skipped: z.array(
    z.object({ row: z.number().int(), reason: z.enum(IMPORT_SKIP_REASONS), detail: z.string().nullable() }),
  ),
});
export type ImportResult = z.infer<typeof ZImportResult>;

// --- the consent timeline
export const ZConsentTimelineEntry = z.object({
  id: z.string(),
  type: z.enum(CONSENT_EVENT_TYPES),
  method: ZConsentMethod,
  listId: z.string().nullable(),
  consentTextVersionId: z.string().nullable(),
  express: z.boolean().nullable(),
  basis: z.string().nullable(),
  actorType: z.string().nullable(),
  actorId: z.string().nullable(),
  occurredAt: z.iso.datetime(),
  /** The sealed personal data, opened; all null once the contact was erased. */
  email: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  source: z.string().nullable(),
  personErased: z.boolean(),
});
export type ConsentTimelineEntry = z.infer<typeof ZConsentTimelineEntry>;

// --- suppression
export const ZSuppressionReason = z.enum(SUPPRESSION_REASONS);
export const ZSuppression = z.object({
  id: z.string(),
  email: z.string(),
  reason: ZSuppressionReason,
  source: z.string().nullable(),
  createdAt: z.iso.datetime(),
  createdBy: z.string().nullable(),
});
export type SuppressionDto = z.infer<typeof ZSuppression>;

export const ZAddSuppressions = z.object({
  emails: z.array(ZEmailInput).min(1).max(SUPPRESSION_ADD_MAX),
  source: zText().trim().max(200).optional(),
});
export type AddSuppressionsInput = z.input<typeof ZAddSuppressions>;
export const ZAddSuppressionsResult = z.object({
  added: z.number().int(),
  /** Already suppressed (for any reason): left as they were. */
  existing: z.number().int(),
});

export const ZListSuppressionsQuery = z.object({
  reason: ZSuppressionReason.optional(),
  cursor: zText().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type ListSuppressionsQuery = z.input<typeof ZListSuppressionsQuery>;
export const ZSuppressionPage = z.object({
  suppressions: z.array(ZSuppression),
  nextCursor: z.string().nullable(),
});

// --- webhook event data (ids only: never an address; fetch the contact or suppression by id)
export const ZContactEventData = z.object({
  contact_id: z.string(),
  list_id: z.string().nullable(),
  status: ZSubscriptionStatus,
  method: ZConsentMethod,
});
export const ZContactSuppressedEventData = z.object({
  suppression_id: z.string(),
  contact_id: z.string().nullable(),
  reason: ZSuppressionReason,
  source: z.string().nullable(),
});
