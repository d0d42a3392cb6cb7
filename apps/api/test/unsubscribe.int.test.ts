// One-click unsubscribe from a campaign email (GET/POST /p/u/:token), on the real server: the GET
// (what a link scanner fetches) shows a button and changes nothing; the POST — RFC 8058's
// `List-Unsubscribe=One-Click`, urlencoded or multipart, with no cookie — suppresses the address,
// unsubscribes the contact with ledger events and a contact.unsubscribed webhook event, and marks the
// recipient and the campaign's counter once; repeated POSTs change nothing more; a tampered or
// unknown token answers 404 and touches nothing. No cookie is ever set on these pages.
import { randomUUID } from 'node:crypto';
import { passwordContext, unsubscribeToken } from '@postern/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Seeded, seedCampaign } from '../../../packages/core/test/support/campaign-world.ts';
import { type Harness, startHarness } from './support/harness.ts';
import { sql } from './support/opt-in.ts';

let h: Harness;
let s: Seeded;
const tokens: string[] = [];

beforeAll(async () => {
  h = await startHarness();
  s = await seedCampaign((q, p) => sql(h, q, p), {
    contacts: 3,
    port: 1,
    seal: (pw, id) => h.keyring.encrypt(pw, passwordContext(id)),
  });
  for (const contactId of s.contactIds) {
    const id = randomUUID();
    await sql(
      h,
      `insert into campaign_recipient (id, campaign_id, workspace_id, contact_id, status, attempts, sent_at, updated_at)
       values (?, ?, ?, ?, 'sent', 1, now(), now())`,
      [id, s.campaignId, s.workspaceId, contactId],
    );
    tokens.push(unsubscribeToken(h.config.secret, id));
  }
  await sql(h, "update campaign set status = 'sending' where id = ?", [s.campaignId]);
});

afterAll(async () => {
  await h?.close();
});

const state = async (i: number) => {
  const [row] = await sql<Record<string, unknown>>(
    h,
    `select s.status as sub, r.unsubscribed_at, (select unsubscribed from campaign where id = r.campaign_id) as counter,
            (select count(*)::int from suppression x where x.workspace_id = r.workspace_id) as suppressions,
            (select count(*)::int from consent_event e where e.contact_id = r.contact_id) as ledger,
            (select count(*)::int from outbox_event o where o.workspace_id = r.workspace_id and o.type = 'contact.unsubscribed') as events
       from campaign_recipient r join subscription s on s.contact_id = r.contact_id where r.contact_id = ?`,
    [s.contactIds[i]],
  );
  return row as {
    sub: string;
    unsubscribed_at: Date | null;
    counter: number;
    suppressions: number;
    ledger: number;
    events: number;
  };
};

const oneClick = (
  token: string,
  body = 'List-Unsubscribe=One-Click',
  type = 'application/x-www-form-urlencoded',
) => h.app.inject({ method: 'POST', url: `/p/u/${token}`, headers: { 'content-type': type }, payload: body });

