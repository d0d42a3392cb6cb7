// Subject rights for one contact (#30): the export holds every section — profile, subscriptions with
// their lists, the consent ledger with its sealed personal data opened, suppression found by the keyed
// hash, pending double opt-in links — in the versioned format, from the dashboard (tRPC) and /v1, both
// audited; another workspace's contact is not found on either; erasing needs `contacts:erase` (a key with
// contacts:write alone is refused and erases nothing) and in the dashboard the `contacts.erase`
// permission (a member, who holds contacts.write, is refused; an admin erases), and is audited. Real
// PostgreSQL and Redis.
import { CONTACT_EXPORT_FORMAT, type ContactExport, ZContactExport } from '@postern/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, keyWith, personEmail, type V1, v1Caller } from './support/contacts.ts';
import { addMember, type Harness, newAccount, startHarness } from './support/harness.ts';
import { clientIp, formPost, mailsTo, sql } from './support/opt-in.ts';

let h: Harness;
let a: Account;
let b: Account;
let aAll: V1;
let bAll: V1;
const person = { id: '', email: '', ip: '203.0.113.41', userAgent: 'SubjectRights/2.0 (probe)' };
const lists = { news: '', digest: '' };

async function auditOf(workspaceId: string, type: string) {
  return sql<{ target_id: string; metadata: Record<string, unknown> | null; sealed: string | null }>(
    h,
    'select target_id, metadata, sealed from audit_entry where workspace_id = ? and event_type = ? order by seq',
    [workspaceId, type],
  );
}

beforeAll(async () => {
  h = await startHarness();
  [a, b] = [await newAccount(h.app), await newAccount(h.app)];
  aAll = v1Caller(h, (await keyWith(a)).secret);
  bAll = v1Caller(h, (await keyWith(b)).secret);
  lists.news = (await aAll('POST', '/v1/lists', { name: 'News', doubleOptIn: false })).json().id;
  lists.digest = (await aAll('POST', '/v1/lists', { name: 'Digest', doubleOptIn: true })).json().id;
  // Subscribed through the API with evidence, unsubscribed from everything (consent withdrawn, the
  // address suppressed), then back through the hosted form: a pending confirmation link.
  person.email = personEmail('Subject.Rights');
  const sub = await aAll('POST', `/v1/lists/${lists.news}/subscriptions`, {
    contact: { email: person.email, name: 'Sam Subject', attributes: { plan: 'pro', seats: 3 } },
    evidence: { ip: person.ip, userAgent: person.userAgent, express: true },
  });
  expect(sub.statusCode, sub.body).toBe(201);
  person.id = sub.json().contact.id;
  const out = await a.client.mutate('contacts.lists.unsubscribe', {
    workspaceId: a.workspaceId,
    contactId: person.id,
  });
  expect(out.status).toBe(200);
  const form = await formPost(h, `/p/lists/${lists.digest}/subscribe`, { email: person.email }, clientIp());
  expect(form.statusCode).toBe(200);
  expect(await mailsTo(h, person.email)).toHaveLength(1);
});

afterAll(async () => {
  await h?.close();
});

