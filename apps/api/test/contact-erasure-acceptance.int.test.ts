// The acceptance test of #30's erasure: a person who subscribed through the hosted form and confirmed
// (double opt-in: Redis limit keys, a used link, a queued confirmation email), was imported into a
// second list, unsubscribed from everything in the preference center (so the address is suppressed)
// and had their data exported, is erased through /v1. Afterwards a real `pg_dump --data-only` of the
// database and every Redis key of the test's prefix (names and values), and the API's log, hold the
// address in no form — as given, lower-cased, normalised (IDNA A-label), its local part, URL-encoded,
// hex, base64 — while the suppression entry still refuses the address (found by its keyed hash) and the
// consent rows remain as proof. Before the erasure the same scan finds it (the scan can see).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Account, keyWith, type V1, v1Caller } from './support/contacts.ts';
import { dumpRedis, pgDumpTables } from './support/dumps.ts';
import { type Harness, newAccount, secretForms, startHarness } from './support/harness.ts';
import { clientIp, confirmPath, formPost, mailsTo, pageGet, sql } from './support/opt-in.ts';

let h: Harness;
let account: Account;
let api: V1;

// Mixed case and a Unicode domain: the normalised form (lower-cased, IDNA A-label) differs from it.
const address = `Erin.Quist-${Date.now().toString(36)}@Bücher-Erasure.example`;

/** Every form of the address a leak could take, by name. */
function addressForms(idnaAscii: string): Record<string, string> {
  const local = address.split('@')[0] ?? address;
  return {
    'address as given': address,
    'address lower-cased': address.toLowerCase(),
    'address normalised': idnaAscii,
    'address upper-cased': address.toUpperCase(),
    'local part': local,
    'local part lower-cased': local.toLowerCase(),
  };
}

function finder(forms: Record<string, string>) {
  return (text: string) =>
    Object.entries(forms)
      .filter(([, value]) => secretForms(value).some((form) => text.includes(form)))
      .map(([what]) => what);
}

async function scan(find: (text: string) => string[]) {
  const found: string[] = [];
  const tables = await pgDumpTables(h.db.url);
  for (const [table, text] of tables) {
    const hits = find(text);
    if (hits.length) found.push(`postgres ${table}: ${hits.join(', ')}`);
  }
  const keys = await dumpRedis(h.redisPrefix);
  for (const [key, text] of keys) {
    const hits = find(text);
    if (hits.length) found.push(`redis ${key}: ${hits.join(', ')}`);
  }
  const logged = find(h.logs.join(''));
  if (logged.length) found.push(`log: ${logged.join(', ')}`);
  return { found, tables: tables.size, keys: [...keys.keys()] };
}

beforeAll(async () => {
  h = await startHarness();
  account = await newAccount(h.app);
  api = v1Caller(h, (await keyWith(account)).secret);
});

afterAll(async () => {
  await h?.close();
});

