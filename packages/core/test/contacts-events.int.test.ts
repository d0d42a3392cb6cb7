// Audience side effects (#29): webhook events through the outbox (ids only, never an address), the
// workspace's erasure (the registry's rules: contacts, lists, subscriptions and suppressions go, the
// ledger stays and can no longer be opened), and concurrent subscribers of one address agreeing on
// one contact.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addSuppressions,
  confirm,
  consentTimeline,
  createList,
  eraseContact,
  listContacts,
  subscribe,
  unsubscribe,
  writeConsentEvents,
} from '../src/contacts/index.ts';
import { applyErasureRules } from '../src/erasure/erase.ts';
import { contactsWorld, EMAILS } from './support/contacts-world.ts';
import { domainErrorOf } from './support/domain-error.ts';

const world = contactsWorld();
let ws: string;
let owner: string;
beforeAll(async () => {
  ({ workspaceId: ws, userId: owner } = await world.workspace());
});

const outbox = (workspaceId: string) =>
  world
    .w()
    .sql<{ type: string; payload: Record<string, unknown> }>(
      'select type, payload from outbox_event where workspace_id = ? order by created_at, type',
      [workspaceId],
    );

describe('webhook events', () => {
  it('subscribed, confirmed, unsubscribed and suppressed go to the outbox with ids only', async () => {
    const { workspaceId, userId } = await world.workspace();
    const list = await createList(world.as(userId), workspaceId, { name: 'Events' });
    const [email] = EMAILS(1);
    const signed = await subscribe(world.as(null), workspaceId, {
      listId: list.id,
      contact: { email: email as string },
      evidence: { method: 'embedded_form', ip: '192.0.2.44' },
    });
    world.w().clock.advance(1000);
    await confirm(world.as(null), workspaceId, { listId: list.id, contactId: signed.contact.id });
    world.w().clock.advance(1000);
    await unsubscribe(world.as(null), workspaceId, { contactId: signed.contact.id, method: 'hosted_form' });
    world.w().clock.advance(1000);
    await addSuppressions(world.as(userId), workspaceId, { emails: EMAILS(2), source: 'old CRM' });
    const events = await outbox(workspaceId);
    const contactId = signed.contact.id;
    expect(events.map((e) => e.type)).toEqual([
      'contact.subscribed',
      'contact.confirmed',
      'contact.suppressed',
      'contact.unsubscribed',
      'contact.suppressed',
      'contact.suppressed',
    ]);
    expect(events[0]?.payload).toEqual({
      contact_id: contactId,
      list_id: list.id,
      status: 'unconfirmed',
      method: 'embedded_form',
    });
    expect(events[1]?.payload).toMatchObject({
      contact_id: contactId,
      status: 'active',
      method: 'double_opt_in',
    });
    expect(events[2]?.payload).toMatchObject({ contact_id: contactId, reason: 'unsubscribed' });
    expect(events[3]?.payload).toMatchObject({
      contact_id: contactId,
      list_id: null,
      status: 'unsubscribed',
    });
    expect(events[4]?.payload).toMatchObject({ contact_id: null, reason: 'manual', source: 'old CRM' });
    expect(JSON.stringify(events)).not.toContain('@');
  });

  it('a repeated subscribe changes nothing and emits nothing', async () => {
    const list = await createList(world.as(owner), ws, { name: 'Once', doubleOptIn: false });
    const [email] = EMAILS(1);
    const input = {
      listId: list.id,
      contact: { email: email as string },
      evidence: { method: 'api' as const },
    };
    expect(await subscribe(world.as(owner), ws, input)).toMatchObject({ status: 'active', changed: true });
    const before = (await outbox(ws)).length;
    expect(await subscribe(world.as(owner), ws, input)).toMatchObject({ status: 'active', changed: false });
    expect((await outbox(ws)).length).toBe(before);
  });
});

describe("the workspace's erasure", () => {
  it('deletes contacts, lists, subscriptions and suppressions; keeps the ledger, unreadable', async () => {
    const { workspaceId, userId } = await world.workspace();
    const list = await createList(world.as(userId), workspaceId, { name: 'Gone', consentText: 'Yes please' });
    const [email, suppressed] = EMAILS(2);
    const result = await subscribe(world.as(userId), workspaceId, {
      listId: list.id,
      contact: { email: email as string },
      evidence: { method: 'dashboard' },
    });
    await addSuppressions(world.as(userId), workspaceId, { emails: [suppressed as string] });
    expect((await consentTimeline(world.as(userId), workspaceId, result.contact.id))[0]?.email).toBe(email);
    const ctx = world.as(null);
    await ctx.em.transactional((tx) => applyErasureRules(tx, 'workspace', { ids: [workspaceId] }));
    for (const table of ['contact', 'contact_list', 'consent_text_version', 'subscription', 'suppression']) {
      const rows = await world
        .w()
        .sql<{ n: string }>(`select count(*) as n from ${table} where workspace_id = ?`, [workspaceId]);
      expect(Number(rows[0]?.n), table).toBe(0);
    }
    const ledger = await consentTimeline(world.as(null), workspaceId, result.contact.id);
    expect(ledger).toEqual([
      expect.objectContaining({ type: 'subscribed', email: null, personErased: true }),
    ]);
  });
});

describe('concurrency', () => {
  it('never makes a key again for an erased contact (its old records stay unreadable)', async () => {
    const list = await createList(world.as(owner), ws, { name: 'Erased', doubleOptIn: false });
    const [email] = EMAILS(1);
    const { contact } = await subscribe(world.as(owner), ws, {
      listId: list.id,
      contact: { email: email as string },
      evidence: { method: 'api' },
    });
    await eraseContact(world.as(owner), ws, contact.id);
    // A write that read the contact just before its erasure committed: refused, no key made.
    const ctx = world.as(owner);
    const error = await domainErrorOf(
      ctx.em.transactional((tx) =>
        writeConsentEvents(tx, ctx, ws, [
          {
            contactId: contact.id,
            listId: list.id,
            type: 'subscribed',
            method: 'api',
            personal: { email: email as string },
          },
        ]),
      ),
    );
    expect(error.code).toBe('NOT_FOUND');
    const keys = await world.w().sql('select 1 from subject_key where subject_id = ?', [contact.id]);
    expect(keys).toEqual([]);
    expect((await consentTimeline(world.as(owner), ws, contact.id))[0]).toMatchObject({ personErased: true });
  });

  it('concurrent subscribes of one new address to several lists make one contact', async () => {
    const lists = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => createList(world.as(owner), ws, { name: `Race ${i}`, doubleOptIn: false })),
    );
    const [email] = EMAILS(1);
    const results = await Promise.all(
      lists.map((list) =>
        subscribe(world.as(owner), ws, {
          listId: list.id,
          contact: { email: email as string },
          evidence: { method: 'api' },
        }),
      ),
    );
    expect(new Set(results.map((r) => r.contact.id)).size).toBe(1);
    const page = await listContacts(world.as(owner), ws, { search: email });
    expect(page.contacts).toHaveLength(1);
    expect(page.contacts[0]?.subscriptions).toHaveLength(5);
  });
});