describe('one-click unsubscribe', () => {
  it('GET shows a button and unsubscribes nobody (link scanners fetch every link)', async () => {
    const before = await state(0);
    for (let i = 0; i < 3; i++) {
      const res = await h.app.inject({
        method: 'GET',
        url: `/p/u/${tokens[0]}`,
        headers: { 'user-agent': 'LinkScanner/1.0' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain(`<form method="post" action="/p/u/${tokens[0]}">`);
      expect(res.body).toContain('Weekly News');
      expect(res.body).not.toContain('<script');
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect(await state(0)).toEqual(before);
    expect(before).toMatchObject({ sub: 'active', unsubscribed_at: null, counter: 0, suppressions: 0 });
  });

  it('POST without any cookie unsubscribes at once, and again changes nothing', async () => {
    const res = await oneClick(tokens[0] as string);
    expect(res.statusCode).toBe(200);
    expect(res.headers['set-cookie']).toBeUndefined();
    const after = await state(0);
    expect(after).toMatchObject({ sub: 'unsubscribed', counter: 1, suppressions: 1, events: 1 });
    expect(after.unsubscribed_at).toBeTruthy();
    expect(after.ledger).toBeGreaterThanOrEqual(2); // unsubscribed + consent_withdrawn
    const [suppression] = await sql<{ reason: string; source: string }>(
      h,
      'select reason, source from suppression where workspace_id = ?',
      [s.workspaceId],
    );
    expect(suppression).toEqual({ reason: 'unsubscribed', source: `campaign:${s.campaignId}` });
    for (let i = 0; i < 2; i++) expect((await oneClick(tokens[0] as string)).statusCode).toBe(200);
    expect(await state(0)).toEqual(after);
    // The page now says it is done, still without a form.
    const page = await h.app.inject({ method: 'GET', url: `/p/u/${tokens[0]}` });
    expect(page.body).toContain('already unsubscribed');
  });

  it('accepts the multipart body some providers send, and an empty one', async () => {
    const boundary = '----PosternBoundary';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`;
    expect(
      (await oneClick(tokens[1] as string, body, `multipart/form-data; boundary=${boundary}`)).statusCode,
    ).toBe(200);
    expect(await state(1)).toMatchObject({ sub: 'unsubscribed', counter: 2 });
    const empty = await h.app.inject({ method: 'POST', url: `/p/u/${tokens[2]}` });
    expect(empty.statusCode).toBe(200);
    expect(await state(2)).toMatchObject({ sub: 'unsubscribed', counter: 3 });
  });

  it('answers 404 for a tampered, truncated or unknown token and changes nothing', async () => {
    const other = await seedCampaign((q, p) => sql(h, q, p), {
      contacts: 1,
      port: 1,
      seal: (pw, id) => h.keyring.encrypt(pw, passwordContext(id)),
    });
    const id = randomUUID();
    await sql(
      h,
      `insert into campaign_recipient (id, campaign_id, workspace_id, contact_id, status, attempts, updated_at) values (?, ?, ?, ?, 'pending', 0, now())`,
      [id, other.campaignId, other.workspaceId, other.contactIds[0]],
    );
    const good = unsubscribeToken(h.config.secret, id);
    const flip = (t: string, i: number) => t.slice(0, i) + (t[i] === 'A' ? 'B' : 'A') + t.slice(i + 1);
    const bad = [
      flip(good, 40),
      flip(good, 3),
      good.slice(0, -1),
      `${good}A`,
      unsubscribeToken('another-secret-value', id),
      unsubscribeToken(h.config.secret, randomUUID()),
    ];
    for (const token of bad) {
      for (const method of ['GET', 'POST'] as const) {
        const res = await h.app.inject({ method, url: `/p/u/${encodeURIComponent(token)}` });
        expect(res.statusCode, `${method} ${token}`).toBe(404);
        expect(res.body).toContain('This link is not valid');
        expect(res.body).not.toContain(id);
      }
    }
    const [row] = await sql<{ sub: string }>(
      h,
      'select status as sub from subscription where contact_id = ?',
      [other.contactIds[0]],
    );
    expect(row?.sub).toBe('active');
    expect((await oneClick(good)).statusCode).toBe(200);
  });

  it('returns only when no send claimed before it is still in transmission to the address', async () => {
    const other = await seedCampaign((q, p) => sql(h, q, p), {
      contacts: 1,
      port: 1,
      seal: (pw, id) => h.keyring.encrypt(pw, passwordContext(id)),
    });
    const contactId = other.contactIds[0] as string;
    // Two recipient rows of this contact: the one the link names, and a send another campaign's
    // worker claimed just before the POST (status `sending`: its SMTP transaction is under way).
    const [named, inFlight] = [randomUUID(), randomUUID()];
    await sql(
      h,
      `insert into campaign_recipient (id, campaign_id, workspace_id, contact_id, status, attempts, updated_at)
       values (?, ?, ?, ?, 'sent', 1, now())`,
      [named, other.campaignId, other.workspaceId, contactId],
    );
    const second = await sql<{ id: string }>(
      h,
      `insert into campaign (id, workspace_id, name, status, subject, html_body, text_body, created_at, updated_at)
       select gen_random_uuid(), workspace_id, 'Second', 'sending', subject, html_body, text_body, now(), now()
         from campaign where id = ? returning id`,
      [other.campaignId],
    );
    await sql(
      h,
      `insert into campaign_recipient (id, campaign_id, workspace_id, contact_id, status, attempts, sending_started_at, updated_at)
       values (?, ?, ?, ?, 'sending', 1, now(), now())`,
      [inFlight, second[0]?.id, other.workspaceId, contactId],
    );
    let settledAt = 0;
    const settle = setTimeout(() => {
      settledAt = Date.now();
      void sql(h, "update campaign_recipient set status = 'sent', sent_at = now() where id = ?", [inFlight]);
    }, 400);
    try {
      const res = await oneClick(unsubscribeToken(h.config.secret, named));
      expect(res.statusCode).toBe(200);
      expect(settledAt).toBeGreaterThan(0);
      expect(Date.now()).toBeGreaterThanOrEqual(settledAt);
    } finally {
      clearTimeout(settle);
    }
  });

  it('refuses an oversized body', async () => {
    const res = await oneClick(tokens[0] as string, `List-Unsubscribe=One-Click&x=${'a'.repeat(20_000)}`);
    expect(res.statusCode).toBe(413);
  });
});
