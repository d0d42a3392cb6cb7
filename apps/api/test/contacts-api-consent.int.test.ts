// /v1 subscriptions and suppressions (#29) as the acceptance reads: a suppressed address cannot
// come back through the API or the dashboard (tRPC), whatever its spelling; a subscription records the
// person's evidence from the body (not the caller's IP and user agent) with method `api` and the key as
// actor; subscribe, unsubscribe and suppress put their webhook events in the outbox; erasing a contact
// leaves its consent record unreadable; Idempotency-Key makes creating POSTs safe to repeat.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Account,
  countRows,
  keyWith,
  outbox,
  personEmail,
  type V1,
  v1Caller,
} from './support/contacts.ts';
import { type Harness, newAccount, startHarness } from './support/harness.ts';

let h: Harness;
let account: Account;
let api: V1;
let keyId = '';
let listId = '';

beforeAll(async () => {
  h = await startHarness();
  account = await newAccount(h.app);
  const key = await keyWith(account);
  api = v1Caller(h, key.secret);
  keyId = key.id;
  const list = await api('POST', '/v1/lists', {
    name: 'Product news',
    doubleOptIn: false,
    consentText: 'Send me product news',
  });
  listId = list.json().id;
});

afterAll(async () => {
  await h?.close();
});

const subscribe = (email: string, evidence: Record<string, unknown> = {}, headers = {}) =>
  api('POST', `/v1/lists/${listId}/subscriptions`, { contact: { email }, evidence }, headers);

describe('a suppressed address', () => {
  it('cannot be subscribed through the API, in any spelling, and nothing is stored', async () => {
    const email = personEmail('suppressed');
    expect((await api('POST', '/v1/suppressions', { emails: [email] })).statusCode).toBe(201);
    const [before, events] = [
      await countRows(h, 'contact', account.workspaceId),
      await countRows(h, 'consent_event', account.workspaceId),
    ];
    for (const spelling of [email, email.toUpperCase(), ` ${email} `]) {
      const res = await subscribe(spelling, { ip: '203.0.113.9', express: true });
      expect([spelling, res.statusCode, res.json().code]).toEqual([spelling, 409, 'CONFLICT']);
      expect(res.json().message).toMatch(/suppress/i);
    }
    expect(await countRows(h, 'contact', account.workspaceId)).toBe(before);
    expect(await countRows(h, 'consent_event', account.workspaceId)).toBe(events);
  });

  it('cannot be subscribed through the dashboard (tRPC) either', async () => {
    const email = personEmail('suppressed-dash');
    await api('POST', '/v1/suppressions', { emails: [email] });
    const res = await account.client.mutate('contacts.lists.subscribe', {
      workspaceId: account.workspaceId,
      listId,
      contact: { email },
    });
    expect(res.error?.data.code).toBe('CONFLICT');
    expect((await api('GET', `/v1/contacts?search=${encodeURIComponent(email)}`)).json().contacts).toEqual(
      [],
    );
  });

  it('stays suppressed after the person unsubscribed everywhere: no re-subscribe, no removal', async () => {
    const email = personEmail('left');
    const contactId = (await subscribe(email)).json().contact.id;
    const gone = await account.client.mutate<{ suppressed: boolean }>('contacts.lists.unsubscribe', {
      workspaceId: account.workspaceId,
      contactId,
    });
    expect(gone.data?.suppressed).toBe(true);
    expect((await subscribe(email)).statusCode).toBe(409);
    const entry = (await api('GET', '/v1/suppressions?reason=unsubscribed')).json().suppressions[0];
    expect(entry).toMatchObject({ email, reason: 'unsubscribed' });
    const lift = await api('DELETE', `/v1/suppressions/${entry.id}`);
    expect([lift.statusCode, lift.json().code]).toEqual([409, 'CONFLICT']);
    expect(lift.json().message).toMatch(/double opt-in/);
  });

  it('comes back once a manual entry is removed', async () => {
    const email = personEmail('manual');
    await api('POST', '/v1/suppressions', { emails: [email], source: 'support ticket 42' });
    const entry = (await api('GET', '/v1/suppressions?reason=manual'))
      .json()
      .suppressions.find((s: { email: string }) => s.email === email);
    expect(entry).toMatchObject({ source: 'support ticket 42', createdBy: keyId });
    expect((await api('DELETE', `/v1/suppressions/${entry.id}`)).statusCode).toBe(204);
    expect((await subscribe(email)).statusCode).toBe(201);
  });
});

