// The preference center and the way back from suppression (#30): the signed per-contact link shows
// only that contact's lists; its GET (a link scanner) unsubscribes nothing; the POSTs unsubscribe from
// one list or from everything (which suppresses the address); tampered links answer 400 and an erased
// contact's link 410; a suppressed address subscribing through the form gets `unconfirmed` and a
// confirmation, and only confirming lifts the suppression. Real PostgreSQL and Redis, the real server.
import { preferenceToken, purgeUnconfirmed } from '@postern/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, keyWith, personEmail, type V1, v1Caller } from './support/contacts.ts';
import { type Harness, newAccount, startHarness } from './support/harness.ts';
import { confirmPath, contactIdOf, formPost, mailsTo, pageGet, sql, statusOf } from './support/opt-in.ts';

let h: Harness;
let account: Account;
let api: V1;
let news = '';
let offers = '';
let foreignList = '';

async function subscribeByApi(listId: string, email: string) {
  const res = await api('POST', `/v1/lists/${listId}/subscriptions`, { contact: { email }, evidence: {} });
  expect(res.statusCode).toBeLessThan(300);
}

const suppressedCount = async () =>
  (
    await sql<{ n: number }>(h, `select count(*)::int as n from suppression s where s.workspace_id = ?`, [
      account.workspaceId,
    ])
  )[0]?.n ?? 0;

beforeAll(async () => {
  h = await startHarness();
  account = await newAccount(h.app);
  api = v1Caller(h, (await keyWith(account)).secret);
  news = (await api('POST', '/v1/lists', { name: 'News', doubleOptIn: false })).json().id;
  offers = (await api('POST', '/v1/lists', { name: 'Offers', doubleOptIn: false })).json().id;
  // Another workspace, with a list and a contact of its own: never shown.
  const other = await newAccount(h.app);
  const otherApi = v1Caller(h, (await keyWith(other)).secret);
  foreignList = (
    await otherApi('POST', '/v1/lists', { name: 'Foreign secret list', doubleOptIn: false })
  ).json().id;
  await otherApi('POST', `/v1/lists/${foreignList}/subscriptions`, {
    contact: { email: 'foreign-person@postern-contacts.com' },
    evidence: {},
  });
});

afterAll(async () => {
  await h?.close();
});

const prefsPath = async (email: string) =>
  `/p/preferences/${preferenceToken(h.config.secret, account.workspaceId, await contactIdOf(h, account.workspaceId, email))}`;

describe('the preference center', () => {
  it('shows only this contact’s lists; scanner GETs change nothing; CSP on every page', async () => {
    const email = personEmail('prefs');
    const neighbour = personEmail('neighbour');
    await subscribeByApi(news, email);
    await subscribeByApi(offers, email);
    await subscribeByApi(news, neighbour);
    const path = await prefsPath(email);
    for (let i = 0; i < 3; i++) {
      const res = await pageGet(h, path);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.body).toContain('News');
      expect(res.body).toContain('Offers');
      expect(res.body).not.toContain(neighbour);
      expect(res.body).not.toContain('Foreign secret list');
      expect(res.body).not.toContain('foreign-person');
      expect(res.body).not.toMatch(/<script/i);
    }
    expect(await statusOf(h, news, email)).toBe('active');
    expect(await statusOf(h, offers, email)).toBe('active');
    expect(h.logs.join('')).not.toContain(path.split('/').pop());
  });

  it('unsubscribes from one list, then from everything (suppressed); other contacts untouched', async () => {
    const email = personEmail('unsub');
    const neighbour = personEmail('neighbour');
    await subscribeByApi(news, email);
    await subscribeByApi(offers, email);
    await subscribeByApi(news, neighbour);
    const path = await prefsPath(email);
    const one = await formPost(h, path, { list: offers });
    expect(one.statusCode).toBe(200);
    expect(one.body).toContain('unsubscribed from Offers');
    expect(await statusOf(h, offers, email)).toBe('unsubscribed');
    expect(await statusOf(h, news, email)).toBe('active');

    // A list of another workspace is not this contact's: refused, nothing changes there.
    const foreign = await formPost(h, path, { list: foreignList });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.body).not.toContain('Foreign secret list');

    const before = await suppressedCount();
    const all = await formPost(h, path, { all: 'yes' });
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain('unsubscribed from everything');
    expect(await statusOf(h, news, email)).toBe('unsubscribed');
    expect(await suppressedCount()).toBe(before + 1);
    expect(await statusOf(h, news, neighbour)).toBe('active');
  });

  it('refuses tampered links (400) and an erased contact’s link (410)', async () => {
    const email = personEmail('erase');
    await subscribeByApi(news, email);
    const path = await prefsPath(email);
    const token = path.split('/').pop() ?? '';
    const [data, sig] = token.split('.');
    const flipped = `${data}.${sig?.slice(0, -2)}${sig?.endsWith('AA') ? 'BA' : 'AA'}`;
    // Another contact's ids with this contact's MAC.
    const otherId = await contactIdOf(h, account.workspaceId, personEmail('none'));
    const swapped = `${Buffer.from(`${account.workspaceId}${otherId || '00000000-0000-4000-8000-000000000000'}`.replace(/-/g, ''), 'hex').toString('base64url')}.${sig}`;
    for (const bad of [flipped, swapped, `${token}.x`, 'nonsense', `${data}`]) {
      const get = await pageGet(h, `/p/preferences/${bad}`);
      expect([bad, get.statusCode]).toEqual([bad, 400]);
      expect(get.headers['content-security-policy']).toContain("default-src 'none'");
      expect((await formPost(h, `/p/preferences/${bad}`, { all: 'yes' })).statusCode).toBe(400);
    }
    expect(await statusOf(h, news, email)).toBe('active');

    const contactId = await contactIdOf(h, account.workspaceId, email);
    expect((await api('DELETE', `/v1/contacts/${contactId}`)).statusCode).toBe(204);
    const gone = await pageGet(h, path);
    expect(gone.statusCode).toBe(410);
    expect((await formPost(h, path, { all: 'yes' })).statusCode).toBe(410);
  });
});

