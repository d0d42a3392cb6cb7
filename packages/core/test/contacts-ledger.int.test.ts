// The consent ledger (#29): append-only in the database (UPDATE, DELETE and TRUNCATE refused to the
// application role, and the triggers refuse even the owner); the consent timeline opens each event's
// sealed personal data with the contact's key; after the contact's erasure the rows stay, unreadable,
// and the address is nowhere in the database. Plus tenant isolation of every contacts function by id.
import { dumpDatabase } from '@postern/db/testing';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addSuppressions,
  confirm,
  consentTimeline,
  createContact,
  createList,
  deleteContact,
  deleteList,
  eraseContact,
  exportSuppressions,
  getContact,
  getList,
  importContacts,
  isSuppressed,
  listConsentTextVersions,
  listContacts,
  listLists,
  listSuppressions,
  removeSuppression,
  subscribe,
  unsubscribe,
  updateContact,
  updateList,
} from '../src/contacts/index.ts';
import { contactsWorld, EMAILS } from './support/contacts-world.ts';
import { domainErrorOf } from './support/domain-error.ts';

const world = contactsWorld();
let ws: string;
let owner: string;
let listId: string;
beforeAll(async () => {
  ({ workspaceId: ws, userId: owner } = await world.workspace());
  listId = (
    await createList(world.as(owner), ws, { name: 'Weekly', consentText: 'Send me the weekly news.' })
  ).id;
  // One event in the ledger at least.
  await subscribe(world.as(owner), ws, {
    listId,
    contact: { email: EMAILS(1)[0] as string },
    evidence: { method: 'dashboard' },
  });
});

