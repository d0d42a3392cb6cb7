// client.contacts, client.lists and client.suppressions from the built SDK against the real API process
// on a test database: a key with the audience scopes (made the way a user makes it: sign up, then
// apiKeys.create over HTTP), the whole round of a subscriber, typed errors for refusals, pagination
// through the async iterators, and creates made safe to retry by their Idempotency-Key.
import {
  ZConsentTimelineEntry,
  ZContact,
  ZContactExport,
  ZContactList,
  ZSubscribeResult,
  ZSuppression,
} from '@postern/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltEsm, type RunningApi, startApi, TEST_PASSWORD } from './helpers.ts';

type Sdk = Awaited<ReturnType<typeof loadBuiltEsm>>;
type Client = ReturnType<Sdk['createClient']>;

let api: RunningApi;
let sdk: Sdk;
let client: Client;
let readOnly: Client;
/** contacts:read and contacts:write, not contacts:erase. */
let writer: Client;

/** Signs an account up and in over HTTP (cookies and CSRF header, as the dashboard) and makes a key with `scopes`. */
async function keyWithScopes(base: string, scopes: string[][]): Promise<string[]> {
  const cookies = new Map<string, string>();
  const send = async (method: 'GET' | 'POST', procedure: string, input?: unknown) => {
    const headers: Record<string, string> = { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    if (method === 'POST') {
      headers['content-type'] = 'application/json';
      headers['x-csrf-token'] = cookies.get('pst_csrf') ?? '';
    }
    const response = await fetch(`${base}/trpc/${procedure}`, {
      method,
      headers,
      ...(method === 'POST' ? { body: JSON.stringify(input ?? null) } : {}),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      if (at > 0) cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1));
    }
    const body = (await response.json()) as { result?: { data: unknown }; error?: unknown };
    if (!response.ok) throw new Error(`${procedure}: ${response.status} ${JSON.stringify(body.error)}`);
    return body.result?.data as Record<string, unknown>;
  };
  await send('GET', 'system.health');
  const email = `sdk-contacts-${Date.now()}-${process.pid}@example.test`;
  await send('POST', 'auth.signUp', { email, password: TEST_PASSWORD });
  await send('POST', 'auth.signIn', { email, password: TEST_PASSWORD });
  const { workspaces } = (await send('GET', 'workspaces.list')) as { workspaces: { id: string }[] };
  const workspaceId = workspaces[0]?.id;
  const secrets: string[] = [];
  for (const [i, set] of scopes.entries()) {
    const made = await send('POST', 'apiKeys.create', {
      workspaceId,
      name: `SDK contacts ${i}`,
      scopes: set,
    });
    secrets.push(made.secret as string);
  }
  return secrets;
}

let n = 0;
const person = (tag = 'p') => `${tag}-${Date.now()}-${n++}@sdk-contacts.com`;

beforeAll(async () => {
  [api, sdk] = await Promise.all([startApi(), loadBuiltEsm()]);
  const [all, read, write] = await keyWithScopes(api.url, [
    ['contacts:read', 'contacts:write', 'contacts:erase', 'lists:write', 'suppressions:write'],
    ['contacts:read'],
    ['contacts:read', 'contacts:write'],
  ]);
  client = sdk.createClient({ baseUrl: api.url, apiKey: all as string });
  readOnly = sdk.createClient({ baseUrl: api.url, apiKey: read as string });
  writer = sdk.createClient({ baseUrl: api.url, apiKey: write as string });
});

afterAll(async () => {
  await api?.stop();
});

