// client.contacts, client.lists and client.suppressions: the audience routes of /v1 (contacts, lists,
// subscriptions with consent evidence, the suppression list). Creating calls carry an Idempotency-Key
// (one per call unless given), so the client's retries never subscribe or create twice; listings are
// async iterables fetching a page at a time, like `jobs.list`. Types: contacts-types.ts.

import type {
  AddSuppressionsResult,
  ConsentTimelineEntry,
  Contact,
  ContactExport,
  ContactInput,
  ContactList,
  ContactPage,
  ContactsApi,
  ContactUpdate,
  CreateOptions,
  ListContactsOptions,
  ListInput,
  ListSubscribersOptions,
  ListSuppressionsOptions,
  ListsApi,
  ListUpdate,
  SubscribeInput,
  SubscribeResult,
  Suppression,
  SuppressionPage,
  SuppressionsApi,
} from './contacts-types.ts';
import { callOptions, checkIdempotencyKey, checkInteger, invalid, query } from './jobs-checks.ts';
import type { JobsTransport } from './jobs-types.ts';
import type { RequestSpec } from './transport.ts';
import type { CallOptions, PosternPromise } from './types.ts';

type Transport = Pick<JobsTransport, 'request' | 'withMeta'>;

const STATUSES: readonly string[] = ['unconfirmed', 'active', 'unsubscribed'];
const REASONS: readonly string[] = ['unsubscribed', 'bounced', 'complained', 'manual'];

function idPath(base: string, id: unknown, method: string, rest = ''): string {
  if (typeof id !== 'string' || id.trim() === '')
    throw invalid(`${method}() takes the id as a non-empty string`);
  return `${base}/${encodeURIComponent(id)}${rest}`;
}

function checkObject(value: unknown, method: string, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid(`${method}() takes ${what}`);
  return value as Record<string, unknown>;
}

function checkChoice(value: unknown, choices: readonly string[], name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !choices.includes(value))
    throw invalid(`${name} must be one of ${choices.join(', ')} (got ${String(value)})`);
  return value;
}

function checkCursor(cursor: unknown, method: string): string | undefined {
  if (cursor !== undefined && typeof cursor !== 'string')
    throw invalid(`${method}(): cursor must be the nextCursor string of a previous page`);
  return cursor as string | undefined;
}

/** Pages through a listing: one request per page, as the loop asks for more. */
function pages<Page, Item>(
  t: Transport,
  options: CallOptions & { cursor?: string | undefined },
  pathFor: (cursor: string | undefined) => string,
  itemsOf: (page: Page) => { items: Item[]; next: string | null },
): AsyncIterable<Item> {
  const call = callOptions(options);
  return {
    async *[Symbol.asyncIterator]() {
      let cursor = options.cursor;
      do {
        const { data } = await t.request<Page>({ method: 'GET', path: pathFor(cursor) }, call);
        const { items, next } = itemsOf(data);
        yield* items;
        cursor = next ?? undefined;
      } while (cursor !== undefined);
    },
  };
}

/** A creating POST: its body and an Idempotency-Key, retried like any call (a repeat is answered the first result). */
function create<T>(t: Transport, path: string, body: unknown, options: CreateOptions): PosternPromise<T> {
  const { idempotencyKey, ...rest } = options;
  const spec: RequestSpec = {
    method: 'POST',
    path,
    body,
    headers: { 'idempotency-key': checkIdempotencyKey(idempotencyKey) },
  };
  return t.withMeta(t.request<T>(spec, callOptions(rest)));
}

function get<T>(t: Transport, path: string, options: CallOptions): PosternPromise<T> {
  return t.withMeta(t.request<T>({ method: 'GET', path }, callOptions(options)));
}

/** A DELETE; a 404 after an attempt whose answer was lost means that attempt did it. */
function remove(t: Transport, path: string, options: CallOptions): PosternPromise<void> {
  return t.withMeta(
    t.request<void>({ method: 'DELETE', path, expect: 'empty', goneMeansDone: true }, callOptions(options)),
  );
}