async function ownerQuery(sql: string) {
  const client = new pg.Client({ connectionString: world.w().db.url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('the ledger is append-only', () => {
  it.each([
    ['UPDATE', "update consent_event set method = 'api'"],
    ['DELETE', 'delete from consent_event'],
    ['TRUNCATE', 'truncate consent_event'],
  ])('refuses %s from the application role', async (_name, sql) => {
    await expect(world.w().sql(sql)).rejects.toThrow(/consent|append-only|permission denied/);
    const [row] = await world.w().sql<{ n: string }>('select count(*) as n from consent_event');
    expect(Number(row?.n)).toBeGreaterThan(0);
  });

  it.each([
    ['UPDATE', "update consent_event set method = 'api'", /consent records cannot be modified or deleted/],
    ['DELETE', 'delete from consent_event', /consent records cannot be modified or deleted/],
    ['TRUNCATE', 'truncate consent_event', /consent_event is append-only: TRUNCATE is refused/],
  ])('the database refuses %s even to the owner (triggers)', async (_name, sql, message) => {
    await expect(ownerQuery(sql)).rejects.toThrow(message);
  });
});

describe('the consent timeline', () => {
  it('shows who, how and from where; after erasure the rows stay with nothing readable', async () => {
    const email = `Timeline.${Date.now()}@Example.com`;
    const formCtx = world.as(null, { ip: null, userAgent: null });
    const signed = await subscribe(formCtx, ws, {
      listId,
      contact: { email, name: 'Tim Line' },
      evidence: { method: 'hosted_form', ip: '203.0.113.5', userAgent: 'SignUpBrowser/1', express: true },
    });
    expect(signed).toMatchObject({ status: 'unconfirmed', confirmationRequired: true, changed: true });
    world.w().clock.advance(60_000);
    await confirm(formCtx, ws, {
      listId,
      contactId: signed.contact.id,
      ip: '198.51.100.8',
      userAgent: 'MailApp/2',
    });
    world.w().clock.advance(60_000);
    await unsubscribe(formCtx, ws, {
      contactId: signed.contact.id,
      method: 'hosted_form',
      source: 'preference_center',
    });

    const contactId = signed.contact.id;
    const before = await consentTimeline(world.as(owner), ws, contactId);
    expect(before.map((e) => [e.type, e.method])).toEqual([
      ['subscribed', 'hosted_form'],
      ['confirmed', 'double_opt_in'],
      ['unsubscribed', 'hosted_form'],
      ['consent_withdrawn', 'hosted_form'],
    ]);
    expect(before[0]).toMatchObject({
      email,
      ip: '203.0.113.5',
      userAgent: 'SignUpBrowser/1',
      express: true,
      actorType: 'contact',
      personErased: false,
    });
    const versions = await listConsentTextVersions(world.as(owner), ws, listId);
    expect(before[0]?.consentTextVersionId).toBe(versions[0]?.id);
    expect(before[1]).toMatchObject({ ip: '198.51.100.8', userAgent: 'MailApp/2' });
    // Sealed: the ledger holds no address in clear.
    const sealed = await world.w().sql<{ row: string }>('select t::text as row from consent_event t');
    expect(
      sealed
        .map((r) => r.row)
        .join('\n')
        .toLowerCase(),
    ).not.toContain(email.toLowerCase());

    await eraseContact(world.as(owner), ws, contactId);
    const after = await consentTimeline(world.as(owner), ws, contactId);
    expect(after).toHaveLength(4);
    for (const event of after)
      expect(event).toMatchObject({
        email: null,
        ip: null,
        userAgent: null,
        source: null,
        personErased: true,
      });
    expect(after.map((e) => e.occurredAt)).toEqual(before.map((e) => e.occurredAt));
    // The contact is gone; the address is in no table in clear (the suppression keeps it sealed).
    expect((await domainErrorOf(getContact(world.as(owner), ws, contactId))).code).toBe('NOT_FOUND');
    const dump = (await dumpDatabase(world.w().db.url)).toLowerCase();
    expect(dump).not.toContain(email.toLowerCase());
    expect(dump).not.toContain('203.0.113.5');
    expect(dump).not.toContain('mailapp/2');
    // Erasing does not un-suppress: the address unsubscribed from everything.
    expect((await isSuppressed(world.as(owner), ws, [email]))[0]?.reason).toBe('unsubscribed');
  });

  it('a deleted (not erased) contact keeps a readable timeline', async () => {
    const [email] = EMAILS(1);
    const result = await subscribe(world.as(owner), ws, {
      listId,
      contact: { email: email as string },
      evidence: { method: 'api', ip: '192.0.2.1' },
    });
    await deleteContact(world.as(owner), ws, result.contact.id);
    const timeline = await consentTimeline(world.as(owner), ws, result.contact.id);
    expect(timeline[0]).toMatchObject({
      email,
      ip: '192.0.2.1',
      personErased: false,
      actorType: 'user',
      actorId: owner,
    });
  });
});

describe('tenant isolation', () => {
  it("refuses every id of another workspace's contacts, lists and suppressions", async () => {
    const a = world.as(owner);
    const { workspaceId: other, userId: stranger } = await world.workspace();
    const b = world.as(stranger);
    const [email, suppressed] = EMAILS(2);
    const contact = await createContact(a, ws, { email: email as string });
    await subscribe(a, ws, {
      listId,
      contact: { email: email as string },
      evidence: { method: 'dashboard' },
    });
    await addSuppressions(a, ws, { emails: [suppressed as string] });
    const suppressionId = (await listSuppressions(a, ws)).suppressions[0]?.id as string;
    const attempts: [string, () => Promise<unknown>][] = [
      ['getContact', () => getContact(b, other, contact.id)],
      ['updateContact', () => updateContact(b, other, contact.id, { name: 'x' })],
      ['deleteContact', () => deleteContact(b, other, contact.id)],
      ['eraseContact', () => eraseContact(b, other, contact.id)],
      ['consentTimeline', () => consentTimeline(b, other, contact.id)],
      ['getList', () => getList(b, other, listId)],
      ['updateList', () => updateList(b, other, listId, { name: 'taken' })],
      ['deleteList', () => deleteList(b, other, listId)],
      ['listConsentTextVersions', () => listConsentTextVersions(b, other, listId)],
      [
        'subscribe',
        () =>
          subscribe(b, other, { listId, contact: { email: 'z@example.com' }, evidence: { method: 'api' } }),
      ],
      [
        'importContacts',
        () => importContacts(b, other, { listId, basis: 'consent', rows: [{ email: 'y@example.com' }] }),
      ],
      ['confirm', () => confirm(b, other, { listId, contactId: contact.id })],
      ['unsubscribe', () => unsubscribe(b, other, { contactId: contact.id, method: 'dashboard' })],
      ['removeSuppression', () => removeSuppression(b, other, suppressionId)],
    ];
    for (const [name, attempt] of attempts)
      expect((await domainErrorOf(attempt())).code, name).toBe('NOT_FOUND');
    expect((await listContacts(b, other)).contacts).toEqual([]);
    expect(await listLists(b, other)).toEqual([]);
    expect((await listSuppressions(b, other)).suppressions).toEqual([]);
    expect(await exportSuppressions(b, other)).toEqual([]);
    expect((await isSuppressed(b, other, [suppressed as string]))[0]?.suppressed).toBe(false);
    // Nothing of A changed.
    expect((await getContact(a, ws, contact.id)).subscriptions[0]?.status).toBe('active');
    expect((await getList(a, ws, listId)).name).toBe('Weekly');
    expect((await isSuppressed(a, ws, [suppressed as string]))[0]?.suppressed).toBe(true);
    const strays = await world
      .w()
      .sql<{ n: string }>('select count(*) as n from contact where workspace_id = ?', [other]);
    expect(Number(strays[0]?.n)).toBe(0);
  });
});