describe('a suppressed address through the form', () => {
  it('gets unconfirmed and a confirmation; the scanner GET lifts nothing; confirming lifts the suppression', async () => {
    const doi = (await api('POST', '/v1/lists', { name: 'Digest', doubleOptIn: true })).json().id;
    const email = personEmail('comeback');
    await subscribeByApi(news, email);
    await formPost(h, await prefsPath(email), { all: 'yes' });
    const suppressed = await suppressedCount();
    // The API refuses it…
    const refused = await api('POST', `/v1/lists/${doi}/subscriptions`, { contact: { email }, evidence: {} });
    expect(refused.statusCode).toBe(409);
    // …the person's own form post is let through, unconfirmed, with a confirmation email.
    const res = await formPost(h, `/p/lists/${doi}/subscribe`, { email });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Check your inbox');
    expect(await statusOf(h, doi, email)).toBe('unconfirmed');
    expect((await mailsTo(h, email)).length).toBe(1);
    const path = await confirmPath(h, email);
    await pageGet(h, path);
    expect(await suppressedCount()).toBe(suppressed);
    expect((await formPost(h, path, {})).statusCode).toBe(200);
    expect(await statusOf(h, doi, email)).toBe('active');
    expect(await suppressedCount()).toBe(suppressed - 1);
  });
});

describe('retention of unconfirmed subscriptions', () => {
  it('purges unconfirmed subscriptions past OPT_IN_UNCONFIRMED_RETENTION_DAYS and expired links, nothing else', async () => {
    const doi = (await api('POST', '/v1/lists', { name: 'Purged', doubleOptIn: true })).json().id;
    const waiting = personEmail('waiting');
    const kept = personEmail('kept');
    await formPost(h, `/p/lists/${doi}/subscribe`, { email: waiting });
    await subscribeByApi(news, kept);
    const days = h.config.optIn.unconfirmedRetentionDays;
    const em = h.orm.em.fork();
    // One day early: the subscription stays (its link, past its 7 days, goes).
    await purgeUnconfirmed(em, new Date(Date.now() + (days - 1) * 86_400_000), days);
    expect(await statusOf(h, doi, waiting)).toBe('unconfirmed');
    const purged = await purgeUnconfirmed(em, new Date(Date.now() + (days + 1) * 86_400_000), days);
    expect(purged).toBeGreaterThanOrEqual(1);
    expect(await statusOf(h, doi, waiting)).toBeUndefined();
    expect(await statusOf(h, news, kept)).toBe('active');
    const [links] = await sql<{ n: number }>(
      h,
      'select count(*)::int as n from opt_in_token where list_id = ?',
      [doi],
    );
    expect(links?.n).toBe(0);
  });
});
