// /v1 contacts, lists, subscriptions and suppressions (#29): every route admits a key holding its scope
// alone and refuses (403 INSUFFICIENT_SCOPE, naming it) a key holding every other scope — the table
// below must name exactly the audience routes the API serves (read from its OpenAPI document, which
// openapi.int.test.ts proves equal to Fastify's routes), so a new route cannot be left out; every route
// naming another workspace's contact, list or suppression answers 404 and leaves it as it was, and
// listings never show another workspace's rows; pages follow the keyset cursor of /v1/jobs.
import { API_KEY_SCOPES, type ApiKeyScope } from '@postern/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, keyWith, personEmail, type V1, v1Caller } from './support/contacts.ts';
import { type Harness, newAccount, startHarness } from './support/harness.ts';

let h: Harness;
let a: Account;
let b: Account;
let aAll: V1;
let bAll: V1;
/** B's resources, which A's key must not reach. */
const bIds = { list: '', contact: '', suppression: '' };

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
interface RouteCase {
  route: string;
  scope: ApiKeyScope;
  status: number;
  /** The request: fresh resources made with the workspace's all-scopes key when it needs them. */
  make: (all: V1) => Promise<{ method: Method; url: string; body?: unknown }>;
}

async function newList(all: V1, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await all('POST', '/v1/lists', {
    name: `List ${personEmail('l')}`,
    doubleOptIn: false,
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}
async function newSubscriber(all: V1, listId: string, email = personEmail()): Promise<string> {
  const res = await all('POST', `/v1/lists/${listId}/subscriptions`, { contact: { email } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().contact.id;
}
async function newSuppression(all: V1): Promise<string> {
  const email = personEmail('gone');
  expect((await all('POST', '/v1/suppressions', { emails: [email] })).statusCode).toBe(201);
  const page = (await all('GET', '/v1/suppressions?limit=500')).json();
  return page.suppressions.find((s: { email: string }) => s.email === email).id;
}

const ROUTES: RouteCase[] = [
  {
    route: 'GET /v1/contacts',
    scope: 'contacts:read',
    status: 200,
    make: async () => ({ method: 'GET', url: '/v1/contacts' }),
  },
  {
    route: 'POST /v1/contacts',
    scope: 'contacts:write',
    status: 201,
    make: async () => ({ method: 'POST', url: '/v1/contacts', body: { email: personEmail(), name: 'Ann' } }),
  },
  {
    route: 'GET /v1/contacts/:id',
    scope: 'contacts:read',
    status: 200,
    make: async (all) => ({
      method: 'GET',
      url: `/v1/contacts/${await newSubscriber(all, await newList(all))}`,
    }),
  },
  {
    route: 'PATCH /v1/contacts/:id',
    scope: 'contacts:write',
    status: 200,
    make: async (all) => ({
      method: 'PATCH',
      url: `/v1/contacts/${await newSubscriber(all, await newList(all))}`,
      body: { name: 'Renamed', attributes: { plan: 'pro', seats: 3 } },
    }),
  },
  {
    route: 'DELETE /v1/contacts/:id',
    scope: 'contacts:erase',
    status: 204,
    make: async (all) => ({
      method: 'DELETE',
      url: `/v1/contacts/${await newSubscriber(all, await newList(all))}`,
    }),
  },
  {
    route: 'GET /v1/contacts/:id/consent',
    scope: 'contacts:read',
    status: 200,
    make: async (all) => ({
      method: 'GET',
      url: `/v1/contacts/${await newSubscriber(all, await newList(all))}/consent`,
    }),
  },
  {
    route: 'GET /v1/contacts/:id/export',
    scope: 'contacts:read',
    status: 200,
    make: async (all) => ({
      method: 'GET',
      url: `/v1/contacts/${await newSubscriber(all, await newList(all))}/export`,
    }),
  },
  {
    route: 'GET /v1/lists',
    scope: 'contacts:read',
    status: 200,
    make: async () => ({ method: 'GET', url: '/v1/lists' }),
  },
  {
    route: 'POST /v1/lists',
    scope: 'lists:write',
    status: 201,
    make: async () => ({
      method: 'POST',
      url: '/v1/lists',
      body: { name: 'Weekly', consentText: 'Send me the weekly' },
    }),
  },
  {
    route: 'GET /v1/lists/:id',
    scope: 'contacts:read',
    status: 200,
    make: async (all) => ({ method: 'GET', url: `/v1/lists/${await newList(all)}` }),
  },
  {
    route: 'PATCH /v1/lists/:id',
    scope: 'lists:write',
    status: 200,
    make: async (all) => ({
      method: 'PATCH',
      url: `/v1/lists/${await newList(all)}`,
      body: { description: 'Now with news' },
    }),
  },
  {
    route: 'GET /v1/lists/:id/subscriptions',
    scope: 'contacts:read',
    status: 200,
    make: async (all) => ({ method: 'GET', url: `/v1/lists/${await newList(all)}/subscriptions` }),
  },
  {
    route: 'POST /v1/lists/:id/subscriptions',
    scope: 'contacts:write',
    status: 201,
    make: async (all) => ({
      method: 'POST',
      url: `/v1/lists/${await newList(all)}/subscriptions`,
      body: { contact: { email: personEmail() }, evidence: { ip: '198.51.100.7', express: true } },
    }),
  },
  {
    route: 'DELETE /v1/lists/:id/subscriptions/:contactId',
    scope: 'contacts:write',
    status: 204,
    make: async (all) => {
      const list = await newList(all);
      return { method: 'DELETE', url: `/v1/lists/${list}/subscriptions/${await newSubscriber(all, list)}` };
    },
  },
  {
    route: 'GET /v1/suppressions',
    scope: 'contacts:read',
    status: 200,
    make: async () => ({ method: 'GET', url: '/v1/suppressions' }),
  },
  {
    route: 'POST /v1/suppressions',
    scope: 'suppressions:write',
    status: 201,
    make: async () => ({ method: 'POST', url: '/v1/suppressions', body: { emails: [personEmail('gone')] } }),
  },
  {
    route: 'DELETE /v1/suppressions/:id',
    scope: 'suppressions:write',
    status: 204,
    make: async (all) => ({ method: 'DELETE', url: `/v1/suppressions/${await newSuppression(all)}` }),
  },
];

beforeAll(async () => {
  h = await startHarness();
  [a, b] = [await newAccount(h.app), await newAccount(h.app)];
  aAll = v1Caller(h, (await keyWith(a)).secret);
  bAll = v1Caller(h, (await keyWith(b)).secret);
  bIds.list = await newList(bAll, { consentText: 'B news, weekly' });
  bIds.contact = await newSubscriber(bAll, bIds.list, 'b-reader@postern-b.com');
  bIds.suppression = await newSuppression(bAll);
});

afterAll(async () => {
  await h?.close();
});

describe('scopes of the audience routes', () => {
  it('covers every audience route the API serves, each with the scope its document names', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/v1/openapi.json' })).json() as {
      paths: Record<string, Record<string, { 'x-required-scope'?: string }>>;
    };
    const served = new Map<string, string | undefined>();
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!/^\/(contacts|lists|suppressions)(\/|$)/.test(path)) continue;
      for (const [method, operation] of Object.entries(item))
        served.set(
          `${method.toUpperCase()} /v1${path.replace(/\{(\w+)\}/g, ':$1')}`,
          operation['x-required-scope'],
        );
    }
    expect(served.size).toBeGreaterThanOrEqual(17);
    expect(new Set(ROUTES.map((r) => r.route)).size).toBe(ROUTES.length);
    expect(Object.fromEntries(ROUTES.map((r) => [r.route, r.scope]))).toEqual(Object.fromEntries(served));
  });

  it.each(ROUTES)('$route: admitted with $scope alone, 403 with every other scope', async (c) => {
    const only = v1Caller(h, (await keyWith(a, [c.scope])).secret);
    const others = v1Caller(
      h,
      (
        await keyWith(
          a,
          API_KEY_SCOPES.filter((s) => s !== c.scope),
        )
      ).secret,
    );
    const refused = await c.make(aAll);
    const no = await others(refused.method, refused.url, refused.body);
    expect([no.statusCode, no.json().code]).toEqual([403, 'INSUFFICIENT_SCOPE']);
    expect(no.json().message).toContain(`"${c.scope}"`);
    const admitted = await c.make(aAll);
    const yes = await only(admitted.method, admitted.url, admitted.body);
    expect(yes.statusCode, yes.body).toBe(c.status);
  });
});