describe('the life of a subscriber', () => {
  it('creates a list, subscribes with evidence, reads the consent record, unsubscribes and erases', async () => {
    const list = await client.lists.create({
      name: 'SDK news',
      doubleOptIn: false,
      consentText: 'Yes please',
    });
    expect(ZContactList.parse(list)).toEqual(list);
    expect(list.consentText).toMatchObject({ version: 1, text: 'Yes please' });
    const email = person('life');
    const sub = await client.lists.subscribe(list.id, {
      contact: { email, name: 'Lea', attributes: { plan: 'pro' } },
      evidence: { ip: '198.51.100.4', userAgent: 'Mozilla/5.0 (Lea)', express: true },
    });
    expect(ZSubscribeResult.parse(sub)).toEqual(sub);
    expect(sub).toMatchObject({ status: 'active', changed: true, contact: { email, name: 'Lea' } });
    const { data: got, meta } = await client.contacts.get(sub.contact.id).withMeta();
    expect(ZContact.parse(got)).toEqual(got);
    expect(meta.httpStatus).toBe(200);
    const renamed = await client.contacts.update(sub.contact.id, { name: 'Léa' });
    expect(renamed.name).toBe('Léa');
    const consent = await client.contacts.consent(sub.contact.id);
    expect(consent.map((e) => ZConsentTimelineEntry.parse(e))).toEqual(consent);
    expect(consent).toMatchObject([{ type: 'subscribed', method: 'api', ip: '198.51.100.4', express: true }]);
    await client.lists.unsubscribe(list.id, sub.contact.id);
    expect((await client.contacts.get(sub.contact.id)).subscriptions).toMatchObject([
      { status: 'unsubscribed' },
    ]);
    expect((await client.lists.get(list.id)).counts).toEqual({ unconfirmed: 0, active: 0, unsubscribed: 1 });
    await client.contacts.erase(sub.contact.id);
    const gone = await client.contacts.get(sub.contact.id).catch((e: unknown) => e);
    expect(sdk.isPosternError(gone) && gone.code).toBe('NOT_FOUND');
    expect(
      (await client.contacts.consent(sub.contact.id)).every((e) => e.personErased && e.email === null),
    ).toBe(true);
  });

  it('refuses a suppressed address with a typed CONFLICT, and a manual entry can be removed', async () => {
    const list = await client.lists.create({ name: 'SDK refusals', doubleOptIn: false });
    const email = person('gone');
    expect(await client.suppressions.add([email], { source: 'sdk test' })).toEqual({ added: 1, existing: 0 });
    const refused = await client.lists.subscribe(list.id, { contact: { email } }).catch((e: unknown) => e);
    expect(sdk.isPosternError(refused) && [refused.code, refused.httpStatus]).toEqual(['CONFLICT', 409]);
    const entry = (await client.suppressions.listPage({ reason: 'manual' })).suppressions.find(
      (s) => s.email === email,
    );
    expect(entry && ZSuppression.parse(entry)).toEqual(entry);
    await client.suppressions.remove(entry?.id ?? '');
    expect((await client.lists.subscribe(list.id, { contact: { email } })).status).toBe('active');
  });

  it('exports everything held about a person with contacts:read; erasing needs contacts:erase', async () => {
    const list = await client.lists.create({ name: 'SDK export', doubleOptIn: false });
    const email = person('Export');
    const sub = await client.lists.subscribe(list.id, {
      contact: { email, name: 'Ines', attributes: { city: 'Porto' } },
      evidence: { ip: '198.51.100.77', userAgent: 'Mozilla/5.0 (Ines)' },
    });
    await client.lists.unsubscribe(list.id, sub.contact.id);
    const { data: document, meta } = await readOnly.contacts.export(sub.contact.id).withMeta();
    expect(meta.httpStatus).toBe(200);
    expect(ZContactExport.parse(document)).toEqual(document);
    expect(document).toMatchObject({
      format: 'postern.contact-export/1',
      profile: { id: sub.contact.id, email, name: 'Ines', attributes: { city: 'Porto' } },
      subscriptions: [{ listId: list.id, listName: 'SDK export', status: 'unsubscribed' }],
      suppression: { suppressed: false },
      campaignEvents: [],
    });
    expect(document.consentEvents.map((e) => [e.type, e.email, e.ip])).toEqual([
      ['subscribed', email, '198.51.100.77'],
      ['unsubscribed', email, null],
    ]);

    const refused = await writer.contacts.erase(sub.contact.id).catch((e: unknown) => e);
    expect(sdk.isPosternError(refused) && [refused.code, refused.httpStatus]).toEqual([
      'INSUFFICIENT_SCOPE',
      403,
    ]);
    expect((refused as Error).message).toContain('contacts:erase');
    expect((await client.contacts.get(sub.contact.id)).id).toBe(sub.contact.id);
    await client.contacts.erase(sub.contact.id);
    const gone = await client.contacts.export(sub.contact.id).catch((e: unknown) => e);
    expect(sdk.isPosternError(gone) && gone.code).toBe('NOT_FOUND');
    expect(() => client.contacts.export('')).toThrow(TypeError);
  });

  it('names the missing scope in a typed INSUFFICIENT_SCOPE error', async () => {
    expect(Array.isArray(await readOnly.lists.list())).toBe(true);
    const refused = await readOnly.lists.create({ name: 'Nope' }).catch((e: unknown) => e);
    expect(sdk.isPosternError(refused) && [refused.code, refused.httpStatus]).toEqual([
      'INSUFFICIENT_SCOPE',
      403,
    ]);
    expect((refused as Error).message).toContain('lists:write');
  });

  it('checks arguments before any request', () => {
    expect(() => client.contacts.get('')).toThrow(TypeError);
    expect(() => client.contacts.listPage({ limit: 0 })).toThrow(/limit/);
    expect(() => client.suppressions.add([])).toThrow(/non-empty/);
    expect(() => client.lists.subscribers('x', { status: 'gone' as never })).toThrow(/status/);
  });
});

describe('pages and retries', () => {
  it('iterates every contact and subscriber a page at a time', async () => {
    const list = await client.lists.create({ name: 'SDK pages', doubleOptIn: false });
    const made: string[] = [];
    for (let i = 0; i < 5; i++)
      made.push((await client.lists.subscribe(list.id, { contact: { email: person('page') } })).contact.id);
    const seen: string[] = [];
    for await (const contact of client.lists.subscribers(list.id, { limit: 2 })) seen.push(contact.id);
    expect(seen).toEqual([...made].reverse());
    const page = await client.contacts.listPage({ listId: list.id, limit: 2 });
    expect(page.contacts).toHaveLength(2);
    expect(page.nextCursor).toEqual(expect.any(String));
    const rest: string[] = [];
    for await (const c of client.contacts.list({ listId: list.id, limit: 2, cursor: page.nextCursor ?? '' }))
      rest.push(c.id);
    expect(rest).toEqual(made.slice(0, 3).reverse());
  });

  it('makes a create safe to repeat with its Idempotency-Key', async () => {
    const idempotencyKey = `sdk-${person('idem')}`;
    const email = person('idem');
    const first = await client.contacts.create({ email }, { idempotencyKey }).withMeta();
    const again = await client.contacts.create({ email }, { idempotencyKey }).withMeta();
    expect([first.meta.httpStatus, again.meta.httpStatus, again.data.id]).toEqual([201, 200, first.data.id]);
    const other = await client.contacts
      .create({ email: person('idem') }, { idempotencyKey })
      .catch((e: unknown) => e);
    expect(sdk.isPosternError(other) && other.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});
