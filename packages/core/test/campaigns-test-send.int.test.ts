// A campaign's test send, received by a real SMTP server (smtp-server over implicit TLS, the mailbox
// connected against it and Dovecot like any member's): one message through the campaign's sender,
// subject "[Test] …", merge fields rendered for the sample, the footer and the list headers present,
// links harmless; refused (nothing sent) when the sender cannot send; audited without the body.
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  connectMailbox,
  createCampaign,
  createList,
  createOwnedWorkspace,
  disconnectMailbox,
  sendTestCampaign,
  updateCampaignSettings,
} from '../src/index.ts';
import { coreWorld } from './support/auth-context.ts';
import { domainErrorOf } from './support/domain-error.ts';
import { mailWorld } from './support/mail-world.ts';

const servers = mailWorld();
servers.env.ENCRYPTION_KEYS = `k1:${randomBytes(32).toString('base64')}`;
const world = coreWorld(servers.env);
const mail = servers.mail;

let userId = '';
let workspaceId = '';
const ctx = () => ({ ...world().ctx(), actor: { kind: 'user' as const, userId } });

beforeAll(async () => {
  userId = (await world().user()).id;
  workspaceId = (await createOwnedWorkspace(world().ctx(), userId, 'Test sends', 100)).id;
  await updateCampaignSettings(ctx(), workspaceId, { postalAddress: 'Acme Inc., 1 Main St, Springfield' });
});

describe('test sends', () => {
  it('arrive at the SMTP server through the sender, rendered for the sample, with footer and headers', async () => {
    const mailbox = await connectMailbox(ctx(), workspaceId, userId, mail().connectInput());
    const list = await createList(ctx(), workspaceId, { name: 'Acme Weekly', doubleOptIn: false });
    const campaign = await createCampaign(ctx(), workspaceId, {
      name: 'Launch',
      subject: 'Hello {{ contact.name | default: "there" }}',
      htmlBody: '<p>Hi {{ contact.name }}, your plan is {{ contact.attributes.plan | default: "free" }}.</p>',
      mailboxId: mailbox.id,
      listId: list.id,
    });
    const before = mail().smtp.messages.length;
    const result = await sendTestCampaign(ctx(), workspaceId, campaign.id, {
      to: ['reviewer@example.net'],
      sample: { email: 'alice@example.com', name: 'Alice <A>', attributes: { plan: 'pro' } },
    });
    expect(result.to).toEqual(['reviewer@example.net']);
    const received = mail().smtp.messages.slice(before);
    expect(received).toHaveLength(1);
    expect(received[0]?.to).toEqual(['reviewer@example.net']);
    const raw = received[0]?.raw.toString('utf8') ?? '';
    const headers = raw.slice(0, raw.indexOf('\r\n\r\n'));
    expect(headers).toMatch(/^Subject: \[Test\] Hello Alice <A>$/m);
    // Unfolded (a long header may be folded onto continuation lines).
    const unfolded = headers.replace(/\r\n[ \t]+/g, ' ');
    expect(unfolded).toMatch(
      /^List-Unsubscribe: <https?:\/\/[^>]+\/p\/u\/test-message>, <mailto:unsubscribe\+test-message@[^>]+>$/m,
    );
    expect(unfolded).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    // Not an encoded-word: list-aware clients read the raw <list-id>.
    expect(unfolded).toMatch(new RegExp(`^List-ID: Acme Weekly <${list.id}\\.127\\.0\\.0\\.1>$`, 'm'));
    expect(headers).toContain(`Message-ID: ${result.messageId}`);
    const body = raw.replace(/=\r\n/g, '');
    expect(body).toContain('Hi Alice &lt;A&gt;, your plan is pro.');
    expect(body).toContain('Acme Inc., 1 Main St, Springfield');
    expect(body).toContain('/p/preferences/test-message');
    const audited = await world().sql<{ metadata: unknown }>(
      "select metadata from audit_entry where event_type = 'campaign.test_sent' and target_id = ?",
      [campaign.id],
    );
    expect(audited).toHaveLength(1);
    expect(JSON.stringify(audited)).not.toContain('Alice');

    // Without `to`, the member's own address.
    const own = await sendTestCampaign(ctx(), workspaceId, campaign.id, {});
    expect(own.to).toEqual([(await world().reload(userId)).email]);
    expect(mail().smtp.messages.length).toBe(before + 2);

    // A disconnected sender sends nothing.
    await disconnectMailbox(ctx(), workspaceId, userId, mailbox.id);
    const refused = await domainErrorOf(
      sendTestCampaign(ctx(), workspaceId, campaign.id, { to: ['x@example.net'] }),
    );
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toMatch(/cannot send now \(disconnected\)/);
    expect(mail().smtp.messages.length).toBe(before + 2);
  });
});