describe('consent evidence', () => {
  it("records the person's IP and user agent from the body, method api and the key as actor", async () => {
    const email = personEmail('evidence');
    const res = await subscribe(
      email,
      { ip: '198.51.100.23', userAgent: 'Mozilla/5.0 (the person)', express: true },
      { 'user-agent': 'our-backend/1.0' },
    );
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ status: 'active', changed: true, confirmationRequired: false });
    const timeline = (await api('GET', `/v1/contacts/${res.json().contact.id}/consent`)).json().events;
    expect(timeline).toMatchObject([
      {
        type: 'subscribed',
        method: 'api',
        listId,
        express: true,
        actorId: keyId,
        email,
        ip: '198.51.100.23',
        userAgent: 'Mozilla/5.0 (the person)',
        personErased: false,
      },
    ]);
    expect(timeline[0].consentTextVersionId).toBe(
      (await api('GET', `/v1/lists/${listId}`)).json().consentText.id,
    );
    expect(JSON.stringify(timeline)).not.toContain('our-backend');
  });

  it('refuses a method in the evidence (the API records api) and stores nothing', async () => {
    const email = personEmail('method');
    const res = await subscribe(email, { method: 'hosted_form' });
    expect([res.statusCode, res.json().code]).toEqual([422, 'VALIDATION_FAILED']);
    expect(res.json().message).toMatch(/^evidence/);
    expect((await api('GET', `/v1/contacts?search=${encodeURIComponent(email)}`)).json().contacts).toEqual(
      [],
    );
  });

  it("refuses another list's consent text version and stores nothing", async () => {
    const other = (await api('POST', '/v1/lists', { name: 'Other', consentText: 'Other text' })).json();
    const email = personEmail('version');
    const res = await subscribe(email, { consentTextVersionId: other.consentText.id });
    expect(res.statusCode).toBe(422);
    expect(res.json().message).toMatch(/consent text version is not one of this list/);
    expect((await api('GET', `/v1/contacts?search=${encodeURIComponent(email)}`)).json().contacts).toEqual(
      [],
    );
  });

  it('leaves the consent record as proof with nothing readable after erasure', async () => {
    const email = personEmail('erased');
    const contactId = (await subscribe(email, { ip: '192.0.2.44' })).json().contact.id;
    expect((await api('DELETE', `/v1/contacts/${contactId}`)).statusCode).toBe(204);
    expect((await api('GET', `/v1/contacts/${contactId}`)).statusCode).toBe(404);
    const consent = await api('GET', `/v1/contacts/${contactId}/consent`);
    expect(consent.statusCode).toBe(200);
    expect(consent.json().events).toMatchObject([
      { type: 'subscribed', email: null, ip: null, personErased: true },
    ]);
    expect(consent.body).not.toContain('192.0.2.44');
    expect((await api('DELETE', `/v1/contacts/${contactId}`)).statusCode).toBe(404);
  });
});

describe('webhook events', () => {
  it('puts contact.subscribed, contact.unsubscribed and contact.suppressed in the outbox, ids only', async () => {
    const email = personEmail('events');
    const contactId = (await subscribe(email)).json().contact.id;
    expect((await api('DELETE', `/v1/lists/${listId}/subscriptions/${contactId}`)).statusCode).toBe(204);
    // Unsubscribing again changes nothing and sends nothing more.
    expect((await api('DELETE', `/v1/lists/${listId}/subscriptions/${contactId}`)).statusCode).toBe(204);
    await api('POST', '/v1/suppressions', { emails: [email] });
    const events = await outbox(h, account.workspaceId);
    expect(events.filter((e) => e.payload.contact_id === contactId).map((e) => [e.type, e.payload])).toEqual([
      ['contact.subscribed', { contact_id: contactId, list_id: listId, status: 'active', method: 'api' }],
      [
        'contact.unsubscribed',
        { contact_id: contactId, list_id: listId, status: 'unsubscribed', method: 'api' },
      ],
    ]);
    const suppressed = events.filter((e) => e.type === 'contact.suppressed').at(-1);
    expect(suppressed?.payload).toMatchObject({ reason: 'manual' });
    expect(JSON.stringify(events)).not.toContain(email);
  });
});

