// The dashboard's audience procedures (tRPC `contacts.*`, #29): an import never subscribes a suppressed
// or invalid row and says why per row; a member's subscription is recorded with method `dashboard` and
// the member as actor; unsubscribing from everything suppresses the address and sends both events;
// consent texts keep every version; the suppression list exports and removes manual entries only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, countRows, outbox, personEmail } from './support/contacts.ts';
import { type Harness, newAccount, startHarness } from './support/harness.ts';

let h: Harness;
let owner: Account;
let listId = '';

const mutate = <T = Record<string, unknown>>(path: string, input: Record<string, unknown>) =>
  owner.client.mutate<T>(`contacts.${path}`, { workspaceId: owner.workspaceId, ...input });
const query = <T = Record<string, unknown>>(path: string, input: Record<string, unknown> = {}) =>
  owner.client.query<T>(`contacts.${path}`, { workspaceId: owner.workspaceId, ...input });

beforeAll(async () => {
  h = await startHarness();
  owner = await newAccount(h.app);
  const list = await mutate<{ id: string }>('lists.create', {
    name: 'Dashboard list',
    doubleOptIn: false,
    consentText: 'Version one',
  });
  listId = list.data?.id ?? '';
});

afterAll(async () => {
  await h?.close();
});

describe('importing', () => {
  it('imports the good rows and reports the suppressed, invalid and repeated ones, subscribing none of them', async () => {
    const [good, gone] = [personEmail('imp'), personEmail('imp-gone')];
    await mutate('suppressions.add', { emails: [gone] });
    const res = await mutate<{ imported: number; skipped: { row: number; reason: string }[] }>('import', {
      listId,
      basis: 'consent',
      source: 'crm-export.csv',
      rows: [
        { email: good, name: 'Good' },
        { email: gone },
        { email: 'not-an-address' },
        { email: good.toUpperCase() },
      ],
    });
    expect(res.data?.imported).toBe(1);
    expect(res.data?.skipped.map((s) => [s.row, s.reason])).toEqual([
      [2, 'suppressed'],
      [3, 'invalid_address'],
      [4, 'duplicate_in_import'],
    ]);
    const found = await query<{ contacts: { email: string }[] }>('list', { listId });
    const emails = found.data?.contacts.map((c) => c.email) ?? [];
    expect(emails).toContain(good);
    expect(emails).not.toContain(gone);
  });

  it('refuses an import without a declared basis and stores nothing', async () => {
    const before = await countRows(h, 'contact', owner.workspaceId);
    const res = await mutate('import', { listId, rows: [{ email: personEmail('nobasis') }] });
    expect(res.error?.data.code).toBe('VALIDATION_FAILED');
    expect(await countRows(h, 'contact', owner.workspaceId)).toBe(before);
  });
});

describe('subscribing from the dashboard', () => {
  it("records method dashboard, the member as actor and the evidence given, not the member's browser", async () => {
    const email = personEmail('dash');
    const res = await mutate<{ contact: { id: string }; status: string }>('lists.subscribe', {
      listId,
      contact: { email },
      evidence: { ip: '203.0.113.80', express: true },
    });
    expect(res.data?.status).toBe('active');
    const contactId = res.data?.contact.id ?? '';
    const timeline = await query<{ events: Record<string, unknown>[] }>('consent', { contactId });
    expect(timeline.data?.events).toMatchObject([
      { type: 'subscribed', method: 'dashboard', actorId: owner.userId, ip: '203.0.113.80', express: true },
    ]);
    expect(JSON.stringify(timeline.data)).not.toContain(owner.client.userAgent);
  });

  it('unsubscribing from everything suppresses the address and sends both events', async () => {
    const email = personEmail('all');
    const sub = await mutate<{ contact: { id: string } }>('lists.subscribe', { listId, contact: { email } });
    const contactId = sub.data?.contact.id ?? '';
    const res = await mutate<{ changed: boolean; suppressed: boolean; lists: string[] }>(
      'lists.unsubscribe',
      {
        contactId,
      },
    );
    expect(res.data).toEqual({ changed: true, suppressed: true, lists: [listId] });
    const types = (await outbox(h, owner.workspaceId))
      .filter((e) => e.payload.contact_id === contactId)
      .map((e) => e.type);
    // The last two are written in one transaction, at one time: their order is not the point.
    expect(types.sort()).toEqual(['contact.subscribed', 'contact.suppressed', 'contact.unsubscribed']);
    const again = await mutate('lists.subscribe', { listId, contact: { email } });
    expect(again.error?.data.code).toBe('CONFLICT');
    const timeline = await query<{ events: { type: string }[] }>('consent', { contactId });
    expect(timeline.data?.events.map((e) => e.type)).toEqual([
      'subscribed',
      'unsubscribed',
      'consent_withdrawn',
    ]);
  });

  it('keeps every version of a consent text', async () => {
    await mutate('lists.update', { listId, data: { consentText: 'Version two' } });
    await mutate('lists.update', { listId, data: { description: 'No text change' } });
    const versions = await query<{ versions: { version: number; text: string; sha256: string }[] }>(
      'lists.consentTexts',
      { listId },
    );
    const all = [...(versions.data?.versions ?? [])].sort((x, y) => x.version - y.version);
    expect(all.map((v) => [v.version, v.text])).toEqual([
      [1, 'Version one'],
      [2, 'Version two'],
    ]);
    expect(all[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('the suppression list', () => {
  it('exports the addresses and removes manual entries only', async () => {
    const manual = personEmail('manual');
    await mutate('suppressions.add', { emails: [manual], source: 'by hand' });
    const exported = await mutate<{ suppressions: { id: string; email: string; reason: string }[] }>(
      'suppressions.export',
      {},
    );
    const byEmail = new Map(exported.data?.suppressions.map((s) => [s.email, s]));
    expect(byEmail.get(manual)?.reason).toBe('manual');
    const unsubscribed = exported.data?.suppressions.find((s) => s.reason === 'unsubscribed');
    expect(unsubscribed).toBeDefined();
    const refused = await mutate('suppressions.remove', { suppressionId: unsubscribed?.id });
    expect(refused.error?.data.code).toBe('CONFLICT');
    const removed = await mutate('suppressions.remove', { suppressionId: byEmail.get(manual)?.id });
    expect(removed.data).toEqual({ ok: true });
    const page = await query<{ suppressions: { email: string }[] }>('suppressions.list', { limit: 500 });
    expect(page.data?.suppressions.map((s) => s.email)).not.toContain(manual);
  });
});