describe('the export', () => {
  it('holds every section, the consent record opened, in the versioned format (tRPC), audited', async () => {
    const before = (await auditOf(a.workspaceId, 'contact.exported')).length;
    const res = await a.client.mutate<ContactExport>('contacts.export', {
      workspaceId: a.workspaceId,
      contactId: person.id,
    });
    expect(res.status, JSON.stringify(res.error)).toBe(200);
    const doc = ZContactExport.parse(res.data);
    expect(doc.format).toBe(CONTACT_EXPORT_FORMAT);
    expect(doc.workspaceId).toBe(a.workspaceId);
    expect(Math.abs(Date.parse(doc.generatedAt) - h.clock.now().getTime())).toBeLessThan(60_000);
    expect(doc.profile).toMatchObject({
      id: person.id,
      email: person.email,
      emailNormalized: person.email.toLowerCase(),
      name: 'Sam Subject',
      attributes: { plan: 'pro', seats: 3 },
    });
    expect(
      doc.subscriptions.map((s) => [s.listName, s.status, s.express, Boolean(s.unsubscribedAt)]).sort(),
    ).toEqual([
      ['Digest', 'unconfirmed', false, false],
      ['News', 'unsubscribed', true, true],
    ]);
    expect(doc.consentEvents.map((e) => [e.type, e.method])).toEqual([
      ['subscribed', 'api'],
      ['unsubscribed', 'dashboard'],
      ['consent_withdrawn', 'dashboard'],
      ['subscribed', 'hosted_form'],
    ]);
    // The sealed part of each ledger row, opened: the address everywhere, the API's evidence on the first.
    expect(doc.consentEvents.every((e) => e.email === person.email && !e.personErased)).toBe(true);
    expect(doc.consentEvents[0]).toMatchObject({ ip: person.ip, userAgent: person.userAgent, express: true });
    expect(doc.consentEvents[3]?.userAgent).toBe('Mozilla/5.0 (test)');
    const ledger = await sql<{ row: string }>(
      h,
      'select c::text as row from consent_event c where contact_id = ?',
      [person.id],
    );
    expect(ledger).toHaveLength(4);
    expect(ledger.some((r) => r.row.includes(person.ip) || r.row.includes(person.email))).toBe(false);
    expect(doc.suppression).toMatchObject({ suppressed: true, reason: 'unsubscribed', source: 'dashboard' });
    expect(doc.suppression.since).toEqual(expect.any(String));
    expect(doc.pendingConfirmations).toEqual([
      { listId: lists.digest, listName: 'Digest', sentAt: expect.any(String), expiresAt: expect.any(String) },
    ]);
    expect(doc.campaignEvents).toEqual([]);

    const audited = await auditOf(a.workspaceId, 'contact.exported');
    expect(audited).toHaveLength(before + 1);
    const entry = audited[audited.length - 1];
    expect(entry?.target_id).toBe(person.id);
    expect(entry?.metadata).toMatchObject({ subscriptions: 2, consentEvents: 4 });
    expect(JSON.stringify(entry)).not.toContain(person.email);
  });

  it('answers the same document on GET /v1/contacts/:id/export with contacts:read alone, audited as the key', async () => {
    const reader = v1Caller(h, (await keyWith(a, ['contacts:read'])).secret);
    const res = await reader('GET', `/v1/contacts/${person.id}/export`);
    expect(res.statusCode, res.body).toBe(200);
    const doc = ZContactExport.parse(res.json());
    expect(doc.profile.email).toBe(person.email);
    expect(doc.consentEvents).toHaveLength(4);
    expect(doc.suppression.suppressed).toBe(true);
    const writer = v1Caller(h, (await keyWith(a, ['contacts:write', 'contacts:erase'])).secret);
    const refused = await writer('GET', `/v1/contacts/${person.id}/export`);
    expect([refused.statusCode, refused.json().code]).toEqual([403, 'INSUFFICIENT_SCOPE']);
    const [row] = await sql<{ n: number }>(
      h,
      `select count(*)::int as n from audit_entry where workspace_id = ? and event_type = 'contact.exported'
          and metadata->>'apiKeyName' is not null`,
      [a.workspaceId],
    );
    expect(row?.n).toBe(1);
  });

  it('includes the campaign sends to the contact once campaigns exist (#31)', async () => {
    const [table] = await sql<{ present: boolean }>(
      h,
      "select to_regclass('campaign_recipient') is not null as present",
    );
    const exported = async () =>
      ZContactExport.parse((await aAll('GET', `/v1/contacts/${person.id}/export`)).json()).campaignEvents;
    if (!table?.present) {
      expect(await exported()).toEqual([]);
      return;
    }
    const campaignId = crypto.randomUUID();
    await sql(
      h,
      `insert into campaign (id, workspace_id, name, subject, html_body, text_body, status, created_at, updated_at)
       values (?, ?, 'Spring sale', 'Our spring sale', '<p>Hi</p>', 'Hi', 'sent', now(), now())`,
      [campaignId, a.workspaceId],
    );
    await sql(
      h,
      `insert into campaign_recipient (id, campaign_id, workspace_id, contact_id, status, sent_at)
       values (?, ?, ?, ?, 'sent', now())`,
      [crypto.randomUUID(), campaignId, a.workspaceId, person.id],
    );
    expect(await exported()).toMatchObject([
      {
        campaignId,
        campaignName: 'Spring sale',
        subject: 'Our spring sale',
        status: 'sent',
        skipReason: null,
      },
    ]);
  });

  it("refuses another workspace's contact (tRPC and /v1) and a malformed id, auditing nothing", async () => {
    const before = (await auditOf(b.workspaceId, 'contact.exported')).length;
    const trpc = await b.client.mutate('contacts.export', {
      workspaceId: b.workspaceId,
      contactId: person.id,
    });
    expect(trpc.error?.data.code).toBe('NOT_FOUND');
    const named = await b.client.mutate('contacts.export', {
      workspaceId: a.workspaceId,
      contactId: person.id,
    });
    expect(named.error?.data.code).toBe('NOT_FOUND');
    for (const url of [`/v1/contacts/${person.id}/export`, '/v1/contacts/nope/export']) {
      const res = await bAll('GET', url);
      expect([url, res.statusCode, res.json().code]).toEqual([url, 404, 'NOT_FOUND']);
      expect(res.body).not.toContain(person.email);
    }
    expect(await auditOf(b.workspaceId, 'contact.exported')).toHaveLength(before);
  });
});

