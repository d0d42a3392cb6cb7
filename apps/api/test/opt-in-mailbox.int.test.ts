// The confirmation email from the list's own sender (#30): a list with a connected mailbox sends its
// confirmation through that mailbox's SMTP server (real smtp-server over TLS, real Dovecot for the
// connect test), from the mailbox's address with the list's name as display name, and nothing goes
// through the instance's queue; a disconnected mailbox leaves it to the instance's sender.
import { settleConfirmationSends } from '@postern/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailWorld, USER } from '../../../packages/core/test/support/mail-world.ts';
import { type Account, keyWith, personEmail, type V1, v1Caller } from './support/contacts.ts';
import { type Harness, newAccount, startHarness } from './support/harness.ts';
import { formPost, mailsTo, pageGet, statusOf } from './support/opt-in.ts';

const servers = mailWorld();
const mail = servers.mail;
let h: Harness;
let account: Account;
let api: V1;
let mailboxId = '';

beforeAll(async () => {
  h = await startHarness({ env: { ...servers.env } });
  account = await newAccount(h.app);
  api = v1Caller(h, (await keyWith(account)).secret);
  const res = await account.client.mutate<{ id: string; canSend: boolean }>('mailboxes.connect', {
    workspaceId: account.workspaceId,
    ...mail().connectInput(),
  });
  expect(res.error).toBeUndefined();
  expect(res.data?.canSend).toBe(true);
  mailboxId = res.data?.id ?? '';
});

afterAll(async () => {
  await h?.close();
});

describe('the list’s sender mailbox', () => {
  it('sends the confirmation through the mailbox, from its address, with the list name', async () => {
    const list = await api('POST', '/v1/lists', {
      name: 'Garden Club',
      doubleOptIn: true,
      senderMailboxId: mailboxId,
    });
    expect(list.statusCode).toBe(201);
    const listId = list.json().id;
    const email = personEmail('mailbox');
    const before = mail().smtp.messages.length;
    const res = await formPost(h, `/p/lists/${listId}/subscribe`, { email });
    expect(res.statusCode).toBe(200);
    await settleConfirmationSends();
    const received = mail().smtp.messages.slice(before);
    expect(received.length).toBe(1);
    expect(received[0]?.to).toEqual([email]);
    expect(received[0]?.from).toBe(USER);
    const raw = received[0]?.raw.toString('utf8') ?? '';
    expect(raw).toMatch(/^From: "?Garden Club"? <alice@example\.test>/m);
    expect(raw).toContain('Please confirm your subscription to Garden Club');
    // Not through the instance's queue as well.
    expect(await mailsTo(h, email)).toEqual([]);
    // The link in it works like any other.
    const path = /\/p\/confirm\/[A-Za-z0-9_-]{43}/.exec(raw.replace(/=\r?\n/g, ''))?.[0] ?? '';
    expect(path).not.toBe('');
    expect((await pageGet(h, path)).statusCode).toBe(200);
    expect((await formPost(h, path, {})).statusCode).toBe(200);
    expect(await statusOf(h, listId, email)).toBe('active');
  });

  it('a disconnected mailbox leaves the confirmation to the instance’s sender', async () => {
    const off = await account.client.mutate('mailboxes.disconnect', {
      workspaceId: account.workspaceId,
      mailboxId,
    });
    expect(off.error).toBeUndefined();
    const listId = (
      await api('POST', '/v1/lists', { name: 'Fallback', doubleOptIn: true, senderMailboxId: mailboxId })
    ).json().id;
    const email = personEmail('fallback');
    const before = mail().smtp.messages.length;
    await formPost(h, `/p/lists/${listId}/subscribe`, { email });
    await settleConfirmationSends();
    expect(mail().smtp.messages.length).toBe(before);
    expect((await mailsTo(h, email)).length).toBe(1);
  });

  it('another workspace’s mailbox cannot be a list’s sender (create and update refused, nothing stored)', async () => {
    const other = await newAccount(h.app);
    const otherApi = v1Caller(h, (await keyWith(other)).secret);
    const created = await otherApi('POST', '/v1/lists', { name: 'Borrowed', senderMailboxId: mailboxId });
    expect(created.statusCode).toBe(422);
    expect(JSON.stringify(created.json())).toMatch(/not one of this workspace/);
    const own = await otherApi('POST', '/v1/lists', { name: 'Own' });
    expect(own.statusCode).toBe(201);
    const updated = await other.client.mutate('contacts.lists.update', {
      workspaceId: other.workspaceId,
      listId: own.json().id,
      senderMailboxId: mailboxId,
    });
    expect(updated.error?.data?.code).toBe('VALIDATION_FAILED');
    const after = await otherApi('GET', `/v1/lists/${own.json().id}`);
    expect(after.json().senderMailboxId).toBeNull();
  });
});