describe('another workspace', () => {
  const routes = () =>
    [
      ['GET', `/v1/contacts/${bIds.contact}`],
      ['PATCH', `/v1/contacts/${bIds.contact}`, { name: 'A was here' }],
      ['DELETE', `/v1/contacts/${bIds.contact}`],
      ['GET', `/v1/contacts/${bIds.contact}/consent`],
      ['GET', `/v1/contacts/${bIds.contact}/export`],
      ['GET', `/v1/lists/${bIds.list}`],
      ['PATCH', `/v1/lists/${bIds.list}`, { name: 'Taken over' }],
      ['GET', `/v1/lists/${bIds.list}/subscriptions`],
      ['POST', `/v1/lists/${bIds.list}/subscriptions`, { contact: { email: personEmail('a') } }],
      ['DELETE', `/v1/lists/${bIds.list}/subscriptions/${bIds.contact}`],
      ['DELETE', `/v1/suppressions/${bIds.suppression}`],
    ] as [Method, string, unknown?][];

  it("answers 404 NOT_FOUND on every route naming B's contact, list or suppression", async () => {
    for (const [method, url, body] of routes()) {
      const res = await aAll(method, url, body);
      expect([method, url, res.statusCode, res.json().code]).toEqual([method, url, 404, 'NOT_FOUND']);
    }
    // A's own list with B's contact: still not found.
    const aList = await newList(aAll);
    const mixed = await aAll('DELETE', `/v1/lists/${aList}/subscriptions/${bIds.contact}`);
    expect(mixed.statusCode).toBe(404);
  });

  it('answers 404 for malformed ids, like unknown ones', async () => {
    for (const url of [
      '/v1/contacts/nope',
      '/v1/lists/nope',
      '/v1/contacts/nope/consent',
      '/v1/contacts/nope/export',
      '/v1/lists/nope/subscriptions',
    ])
      expect((await aAll('GET', url)).statusCode, url).toBe(404);
    expect((await aAll('DELETE', '/v1/suppressions/nope')).statusCode).toBe(404);
    expect((await aAll('DELETE', '/v1/lists/nope/subscriptions/nope')).statusCode).toBe(404);
    expect(
      (await aAll('POST', '/v1/lists/nope/subscriptions', { contact: { email: personEmail() } })).statusCode,
    ).toBe(404);
  });

  it("never lists B's rows, also when filtering by B's list", async () => {
    const contacts = (await aAll('GET', '/v1/contacts?limit=200')).json().contacts as { id: string }[];
    expect(contacts.map((c) => c.id)).not.toContain(bIds.contact);
    expect((await aAll('GET', `/v1/contacts?listId=${bIds.list}`)).json().contacts).toEqual([]);
    expect((await aAll('GET', '/v1/contacts?search=b-reader')).json().contacts).toEqual([]);
    const lists = (await aAll('GET', '/v1/lists')).json().lists as { id: string }[];
    expect(lists.map((l) => l.id)).not.toContain(bIds.list);
    const supp = (await aAll('GET', '/v1/suppressions?limit=500')).json().suppressions as { id: string }[];
    expect(supp.map((s) => s.id)).not.toContain(bIds.suppression);
  });

  it("left B's contact, list and suppression as they were", async () => {
    const contact = (await bAll('GET', `/v1/contacts/${bIds.contact}`)).json();
    expect(contact).toMatchObject({ email: 'b-reader@postern-b.com', name: null });
    expect(contact.subscriptions).toMatchObject([{ listId: bIds.list, status: 'active' }]);
    expect((await bAll('GET', `/v1/lists/${bIds.list}`)).json()).toMatchObject({ counts: { active: 1 } });
    expect((await bAll('GET', `/v1/lists/${bIds.list}`)).json().name).not.toBe('Taken over');
    const supp = (await bAll('GET', '/v1/suppressions')).json().suppressions as { id: string }[];
    expect(supp.map((s) => s.id)).toContain(bIds.suppression);
  });
});

