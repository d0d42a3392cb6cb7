// Text PostgreSQL cannot hold (U+0000, lone surrogates) in every string the /v1 audience routes read —
// bodies, query strings and ids — gets a 4xx, never a 500 or an error-level log line, and stores
// nothing (#29; the same property as unstorable-text.int.test.ts, with a key holding these scopes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, countRows, keyWith, personEmail, type V1, v1Caller } from './support/contacts.ts';
import { type Harness, newAccount, startHarness } from './support/harness.ts';
import { BAD } from './support/zod-strings.ts';

let h: Harness;
let account: Account;
let api: V1;
let listId = '';
let contactId = '';

beforeAll(async () => {
  h = await startHarness();
  account = await newAccount(h.app);
  api = v1Caller(h, (await keyWith(account)).secret);
  listId = (await api('POST', '/v1/lists', { name: 'Text', doubleOptIn: false })).json().id;
  contactId = (
    await api('POST', `/v1/lists/${listId}/subscriptions`, { contact: { email: personEmail() } })
  ).json().contact.id;
});

afterAll(async () => {
  await h?.close();
});

type Probe = [
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: (bad: string) => string,
  body?: (bad: string) => unknown,
];
const q = (bad: string) => encodeURIComponent(`ab${bad}cd`);
const sub = (contact: Record<string, unknown>, evidence: Record<string, unknown> = {}) => ({
  contact,
  evidence,
});

const PROBES: Probe[] = [
  ['POST', () => '/v1/contacts', (bad) => ({ email: `ad${bad}a@example.com` })],
  ['POST', () => '/v1/contacts', (bad) => ({ email: personEmail(), name: `Ada ${bad}` })],
  ['POST', () => '/v1/contacts', (bad) => ({ email: personEmail(), attributes: { [`k${bad}`]: 1 } })],
  ['POST', () => '/v1/contacts', (bad) => ({ email: personEmail(), attributes: { plan: `p${bad}ro` } })],
  ['PATCH', () => `/v1/contacts/${contactId}`, (bad) => ({ name: `Ada ${bad}` })],
  ['PATCH', () => `/v1/contacts/${contactId}`, (bad) => ({ attributes: { note: bad } })],
  ['POST', () => '/v1/lists', (bad) => ({ name: `List ${bad}` })],
  ['POST', () => '/v1/lists', (bad) => ({ name: 'List', consentText: `Yes ${bad}` })],
  ['POST', () => '/v1/lists', (bad) => ({ name: 'List', confirmationBody: `Hi ${bad}` })],
  ['PATCH', () => `/v1/lists/${listId}`, (bad) => ({ description: `About ${bad}` })],
  ['POST', () => `/v1/lists/${listId}/subscriptions`, (bad) => sub({ email: `a${bad}@example.com` })],
  [
    'POST',
    () => `/v1/lists/${listId}/subscriptions`,
    (bad) => sub({ email: personEmail() }, { ip: `1.2.3.${bad}` }),
  ],
  [
    'POST',
    () => `/v1/lists/${listId}/subscriptions`,
    (bad) => sub({ email: personEmail() }, { userAgent: `Mozilla ${bad}` }),
  ],
  ['POST', () => '/v1/suppressions', (bad) => ({ emails: [`g${bad}one@example.com`] })],
  ['POST', () => '/v1/suppressions', (bad) => ({ emails: [personEmail()], source: `crm ${bad}` })],
  ['GET', (bad) => `/v1/contacts?search=${q(bad)}`],
  ['GET', (bad) => `/v1/contacts?cursor=${q(bad)}`],
  ['GET', (bad) => `/v1/suppressions?cursor=${q(bad)}`],
  ['GET', (bad) => `/v1/lists/${listId}/subscriptions?cursor=${q(bad)}`],
  ['GET', (bad) => `/v1/contacts/${q(bad)}`],
  ['DELETE', (bad) => `/v1/suppressions/${q(bad)}`],
];

describe('unstorable text on the audience routes', () => {
  it('is refused with a 4xx everywhere, nothing stored, no error logged', { timeout: 60_000 }, async () => {
    const before = {
      contacts: await countRows(h, 'contact', account.workspaceId),
      lists: await countRows(h, 'contact_list', account.workspaceId),
      suppressions: await countRows(h, 'suppression', account.workspaceId),
    };
    const answers: string[] = [];
    for (const [index, [method, url, body]] of PROBES.entries()) {
      for (const [name, bad] of Object.entries(BAD)) {
        // Raw text (query strings, paths) is UTF-8, which cannot carry a lone surrogate at all.
        if (!body && bad !== BAD.nul) continue;
        const res = await api(method, url(bad), body?.(bad));
        if (res.statusCode < 400 || res.statusCode >= 500)
          answers.push(
            `#${index} ${method} ${url('')} (${name}): ${res.statusCode} ${res.body.slice(0, 200)}`,
          );
      }
    }
    expect(answers).toEqual([]);
    expect(h.logs.filter((line) => /"level":"(error|fatal)"/.test(line))).toEqual([]);
    expect({
      contacts: await countRows(h, 'contact', account.workspaceId),
      lists: await countRows(h, 'contact_list', account.workspaceId),
      suppressions: await countRows(h, 'suppression', account.workspaceId),
    }).toEqual(before);
  });
});