describe('erasure', () => {
  it('needs contacts:erase: a key with contacts:write (and read) alone is refused and erases nothing', async () => {
    const writer = v1Caller(h, (await keyWith(a, ['contacts:read', 'contacts:write'])).secret);
    const refused = await writer('DELETE', `/v1/contacts/${person.id}`);
    expect([refused.statusCode, refused.json().code]).toEqual([403, 'INSUFFICIENT_SCOPE']);
    expect(refused.json().message).toContain('"contacts:erase"');
    expect((await writer('GET', `/v1/contacts/${person.id}`)).statusCode).toBe(200);
    expect(await auditOf(a.workspaceId, 'contact.erased')).toHaveLength(0);
  });

  it("refuses to erase another workspace's contact", async () => {
    expect((await bAll('DELETE', `/v1/contacts/${person.id}`)).statusCode).toBe(404);
    const trpc = await b.client.mutate('contacts.erase', {
      workspaceId: b.workspaceId,
      contactId: person.id,
    });
    expect(trpc.error?.data.code).toBe('NOT_FOUND');
    expect((await aAll('GET', `/v1/contacts/${person.id}`)).statusCode).toBe(200);
  });

  it('erases with contacts:erase alone, audited; then nothing is left to export, the suppression stays', async () => {
    const eraser = v1Caller(h, (await keyWith(a, ['contacts:erase'])).secret);
    const res = await eraser('DELETE', `/v1/contacts/${person.id}`);
    expect(res.statusCode, res.body).toBe(204);
    const [entry, ...more] = await auditOf(a.workspaceId, 'contact.erased');
    expect(more).toEqual([]);
    expect(entry?.target_id).toBe(person.id);
    expect(JSON.stringify(entry)).not.toContain(person.email);
    expect((await aAll('GET', `/v1/contacts/${person.id}/export`)).statusCode).toBe(404);
    const trpc = await a.client.mutate('contacts.export', {
      workspaceId: a.workspaceId,
      contactId: person.id,
    });
    expect(trpc.error?.data.code).toBe('NOT_FOUND');
    const consent = (await aAll('GET', `/v1/contacts/${person.id}/consent`)).json().events as {
      email: string | null;
      ip: string | null;
      personErased: boolean;
    }[];
    expect(consent).toHaveLength(4);
    expect(consent.every((e) => e.personErased && e.email === null && e.ip === null)).toBe(true);
    // The suppression stays as a tombstone: the reason and source, no address.
    const check = await aAll('GET', '/v1/suppressions?limit=500');
    expect(check.json().suppressions).toMatchObject([
      { email: '(erased person)', reason: 'unsubscribed', source: 'dashboard' },
    ]);
    expect(await sql(h, 'select 1 from opt_in_token where contact_id = ?', [person.id])).toEqual([]);
    expect(await sql(h, 'select 1 from subscription where contact_id = ?', [person.id])).toEqual([]);
  });

  it('needs contacts.erase in the dashboard: a member with contacts.write is refused and erases nothing; an admin erases', async () => {
    const [member, admin] = [await newAccount(h.app), await newAccount(h.app)];
    await addMember(h, a.client, a.workspaceId, member, 'member');
    await addMember(h, a.client, a.workspaceId, admin, 'admin');
    const email = personEmail('member-erase');
    const id = (await aAll('POST', '/v1/contacts', { email })).json().id as string;
    const input = { workspaceId: a.workspaceId, contactId: id };
    // The member holds contacts.write: changing the contact is allowed…
    const changed = await member.client.mutate('contacts.update', { ...input, data: { name: 'Kept' } });
    expect(changed.status, JSON.stringify(changed.error)).toBe(200);
    // …erasing it is not, and leaves it whole.
    const refused = await member.client.mutate('contacts.erase', input);
    expect([refused.status, refused.error?.data.code]).toEqual([403, 'FORBIDDEN']);
    expect((await aAll('GET', `/v1/contacts/${id}`)).json()).toMatchObject({ email, name: 'Kept' });
    const erasedBefore = (await auditOf(a.workspaceId, 'contact.erased')).filter((e) => e.target_id === id);
    expect(erasedBefore).toEqual([]);
    const done = await admin.client.mutate('contacts.erase', input);
    expect(done.status, JSON.stringify(done.error)).toBe(200);
    expect((await aAll('GET', `/v1/contacts/${id}`)).statusCode).toBe(404);
    const [row] = await sql<{ actor_id: string }>(
      h,
      `select actor_id from audit_entry where workspace_id = ? and event_type = 'contact.erased' and target_id = ?`,
      [a.workspaceId, id],
    );
    expect(row?.actor_id).toBe(admin.userId);
  });

  it('erases from the dashboard too (contacts.erase), audited with the member as actor', async () => {
    const email = personEmail('dash');
    const made = await aAll('POST', '/v1/contacts', { email });
    const id = made.json().id as string;
    const res = await a.client.mutate('contacts.erase', { workspaceId: a.workspaceId, contactId: id });
    expect(res.status).toBe(200);
    const [row] = await sql<{ actor_id: string }>(
      h,
      `select actor_id from audit_entry where workspace_id = ? and event_type = 'contact.erased' and target_id = ?`,
      [a.workspaceId, id],
    );
    expect(row?.actor_id).toBe(a.userId);
  });
});