describe('pagination', () => {
  it('pages contacts newest first with the opaque cursor, none skipped or repeated', async () => {
    const account = await newAccount(h.app);
    const all = v1Caller(h, (await keyWith(account)).secret);
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await all('POST', '/v1/contacts', { email: personEmail('page') });
      made.push(res.json().id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url = `/v1/contacts?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = (await all('GET', url)).json() as {
        contacts: { id: string }[];
        nextCursor: string | null;
      };
      expect(page.contacts.length).toBeLessThanOrEqual(2);
      seen.push(...page.contacts.map((c) => c.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...made].reverse());
    const bad = await all('GET', '/v1/contacts?cursor=not-a-cursor');
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'BAD_REQUEST']);
    expect((await all('GET', '/v1/contacts?limit=1000')).statusCode).toBe(422);
  });

  it("pages a list's subscribers and the suppression list", async () => {
    const account = await newAccount(h.app);
    const all = v1Caller(h, (await keyWith(account)).secret);
    const list = await newList(all);
    for (let i = 0; i < 3; i++) await newSubscriber(all, list);
    await all('POST', '/v1/contacts', { email: personEmail('not-subscribed') });
    const first = (await all('GET', `/v1/lists/${list}/subscriptions?limit=2`)).json();
    expect(first.contacts).toHaveLength(2);
    const rest = (
      await all('GET', `/v1/lists/${list}/subscriptions?limit=2&cursor=${first.nextCursor}`)
    ).json();
    expect([rest.contacts.length, rest.nextCursor]).toEqual([1, null]);
    expect((await all('GET', `/v1/lists/${list}/subscriptions?status=unsubscribed`)).json().contacts).toEqual(
      [],
    );
    await all('POST', '/v1/suppressions', { emails: [personEmail('s'), personEmail('s'), personEmail('s')] });
    const supp = (await all('GET', '/v1/suppressions?limit=2')).json();
    expect(supp.suppressions).toHaveLength(2);
    const more = (await all('GET', `/v1/suppressions?limit=2&cursor=${supp.nextCursor}`)).json();
    expect([more.suppressions.length, more.nextCursor]).toEqual([1, null]);
  });
});
