// Double opt-in and the public sign-up form (#30): the hosted form shows the list's public texts under
// a strict CSP; a post answers one neutral page whatever happened; the confirmation email carries a
// single-use link whose GET (what link scanners do) changes nothing and whose POST confirms once,
// recording IP, user agent and time; tampered, expired and reused links are refused; the honeypot,
// the per-IP limit and the list-bombing limits hold; a suppressed address comes back only through
// its own confirmation. Real PostgreSQL and Redis, the real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, countRows, keyWith, personEmail, type V1, v1Caller } from './support/contacts.ts';
import { type Harness, newAccount, startHarness } from './support/harness.ts';
import { clientIp, confirmPath, formPost, mailsTo, pageGet, sql, statusOf } from './support/opt-in.ts';

let h: Harness;
let account: Account;
let api: V1;
let listId = '';
let otherListId = '';

const subscribePath = (id = listId) => `/p/lists/${id}/subscribe`;

beforeAll(async () => {
  h = await startHarness();
  account = await newAccount(h.app);
  api = v1Caller(h, (await keyWith(account)).secret);
  const list = await api('POST', '/v1/lists', {
    name: 'Weekly <Digest>',
    description: 'Our best posts & news, every Monday.',
    doubleOptIn: true,
    consentText: 'I agree to receive the weekly digest.',
  });
  expect(list.statusCode).toBe(201);
  listId = list.json().id;
  otherListId = (await api('POST', '/v1/lists', { name: 'Release notes', doubleOptIn: true })).json().id;
});

afterAll(async () => {
  await h?.close();
});

