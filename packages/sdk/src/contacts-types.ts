// The shapes of `client.contacts`, `client.lists` and `client.suppressions`: the API's answers written
// out (as api-types.ts does for the rest: the published declarations cannot refer to the zod schemas;
// test/contacts-types.test.ts checks each is exactly the schema's output) and the options of each call.
import type { CallOptions, PosternPromise } from './types.ts';

/** `unconfirmed` (waiting for double opt-in), `active` (mailed), `unsubscribed`. */
export type SubscriptionStatus = 'unconfirmed' | 'active' | 'unsubscribed';
/** How consent was given or withdrawn. Subscriptions made through the API are recorded as `api`. */
export type ConsentMethod =
  | 'hosted_form'
  | 'embedded_form'
  | 'import'
  | 'api'
  | 'dashboard'
  | 'double_opt_in';
export type ConsentEventType = 'subscribed' | 'confirmed' | 'unsubscribed' | 'imported' | 'consent_withdrawn';
export type SuppressionReason = 'unsubscribed' | 'bounced' | 'complained' | 'manual';
/** Custom attributes: up to 50 keys, strings, finite numbers, booleans or null (dates as ISO strings), 8 KB. */
export type ContactAttributes = Record<string, string | number | boolean | null>;

export interface ContactSubscription {
  listId: string;
  status: SubscriptionStatus;
  express: boolean;
  createdAt: string;
  updatedAt: string;
  confirmedAt: string | null;
  unsubscribedAt: string | null;
}

export interface Contact {
  id: string;
  /** As given. */
  email: string;
  /** The canonical form (IDNA A-label domain, lower-cased): unique in the workspace. */
  emailNormalized: string;
  name: string | null;
  attributes: ContactAttributes;
  subscriptions: ContactSubscription[];
  createdAt: string;
  updatedAt: string;
}

export interface ContactPage {
  contacts: Contact[];
  nextCursor: string | null;
}

export interface ConsentTextVersion {
  id: string;
  version: number;
  text: string;
  /** SHA-256 of the text (UTF-8), hex. */
  sha256: string;
  createdAt: string;
}

/** A list (newsletter). */
export interface ContactList {
  id: string;
  name: string;
  description: string | null;
  doubleOptIn: boolean;
  /** CASL: contacts without express consent are skipped by campaigns. */
  requiresExpressConsent: boolean;
  senderMailboxId: string | null;
  confirmationSubject: string;
  confirmationBody: string;
  /** The current consent text (every earlier version is kept). */
  consentText: ConsentTextVersion | null;
  counts: { unconfirmed: number; active: number; unsubscribed: number };
  createdAt: string;
  updatedAt: string;
}

/** One event of a contact's consent record; the personal fields are null once the person was erased. */
export interface ConsentTimelineEntry {
  id: string;
  type: ConsentEventType;
  method: ConsentMethod;
  listId: string | null;
  consentTextVersionId: string | null;
  express: boolean | null;
  basis: string | null;
  actorType: string | null;
  actorId: string | null;
  occurredAt: string;
  email: string | null;
  ip: string | null;
  userAgent: string | null;
  source: string | null;
  personErased: boolean;
}

export interface SubscribeResult {
  contact: Contact;
  status: SubscriptionStatus;
  /** False when the contact already had this status (nothing was recorded). */
  changed: boolean;
  /** True when the list has double opt-in: a confirmation must reach the person first. */
  confirmationRequired: boolean;
}

export interface Suppression {
  id: string;
  email: string;
  reason: SuppressionReason;
  source: string | null;
  createdAt: string;
  createdBy: string | null;
}

export interface SuppressionPage {
  suppressions: Suppression[];
  nextCursor: string | null;
}

export interface AddSuppressionsResult {
  added: number;
  /** Already suppressed (for any reason): left as they were. */
  existing: number;
}

/**
 * Everything the workspace holds about one contact (`GET /v1/contacts/:id/export`), format
 * `postern.contact-export/1`: what a person asking for their data (GDPR Art. 15 and 20) is given.
 */
export interface ContactExport {
  format: 'postern.contact-export/1';
  generatedAt: string;
  workspaceId: string;
  profile: {
    id: string;
    email: string;
    emailNormalized: string;
    name: string | null;
    attributes: ContactAttributes;
    createdAt: string;
    updatedAt: string;
  };
  subscriptions: {
    listId: string;
    listName: string;
    status: SubscriptionStatus;
    express: boolean;
    createdAt: string;
    updatedAt: string;
    confirmedAt: string | null;
    unsubscribedAt: string | null;
  }[];
  /** Every consent event, oldest first, with its address, IP, user agent and source. */
  consentEvents: ConsentTimelineEntry[];
  /** Whether the address is on the suppression list, why and since when. */
  suppression: {
    suppressed: boolean;
    reason: SuppressionReason | null;
    source: string | null;
    since: string | null;
  };
  /** Double opt-in links sent, not used and not expired. */
  pendingConfirmations: { listId: string; listName: string | null; sentAt: string; expiresAt: string }[];
  /** Campaign sends to the contact. */
  campaignEvents: {
    campaignId: string;
    campaignName: string | null;
    subject: string | null;
    status: string;
    skipReason: string | null;
    sentAt: string | null;
    unsubscribedAt: string | null;
  }[];
}

// --- inputs

/** Makes a create safe to repeat; the SDK makes one per call when none is given. */
export interface CreateOptions extends CallOptions {
  idempotencyKey?: string | undefined;
}

export interface ContactInput {
  email: string;
  name?: string | null | undefined;
  attributes?: ContactAttributes | undefined;
}