export class Contacts implements ContactsApi {
  readonly #t: Transport;

  constructor(transport: Transport) {
    this.#t = transport;
  }

  #listPath(options: ListContactsOptions, method: string, cursor: string | undefined): string {
    const limit = checkInteger(options.limit, `contacts.${method}(): limit`, 1, 200);
    const status = checkChoice(options.status, STATUSES, `contacts.${method}(): status`);
    if (options.search !== undefined && typeof options.search !== 'string')
      throw invalid(`contacts.${method}(): search must be a string`);
    if (options.listId !== undefined && typeof options.listId !== 'string')
      throw invalid(`contacts.${method}(): listId must be a string`);
    const { search, listId } = options;
    return `/v1/contacts${query({ search, listId, status, cursor: checkCursor(cursor, `contacts.${method}`), limit })}`;
  }

  list(options: ListContactsOptions = {}): AsyncIterable<Contact> {
    this.#listPath(options, 'list', options.cursor);
    return pages<ContactPage, Contact>(
      this.#t,
      options,
      (cursor) => this.#listPath(options, 'list', cursor),
      (page) => ({ items: page.contacts, next: page.nextCursor }),
    );
  }

  listPage(options: ListContactsOptions = {}): PosternPromise<ContactPage> {
    return get(this.#t, this.#listPath(options, 'listPage', options.cursor), options);
  }

  create(contact: ContactInput, options: CreateOptions = {}): PosternPromise<Contact> {
    checkObject(contact, 'contacts.create', '{ email, name?, attributes? }');
    return create(this.#t, '/v1/contacts', contact, options);
  }

  get(id: string, options: CallOptions = {}): PosternPromise<Contact> {
    return get(this.#t, idPath('/v1/contacts', id, 'contacts.get'), options);
  }

  update(id: string, update: ContactUpdate, options: CallOptions = {}): PosternPromise<Contact> {
    const path = idPath('/v1/contacts', id, 'contacts.update');
    const body = checkObject(update, 'contacts.update', '(id, { name?, attributes? })');
    // The same change again leaves the same state: safe to retry.
    return this.#t.withMeta(this.#t.request<Contact>({ method: 'PATCH', path, body }, callOptions(options)));
  }

  erase(id: string, options: CallOptions = {}): PosternPromise<void> {
    return remove(this.#t, idPath('/v1/contacts', id, 'contacts.erase'), options);
  }

  export(id: string, options: CallOptions = {}): PosternPromise<ContactExport> {
    return get(this.#t, idPath('/v1/contacts', id, 'contacts.export', '/export'), options);
  }

  consent(id: string, options: CallOptions = {}): PosternPromise<ConsentTimelineEntry[]> {
    const path = idPath('/v1/contacts', id, 'contacts.consent', '/consent');
    const full = this.#t
      .request<{ events: ConsentTimelineEntry[] }>({ method: 'GET', path }, callOptions(options))
      .then(({ data, meta }) => ({ data: data.events, meta }));
    return this.#t.withMeta(full);
  }
}

export class Lists implements ListsApi {
  readonly #t: Transport;

  constructor(transport: Transport) {
    this.#t = transport;
  }

  list(options: CallOptions = {}): PosternPromise<ContactList[]> {
    const full = this.#t
      .request<{ lists: ContactList[] }>({ method: 'GET', path: '/v1/lists' }, callOptions(options))
      .then(({ data, meta }) => ({ data: data.lists, meta }));
    return this.#t.withMeta(full);
  }

  create(list: ListInput, options: CreateOptions = {}): PosternPromise<ContactList> {
    checkObject(list, 'lists.create', '{ name, doubleOptIn?, consentText?, … }');
    return create(this.#t, '/v1/lists', list, options);
  }

  get(id: string, options: CallOptions = {}): PosternPromise<ContactList> {
    return get(this.#t, idPath('/v1/lists', id, 'lists.get'), options);
  }

  update(id: string, update: ListUpdate, options: CallOptions = {}): PosternPromise<ContactList> {
    const path = idPath('/v1/lists', id, 'lists.update');
    const body = checkObject(update, 'lists.update', '(id, { name?, description?, … })');
    return this.#t.withMeta(
      this.#t.request<ContactList>({ method: 'PATCH', path, body }, callOptions(options)),
    );
  }

  subscribers(listId: string, options: ListSubscribersOptions = {}): AsyncIterable<Contact> {
    const base = idPath('/v1/lists', listId, 'lists.subscribers', '/subscriptions');
    const status = checkChoice(options.status, STATUSES, 'lists.subscribers(): status');
    const limit = checkInteger(options.limit, 'lists.subscribers(): limit', 1, 200);
    checkCursor(options.cursor, 'lists.subscribers');
    return pages<ContactPage, Contact>(
      this.#t,
      options,
      (cursor) => `${base}${query({ status, cursor, limit })}`,
      (page) => ({ items: page.contacts, next: page.nextCursor }),
    );
  }

  subscribe(
    listId: string,
    input: SubscribeInput,
    options: CreateOptions = {},
  ): PosternPromise<SubscribeResult> {
    const path = idPath('/v1/lists', listId, 'lists.subscribe', '/subscriptions');
    const body = checkObject(input, 'lists.subscribe', '(listId, { contact: { email }, evidence? })');
    checkObject(body.contact, 'lists.subscribe', '(listId, { contact: { email }, evidence? })');
    return create(this.#t, path, body, options);
  }

  unsubscribe(listId: string, contactId: string, options: CallOptions = {}): PosternPromise<void> {
    const base = idPath('/v1/lists', listId, 'lists.unsubscribe', '/subscriptions');
    const path = idPath(base, contactId, 'lists.unsubscribe');
    // Unsubscribing twice changes nothing more: safe to retry.
    return this.#t.withMeta(
      this.#t.request<void>({ method: 'DELETE', path, expect: 'empty' }, callOptions(options)),
    );
  }
}

export class Suppressions implements SuppressionsApi {
  readonly #t: Transport;

  constructor(transport: Transport) {
    this.#t = transport;
  }

  #listPath(options: ListSuppressionsOptions, method: string, cursor: string | undefined): string {
    const reason = checkChoice(options.reason, REASONS, `suppressions.${method}(): reason`);
    const limit = checkInteger(options.limit, `suppressions.${method}(): limit`, 1, 500);
    return `/v1/suppressions${query({ reason, cursor: checkCursor(cursor, `suppressions.${method}`), limit })}`;
  }

  list(options: ListSuppressionsOptions = {}): AsyncIterable<Suppression> {
    this.#listPath(options, 'list', options.cursor);
    return pages<SuppressionPage, Suppression>(
      this.#t,
      options,
      (cursor) => this.#listPath(options, 'list', cursor),
      (page) => ({ items: page.suppressions, next: page.nextCursor }),
    );
  }

  listPage(options: ListSuppressionsOptions = {}): PosternPromise<SuppressionPage> {
    return get(this.#t, this.#listPath(options, 'listPage', options.cursor), options);
  }

  add(
    emails: string[],
    options: CreateOptions & { source?: string | undefined } = {},
  ): PosternPromise<AddSuppressionsResult> {
    if (!Array.isArray(emails) || emails.length === 0 || emails.some((e) => typeof e !== 'string'))
      throw invalid('suppressions.add() takes a non-empty array of addresses');
    const { source, ...rest } = options;
    return create(this.#t, '/v1/suppressions', source === undefined ? { emails } : { emails, source }, rest);
  }

  remove(id: string, options: CallOptions = {}): PosternPromise<void> {
    return remove(this.#t, idPath('/v1/suppressions', id, 'suppressions.remove'), options);
  }
}