it('leaves the address nowhere in PostgreSQL, Redis or the log once the person is erased', {
  timeout: 60_000,
}, async () => {
  const letters = await api('POST', '/v1/lists', {
    name: 'Letters',
    doubleOptIn: true,
    consentText: 'Send me the letters.',
  });
  const imports = await api('POST', '/v1/lists', { name: 'Imported', doubleOptIn: false });
  const [lettersId, importsId] = [letters.json().id as string, imports.json().id as string];

  // 1. The hosted form, then the confirmation link (GET by a scanner, POST by the person).
  const ip = clientIp();
  const form = await formPost(h, `/p/lists/${lettersId}/subscribe`, { email: address, name: 'Erin Q' }, ip);
  expect(form.statusCode).toBe(200);
  const path = await confirmPath(h, address);
  expect((await pageGet(h, path)).statusCode).toBe(200);
  const confirmed = await formPost(h, path, {}, ip, 'ErinBrowser/1.0');
  expect(confirmed.body).toContain('Subscription confirmed');
  const prefs = /\/p\/preferences\/[A-Za-z0-9_.-]+/.exec(confirmed.body)?.[0] ?? '';
  expect(prefs).not.toBe('');
  const [contact] = await sql<{ id: string; email_normalized: string }>(
    h,
    'select id, email_normalized from contact where workspace_id = ?',
    [account.workspaceId],
  );
  const contactId = contact?.id ?? '';
  const forms = addressForms(contact?.email_normalized ?? 'the normalised form is missing');
  expect(forms['address normalised']).toMatch(/^erin\.quist-[a-z0-9]+@xn--/);

  // 2. Imported into a second list (the dashboard's import, with a declared basis and a source).
  const imported = await account.client.mutate<{ imported: number }>('contacts.import', {
    workspaceId: account.workspaceId,
    listId: importsId,
    basis: 'consent',
    source: 'crm-export.csv',
    rows: [{ email: address.toLowerCase(), name: 'Erin Quist', attributes: { city: 'Gent' } }],
  });
  expect(imported.data?.imported, JSON.stringify(imported.error)).toBe(1);

  // 3. Unsubscribed from everything in the preference center: the address is suppressed.
  const out = await formPost(h, prefs, { all: 'yes' }, ip, 'ErinBrowser/1.0');
  expect(out.statusCode).toBe(200);
  expect((await api('GET', '/v1/suppressions')).json().suppressions).toHaveLength(1);

  // 4. The person asked for their data first.
  const exported = await api('GET', `/v1/contacts/${contactId}/export`);
  expect(exported.json().consentEvents.length).toBeGreaterThanOrEqual(5);
  expect(exported.json().suppression).toMatchObject({ suppressed: true, reason: 'unsubscribed' });

  const find = finder(forms);
  const before = await scan(find);
  expect(before.found.some((line) => line.startsWith('postgres public.contact:'))).toBe(true);
  expect(before.keys.some((key) => key.startsWith('optin:list:'))).toBe(true);
  expect(before.keys.some((key) => key.startsWith('optin:addr:'))).toBe(true);
  expect(before.keys.some((key) => key.startsWith('optin:ip:'))).toBe(true);
  expect(await mailsTo(h, address)).toHaveLength(1);

  // 5. Erased.
  const erased = await api('DELETE', `/v1/contacts/${contactId}`);
  expect(erased.statusCode).toBe(204);

  const after = await scan(find);
  console.info(
    `contact erasure scan: ${after.tables} tables (pg_dump), ${after.keys.length} Redis keys, ${h.logs.length} log lines; before: ${before.found.join('; ')}; after: ${after.found.join('; ') || 'clean'}`,
  );
  expect(after.found).toEqual([]);
  expect(after.tables).toBeGreaterThan(30);
  // The limit keys are still there (they expire on their own): the scan read them, keyed by hashes.
  expect(after.keys.filter((key) => key.startsWith('optin:'))).toEqual(
    before.keys.filter((key) => key.startsWith('optin:')),
  );

  // What stays: the consent rows (sealed under a key that no longer exists) and the suppression, which
  // still refuses the address through its keyed hash.
  const ledger = await sql<{ n: number; sealed: number }>(
    h,
    'select count(*)::int as n, count(sealed)::int as sealed from consent_event where contact_id = ?',
    [contactId],
  );
  expect(ledger[0]?.n).toBeGreaterThanOrEqual(5);
  expect(ledger[0]?.sealed).toBe(ledger[0]?.n);
  expect(await sql(h, 'select 1 from subject_key where subject_id = ?', [contactId])).toEqual([]);
  // Not even the keyring opens the address again: the suppression list shows a tombstone.
  expect((await api('GET', '/v1/suppressions')).json().suppressions).toMatchObject([
    { email: '(erased person)', reason: 'unsubscribed' },
  ]);
  const again = await api('POST', `/v1/lists/${importsId}/subscriptions`, {
    contact: { email: address.toLowerCase() },
  });
  expect([again.statusCode, again.json().code]).toEqual([409, 'CONFLICT']);
});
