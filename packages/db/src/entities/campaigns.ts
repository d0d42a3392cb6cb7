// Campaigns (#31, docs/campaigns.md): a campaign is one message composed once and sent to the active
// subscribers of one list from one connected mailbox. campaign_recipient is the snapshot taken when
// sending starts — one row per contact (unique per campaign), carrying that recipient's delivery state.
// - Both go with their workspace; recipients go with their campaign and with their contact (erasing a
//   contact deletes its rows: the address is never copied here, it is read from `contact` at send time).
// - The sender and the list may be deleted after the fact (set null): the campaign's history stays.
// - Counters are denormalised on the campaign (incremented by the sending engine) so metrics are one
//   row read; sends over time come from campaign_recipient.sent_at (index (campaign_id, sent_at)).
import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Contact, ContactList } from './contacts.ts';
import { Mailbox } from './mailbox.ts';
import { Workspace } from './workspace.ts';

export const CampaignSchema = defineEntity({
  name: 'Campaign',
  tableName: 'campaign',
  indexes: [{ properties: ['workspace', 'createdAt'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    workspace: () => p.manyToOne(Workspace).mapToPk().deleteRule('cascade'),
    name: p.string().length(200),
    subject: p.string().length(300),
    preheader: p.string().length(300).nullable(),
    /** The sender (a connected mailbox); null when none chosen yet or the mailbox was deleted. */
    mailbox: () => p.manyToOne(Mailbox).mapToPk().nullable().deleteRule('set null'),
    replyTo: p.string().length(254).nullable(),
    list: () => p.manyToOne(ContactList).mapToPk().nullable().deleteRule('set null'),
    htmlBody: p.text(),
    textBody: p.text(),
    /** false: the text part is regenerated from the HTML (html-to-text) on every save. */
    textBodyCustom: p.boolean().default(false),
    /** draft | scheduled | sending | paused | sent | cancelled | failed (contracts/campaigns.ts). */
    status: p.string().length(16),
    scheduledAt: p.datetime().nullable(),
    /** IANA zone the schedule was expressed in (display; scheduledAt is the instant). */
    timeZone: p.string().length(64).nullable(),
    /** Contacts not verified within this many days are verified before they are sent to. */
    verifyMaxAgeDays: p.integer().default(90),
    startedAt: p.datetime().nullable(),
    completedAt: p.datetime().nullable(),
    snapshotCompletedAt: p.datetime().nullable(),
    failureReason: p.string().length(500).nullable(),
    recipients: p.integer().default(0),
    sent: p.integer().default(0),
    failed: p.integer().default(0),
    unknown: p.integer().default(0),
    unsubscribed: p.integer().default(0),
    skippedSuppressed: p.integer().default(0),
    skippedUnsubscribed: p.integer().default(0),
    skippedNoConsent: p.integer().default(0),
    skippedVerification: p.integer().default(0),
    /** The member who created it (no foreign key; nulled when the account is erased). */
    createdBy: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export class Campaign extends CampaignSchema.class {}
CampaignSchema.setClass(Campaign);

export const CampaignRecipientSchema = defineEntity({
  name: 'CampaignRecipient',
  tableName: 'campaign_recipient',
  uniques: [{ properties: ['campaign', 'contact'] }],
  indexes: [{ properties: ['campaign', 'status'] }, { properties: ['campaign', 'sentAt'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    campaign: () => p.manyToOne(Campaign).mapToPk().deleteRule('cascade'),
    /** Denormalised for tenant filters (the campaign's workspace). */
    workspaceId: p.uuid(),
    contact: () => p.manyToOne(Contact).mapToPk().deleteRule('cascade').index(),
    /** pending | sending | sent | failed | unknown | skipped */
    status: p.string().length(16),
    /** suppressed | unsubscribed | no_consent | verification (when skipped). */
    skipReason: p.string().length(24).nullable(),
    attempts: p.integer().default(0),
    nextAttemptAt: p.datetime().nullable(),
    lastError: p.string().length(500).nullable(),
    messageId: p.string().length(255).nullable(),
    sendingStartedAt: p.datetime().nullable(),
    sentAt: p.datetime().nullable(),
    updatedAt: p.datetime().nullable(),
    unsubscribedAt: p.datetime().nullable(),
  },
});
export class CampaignRecipient extends CampaignRecipientSchema.class {}
CampaignRecipientSchema.setClass(CampaignRecipient);