describe('the hosted form', () => {
  it('shows the list’s public texts, escaped, under a strict CSP with no script', async () => {
    const res = await pageGet(h, subscribePath());
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(res.body).toContain('Weekly &#60;Digest&#62;');
    expect(res.body).toContain('Our best posts &#38; news');
    expect(res.body).toContain('I agree to receive the weekly digest.');
    expect(res.body).toContain('name="website"');
    expect(res.body).toContain('<html lang="en">');
    expect(res.body).not.toMatch(/<script/i);
  });

  it('answers 404 for an unknown list, with the CSP', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await pageGet(h, subscribePath(id));
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    }
  });

  it('a filled honeypot stores nothing, sends nothing and gets the same neutral page', async () => {
    const email = personEmail('bot');
    const before = await countRows(h, 'contact', account.workspaceId);
    const res = await formPost(h, subscribePath(), { email, website: 'http://spam.example' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Check your inbox');
    expect(await countRows(h, 'contact', account.workspaceId)).toBe(before);
    expect(await mailsTo(h, email)).toEqual([]);
  });

  it('limits form posts per IP (429 after OPT_IN_FORM_POSTS_PER_MINUTE)', async () => {
    const ip = clientIp();
    for (let i = 0; i < h.config.optIn.formPostsPerMinute; i++) {
      const res = await formPost(h, subscribePath(), { email: personEmail('ip'), website: 'x' }, ip);
      expect(res.statusCode).toBe(200);
    }
    const refused = await formPost(h, subscribePath(), { email: personEmail('ip') }, ip);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-security-policy']).toContain("default-src 'none'");
    // Another client is not affected.
    expect((await formPost(h, subscribePath(), { email: personEmail('ip'), website: 'x' })).statusCode).toBe(
      200,
    );
  });

  it('refuses a bad address with the form again, storing nothing', async () => {
    const before = await countRows(h, 'contact', account.workspaceId);
    const res = await formPost(h, subscribePath(), { email: 'not an address' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Enter a valid email address');
    expect(await countRows(h, 'contact', account.workspaceId)).toBe(before);
  });
});

describe('double opt-in', () => {
  it('a scanner GET never confirms; the POST confirms once and records IP, user agent and time', async () => {
    const email = personEmail('optin');
    const res = await formPost(h, subscribePath(), { email, name: 'Ada' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Check your inbox');
    expect(await statusOf(h, listId, email)).toBe('unconfirmed');
    const [mail] = await mailsTo(h, email);
    expect(mail?.subject).toBe('Please confirm your subscription to Weekly <Digest>');
    const path = await confirmPath(h, email);

    for (let i = 0; i < 3; i++) {
      const scan = await pageGet(h, path);
      expect(scan.statusCode).toBe(200);
      expect(scan.body).toContain('Confirm my subscription');
      expect(scan.body).not.toContain(email);
      expect(scan.headers['content-security-policy']).toContain("form-action 'self'");
    }
    expect(await statusOf(h, listId, email)).toBe('unconfirmed');

    const ip = clientIp();
    const ok = await formPost(h, path, {}, ip, 'Person/1.0');
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('Subscription confirmed');
    expect(ok.body).toMatch(/\/p\/preferences\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/);
    expect(await statusOf(h, listId, email)).toBe('active');

    const [contact] = await sql<{ id: string }>(h, 'select id from contact where email_normalized = ?', [
      email,
    ]);
    const timeline = (await api('GET', `/v1/contacts/${contact?.id}/consent`)).json().events as {
      type: string;
      method: string;
      ip: string | null;
      userAgent: string | null;
      occurredAt: string;
      actorType: string | null;
      consentTextVersionId: string | null;
    }[];
    const subscribed = timeline.find((e) => e.type === 'subscribed');
    expect(subscribed?.method).toBe('hosted_form');
    expect(subscribed?.consentTextVersionId).toBeTruthy();
    const confirmed = timeline.find((e) => e.type === 'confirmed');
    expect(confirmed).toMatchObject({
      method: 'double_opt_in',
      ip,
      userAgent: 'Person/1.0',
      actorType: 'contact',
    });
    expect(Date.now() - new Date(confirmed?.occurredAt ?? 0).getTime()).toBeLessThan(60_000);

    // The tokens of the links never reach a log line.
    const logged = h.logs.join('');
    expect(logged).not.toContain(path.split('/').pop());
    expect(logged).not.toContain(/\/p\/preferences\/([^"]+)"/.exec(ok.body)?.[1] ?? 'none');
    expect(logged).not.toContain(email);
    // Reused: refused, nothing recorded again.
    const again = await formPost(h, path, {});
    expect(again.statusCode).toBe(410);
    expect((await pageGet(h, path)).statusCode).toBe(410);
    const after = (await api('GET', `/v1/contacts/${contact?.id}/consent`)).json().events as unknown[];
    expect(after.length).toBe(timeline.length);
  });

  it('refuses tampered and expired links (400 / 410), confirming nothing', async () => {
    const email = personEmail('tamper');
    await formPost(h, subscribePath(), { email });
    const path = await confirmPath(h, email);
    const last = path.slice(-1);
    const tampered = `${path.slice(0, -1)}${last === 'A' ? 'B' : 'A'}`;
    for (const bad of [tampered, `${path}x`, '/p/confirm/short', `/p/confirm/${'A'.repeat(43)}`]) {
      const get = await pageGet(h, bad);
      expect([bad, get.statusCode]).toEqual([bad, 400]);
      expect(get.headers['content-security-policy']).toContain("default-src 'none'");
      expect((await formPost(h, bad, {})).statusCode).toBe(400);
    }
    expect(await statusOf(h, listId, email)).toBe('unconfirmed');

    h.clock.advance((h.config.optIn.linkTtlDays * 24 + 1) * 3_600_000);
    try {
      const get = await pageGet(h, path);
      expect(get.statusCode).toBe(410);
      expect(get.body).toContain('expired');
      expect((await formPost(h, path, {})).statusCode).toBe(410);
    } finally {
      h.clock.advance(-(h.config.optIn.linkTtlDays * 24 + 1) * 3_600_000);
    }
    expect(await statusOf(h, listId, email)).toBe('unconfirmed');
  });

  it('stores only the keyed hash of a link token', async () => {
    const email = personEmail('hash');
    await formPost(h, subscribePath(), { email });
    const token = (await confirmPath(h, email)).split('/').pop() ?? '';
    const rows = await sql<{ token_hash: string }>(h, 'select token_hash from opt_in_token');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.token_hash.includes(token))).toBe(false);
  });
});

describe('the confirmation email', () => {
  it('follows the list’s template, with every value escaped in the HTML alternative', async () => {
    const list = await api('POST', '/v1/lists', {
      name: 'Tips & <b>Tricks</b>',
      doubleOptIn: true,
      confirmationSubject: 'Confirm {{list}}',
      confirmationBody: 'Hi!\n\n<script>alert(1)</script> Join {{list}}:\n{{confirm_url}}\n\nThanks',
    });
    expect(list.statusCode).toBe(201);
    const email = personEmail('template');
    await formPost(h, subscribePath(list.json().id), { email });
    const [mail] = (await mailsTo(h, email)) as unknown as { subject: string; text: string; html: string }[];
    expect(mail?.subject).toBe('Confirm Tips & <b>Tricks</b>');
    expect(mail?.text).toContain('<script>alert(1)</script> Join Tips & <b>Tricks</b>:');
    const path = await confirmPath(h, email);
    expect(mail?.text).toContain(`${h.config.publicUrl}${path}`);
    expect(mail?.html).not.toContain('<script>');
    expect(mail?.html).not.toContain('<b>');
    expect(mail?.html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(mail?.html).toContain('Tips &#38; &#60;b&#62;Tricks&#60;/b&#62;');
    expect(mail?.html).toContain(`<a href="${h.config.publicUrl}${path}">`);
  });
});

describe('list bombing', () => {
  it('a second post within 24 hours sends no second mail, and answers the same page', async () => {
    const email = personEmail('bomb');
    const first = await formPost(h, subscribePath(), { email });
    const second = await formPost(h, subscribePath(), { email });
    expect(second.statusCode).toBe(200);
    expect(second.body).toBe(first.body);
    expect((await mailsTo(h, email)).length).toBe(1);
  });

  it('caps confirmation mails per address per hour across lists; no address in clear in Redis', async () => {
    const email = personEmail('hourly');
    await formPost(h, subscribePath(), { email });
    const res = await formPost(h, subscribePath(otherListId), { email });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Check your inbox');
    expect((await mailsTo(h, email)).length).toBe(h.config.optIn.addressMailsPerHour);
    const keys = await h.kv.client.keys('*optin:*');
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key.toLowerCase()).not.toContain(email.split('@')[0]?.toLowerCase());
  });
});

describe('suppressed addresses and express consent', () => {
  it('a manually suppressed address gets the neutral page, no mail, no subscription', async () => {
    const email = personEmail('manual');
    expect((await api('POST', '/v1/suppressions', { emails: [email] })).statusCode).toBe(201);
    const res = await formPost(h, subscribePath(), { email });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Check your inbox');
    expect(await mailsTo(h, email)).toEqual([]);
    expect(await statusOf(h, listId, email)).toBeUndefined();
  });

  it('an express-consent list refuses a post without the box ticked, storing nothing', async () => {
    const casl = (await api('POST', '/v1/lists', { name: 'CASL list', requiresExpressConsent: true })).json()
      .id;
    const page = await pageGet(h, subscribePath(casl));
    expect(page.body).toContain('name="consent"');
    const email = personEmail('casl');
    const res = await formPost(h, subscribePath(casl), { email });
    expect(res.statusCode).toBe(400);
    expect(await statusOf(h, casl, email)).toBeUndefined();
    expect((await formPost(h, subscribePath(casl), { email, consent: 'yes' })).statusCode).toBe(200);
    expect(await statusOf(h, casl, email)).toBe('unconfirmed');
    const [row] = await sql<{ express: boolean }>(
      h,
      'select s.express from subscription s join contact c on c.id = s.contact_id where s.list_id = ? and c.email_normalized = ?',
      [casl, email],
    );
    expect(row?.express).toBe(true);
  });
});