describe('malformed input', () => {
  it('answers 422 naming the field, and stores nothing', async () => {
    const contacts = await countRows(h, 'contact', account.workspaceId);
    const lists = await countRows(h, 'contact_list', account.workspaceId);
    const suppressions = await countRows(h, 'suppression', account.workspaceId);
    const cases: [string, string, unknown, RegExp][] = [
      ['POST', '/v1/contacts', { email: 'not an address' }, /address/i],
      ['POST', '/v1/contacts', { email: personEmail(), attributes: { 'bad key!': 1 } }, /^attributes/],
      ['POST', '/v1/contacts', { email: personEmail(), name: 'x'.repeat(201) }, /^name/],
      ['POST', '/v1/lists', { name: '' }, /name/],
      ['POST', '/v1/lists', { name: 'Ok', doubleOptIn: 'yes' }, /^doubleOptIn/],
      ['POST', `/v1/lists/${listId}/subscriptions`, { contact: { email: 'nobody@' } }, /address|email/i],
      ['POST', `/v1/lists/${listId}/subscriptions`, { evidence: {} }, /^contact/],
      [
        'POST',
        '/v1/suppressions',
        { emails: [personEmail(), 'broken@@example.com', personEmail()] },
        /position 2/,
      ],
      ['POST', '/v1/suppressions', { emails: [] }, /^emails/],
    ];
    for (const [method, url, body, message] of cases) {
      const res = await api(method as 'POST', url, body);
      expect([url, res.statusCode, res.json().code], JSON.stringify(body)).toEqual([
        url,
        422,
        'VALIDATION_FAILED',
      ]);
      expect(res.json().message, JSON.stringify(body)).toMatch(message);
    }
    expect(await countRows(h, 'contact', account.workspaceId)).toBe(contacts);
    expect(await countRows(h, 'contact_list', account.workspaceId)).toBe(lists);
    expect(await countRows(h, 'suppression', account.workspaceId)).toBe(suppressions);
  });

  it('refuses a body that is not JSON (415) and a duplicate contact (409)', async () => {
    const text = await api('POST', '/v1/contacts', undefined, { 'content-type': 'text/plain' });
    expect(text.statusCode).toBe(415);
    const email = personEmail('twice');
    expect((await api('POST', '/v1/contacts', { email })).statusCode).toBe(201);
    const again = await api('POST', '/v1/contacts', { email: email.toUpperCase() });
    expect([again.statusCode, again.json().code]).toEqual([409, 'CONFLICT']);
  });
});

describe('Idempotency-Key', () => {
  it('answers a repeat with the first result, refuses another body under the key', async () => {
    const email = personEmail('idem');
    const headers = { 'idempotency-key': `contact-${email}` };
    const first = await api('POST', '/v1/contacts', { email, name: 'Ida' }, headers);
    expect(first.statusCode).toBe(201);
    const again = await api('POST', '/v1/contacts', { name: 'Ida', email }, headers);
    expect([again.statusCode, again.headers['idempotent-replayed'], again.json().id]).toEqual([
      200,
      'true',
      first.json().id,
    ]);
    const other = await api('POST', '/v1/contacts', { email: personEmail('idem') }, headers);
    expect([other.statusCode, other.json().code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    const bad = await api(
      'POST',
      '/v1/contacts',
      { email: personEmail() },
      { 'idempotency-key': 'has space' },
    );
    expect(bad.statusCode).toBe(422);
  });

  it('makes subscribing and list creation safe to repeat; a failed request can be sent again', async () => {
    const email = personEmail('idem-sub');
    const key = { 'idempotency-key': `sub-${email}` };
    const first = await subscribe(email, { ip: '192.0.2.1' }, key);
    const again = await subscribe(email, { ip: '192.0.2.1' }, key);
    expect([first.statusCode, again.statusCode]).toEqual([201, 200]);
    expect(again.json()).toMatchObject({
      contact: { id: first.json().contact.id },
      status: 'active',
      changed: true,
    });
    expect((await api('GET', `/v1/contacts/${first.json().contact.id}/consent`)).json().events).toHaveLength(
      1,
    );
    const listKey = { 'idempotency-key': `list-${email}` };
    const refused = await api('POST', '/v1/lists', { name: '' }, listKey);
    expect(refused.statusCode).toBe(422);
    const made = await api('POST', '/v1/lists', { name: 'Retried' }, listKey);
    const remade = await api('POST', '/v1/lists', { name: 'Retried' }, listKey);
    expect([made.statusCode, remade.statusCode, remade.json().id]).toEqual([201, 200, made.json().id]);
  });

  it('lets only one of concurrent repeats create (the others wait for its answer or are told to retry)', async () => {
    const name = `Race ${personEmail('race')}`;
    const headers = { 'idempotency-key': `race-${name.replace(/\s/g, '-')}` };
    const before = await countRows(h, 'contact_list', account.workspaceId);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => api('POST', '/v1/lists', { name }, headers)),
    );
    const statuses = answers.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.every((s) => [200, 201, 409].includes(s))).toBe(true);
    expect(await countRows(h, 'contact_list', account.workspaceId)).toBe(before + 1);
  });
});