/** `attributes` replaces the whole object; `name: null` clears it. The address cannot change. */
export interface ContactUpdate {
  name?: string | null | undefined;
  attributes?: ContactAttributes | undefined;
}

export interface ListContactsOptions extends CallOptions {
  /** Prefix of the address or the name (case-insensitive). */
  search?: string | undefined;
  /** Only contacts subscribed to this list (with `status`, in that status there). */
  listId?: string | undefined;
  status?: SubscriptionStatus | undefined;
  /** Start after this page: the `nextCursor` of a previous page. */
  cursor?: string | undefined;
  /** Contacts per request, 1 to 200 (default 50). */
  limit?: number | undefined;
}

export interface ListInput {
  name: string;
  description?: string | null | undefined;
  /** Default true. */
  doubleOptIn?: boolean | undefined;
  /** Default false. */
  requiresExpressConsent?: boolean | undefined;
  senderMailboxId?: string | null | undefined;
  confirmationSubject?: string | null | undefined;
  confirmationBody?: string | null | undefined;
  /** The consent text shown at sign-up; a changed text adds a version. */
  consentText?: string | null | undefined;
}

export type ListUpdate = Partial<ListInput>;

/** What the person agreed to, and how: recorded in the consent ledger (method `api`). */
export interface ConsentEvidence {
  /** The person's IP address at sign-up (not your server's). */
  ip?: string | null | undefined;
  /** The person's browser user agent at sign-up. */
  userAgent?: string | null | undefined;
  /** The consent text version shown (the list's current one by default). */
  consentTextVersionId?: string | null | undefined;
  /** Express consent (CASL): the person took a positive action, such as ticking a box. */
  express?: boolean | undefined;
  /** When the person already confirmed through your own double opt-in (ISO 8601). */
  confirmedAt?: string | undefined;
}

export interface SubscribeInput {
  contact: ContactInput;
  evidence?: ConsentEvidence | undefined;
}

export interface ListSubscribersOptions extends CallOptions {
  status?: SubscriptionStatus | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

export interface ListSuppressionsOptions extends CallOptions {
  reason?: SuppressionReason | undefined;
  cursor?: string | undefined;
  /** Entries per request, 1 to 500 (default 50). */
  limit?: number | undefined;
}

// --- the APIs

/** `client.contacts`. */
export interface ContactsApi {
  /** `GET /v1/contacts`: every matching contact, newest first, a page at a time as the loop asks. */
  list(options?: ListContactsOptions): AsyncIterable<Contact>;
  /** `GET /v1/contacts`: one page and the `nextCursor` of the next. */
  listPage(options?: ListContactsOptions): PosternPromise<ContactPage>;
  /** `POST /v1/contacts`: a contact (CONFLICT when the address is already one). Subscribes to nothing. */
  create(contact: ContactInput, options?: CreateOptions): PosternPromise<Contact>;
  get(id: string, options?: CallOptions): PosternPromise<Contact>;
  /** `PATCH /v1/contacts/:id`. */
  update(id: string, update: ContactUpdate, options?: CallOptions): PosternPromise<Contact>;
  /**
   * `DELETE /v1/contacts/:id` (scope `contacts:erase`): erases the person — the contact and its
   * subscriptions; the consent record stays as proof with nothing readable left in it.
   */
  erase(id: string, options?: CallOptions): PosternPromise<void>;
  /**
   * `GET /v1/contacts/:id/export` (scope `contacts:read`): everything held about the person, to hand
   * to them (GDPR Art. 15 and 20). Audited as `contact.exported`.
   */
  export(id: string, options?: CallOptions): PosternPromise<ContactExport>;
  /** `GET /v1/contacts/:id/consent`: the consent record, oldest first. */
  consent(id: string, options?: CallOptions): PosternPromise<ConsentTimelineEntry[]>;
}

/** `client.lists`. */
export interface ListsApi {
  list(options?: CallOptions): PosternPromise<ContactList[]>;
  create(list: ListInput, options?: CreateOptions): PosternPromise<ContactList>;
  get(id: string, options?: CallOptions): PosternPromise<ContactList>;
  update(id: string, update: ListUpdate, options?: CallOptions): PosternPromise<ContactList>;
  /** `GET /v1/lists/:id/subscriptions`: the list's contacts, a page at a time. */
  subscribers(listId: string, options?: ListSubscribersOptions): AsyncIterable<Contact>;
  /**
   * `POST /v1/lists/:id/subscriptions`: subscribes a person with the evidence of their consent (the
   * contact is created when new). A suppressed address is refused (CONFLICT).
   */
  subscribe(listId: string, input: SubscribeInput, options?: CreateOptions): PosternPromise<SubscribeResult>;
  /** `DELETE /v1/lists/:id/subscriptions/:contactId`: unsubscribes the contact from the list. */
  unsubscribe(listId: string, contactId: string, options?: CallOptions): PosternPromise<void>;
}

/** `client.suppressions`. */
export interface SuppressionsApi {
  list(options?: ListSuppressionsOptions): AsyncIterable<Suppression>;
  listPage(options?: ListSuppressionsOptions): PosternPromise<SuppressionPage>;
  /** `POST /v1/suppressions`: suppresses addresses by hand (all or nothing). */
  add(
    emails: string[],
    options?: CreateOptions & { source?: string | undefined },
  ): PosternPromise<AddSuppressionsResult>;
  /** `DELETE /v1/suppressions/:id`: manual entries only (CONFLICT for the others). */
  remove(id: string, options?: CallOptions): PosternPromise<void>;
}
