// Campaigns (#31, SPEC §9–10, docs/campaigns.md): one message composed once (subject, preheader, HTML
// with LiquidJS merge fields, a text part generated from it unless written by hand) sent from one
// connected mailbox to the active subscribers of one list. The shapes of core's campaigns functions,
// the dashboard's `campaigns.*` procedures (every request carries its workspaceId: the tenancy walk reads
// it), the /v1 routes and the SDK. Webhook event data is at the end (ids and counts: never an address).
import { z } from 'zod';
import { VERDICT_STATUSES } from './constants/bulk.ts';
import type { QueueDefinition } from './queues.ts';
import { zText } from './text.ts';
import { ZWorkspaceScoped } from './workspaces.ts';

/**
 * draft → scheduled → sending → sent; scheduled|sending → paused → scheduled|sending; any but sent →
 * cancelled; failed when the engine gives up (failureReason says why).
 */
export const CAMPAIGN_STATUSES = [
  'draft',
  'scheduled',
  'sending',
  'paused',
  'sent',
  'cancelled',
  'failed',
] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export const ZCampaignStatus = z.enum(CAMPAIGN_STATUSES);

export const CAMPAIGN_RECIPIENT_STATUSES = [
  'pending',
  'sending',
  'sent',
  'failed',
  'unknown',
  'skipped',
] as const;
export type CampaignRecipientStatus = (typeof CAMPAIGN_RECIPIENT_STATUSES)[number];
export const CAMPAIGN_SKIP_REASONS = ['suppressed', 'unsubscribed', 'no_consent', 'verification'] as const;
export type CampaignSkipReason = (typeof CAMPAIGN_SKIP_REASONS)[number];
/** What contact.verification holds: the verification engine's verdict statuses. */
export const CONTACT_VERIFICATION_STATUSES = VERDICT_STATUSES;

export const CAMPAIGN_HTML_MAX = 500_000;
export const CAMPAIGN_TEXT_MAX = 200_000;
export const CAMPAIGN_POSTAL_ADDRESS_MAX = 500;
export const CAMPAIGN_TEST_SEND_MAX = 5;
/** Retention of campaign metrics and per-recipient rows after the campaign completed. */
export const CAMPAIGN_RETENTION_DAYS = 730;

const ZId = zText().max(100);
const ZUuid = z.uuid();
const ZAddress = zText().trim().min(3).max(254);

// --- composing
const ZCampaignFields = {
  name: zText().trim().min(1, 'Give the campaign a name').max(200),
  subject: zText().trim().max(300),
  preheader: zText().trim().max(300).nullish(),
  /** The sending mailbox (a connected mailbox of the workspace). */
  mailboxId: ZUuid.nullish(),
  replyTo: ZAddress.nullish(),
  /** The list whose active subscribers receive it. */
  listId: ZUuid.nullish(),
  htmlBody: zText().max(CAMPAIGN_HTML_MAX),
  /** Only kept when textBodyCustom is true; otherwise generated from the HTML on every save. */
  textBody: zText().max(CAMPAIGN_TEXT_MAX).nullish(),
  textBodyCustom: z.boolean(),
  /** Contacts not verified within this many days are verified again before sending (0: always). */
  verifyMaxAgeDays: z.number().int().min(0).max(3650),
};
export const ZCreateCampaign = z.object({
  ...ZCampaignFields,
  subject: ZCampaignFields.subject.default(''),
  htmlBody: ZCampaignFields.htmlBody.default(''),
  textBodyCustom: ZCampaignFields.textBodyCustom.default(false),
  verifyMaxAgeDays: ZCampaignFields.verifyMaxAgeDays.default(90),
});
export type CreateCampaignInput = z.input<typeof ZCreateCampaign>;
/** Drafts only; a field left out stays as it was, null clears it. */
export const ZUpdateCampaign = z.object(ZCampaignFields).partial();
export type UpdateCampaignInput = z.input<typeof ZUpdateCampaign>;

export const ZCampaignCounters = z.object({
  /** Rows of the snapshot (every active subscriber when sending started, skipped ones included). */
  recipients: z.number().int(),
  sent: z.number().int(),
  failed: z.number().int(),
  /** The server's answer was lost (a timeout after DATA): maybe delivered, never retried. */
  unknown: z.number().int(),
  unsubscribed: z.number().int(),
  skippedSuppressed: z.number().int(),
  skippedUnsubscribed: z.number().int(),
  skippedNoConsent: z.number().int(),
  skippedVerification: z.number().int(),
});
export type CampaignCounters = z.infer<typeof ZCampaignCounters>;

export const ZCampaignSummary = z.object({
  id: z.string(),
  name: z.string(),
  subject: z.string(),
  status: ZCampaignStatus,
  mailboxId: z.string().nullable(),
  listId: z.string().nullable(),
  scheduledAt: z.iso.datetime().nullable(),
  timeZone: z.string().nullable(),
  startedAt: z.iso.datetime().nullable(),
  completedAt: z.iso.datetime().nullable(),
  failureReason: z.string().nullable(),
  counters: ZCampaignCounters,
  createdBy: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type CampaignSummaryDto = z.infer<typeof ZCampaignSummary>;

export const ZCampaign = ZCampaignSummary.extend({
  preheader: z.string().nullable(),
  replyTo: z.string().nullable(),
  htmlBody: z.string(),
  textBody: z.string(),
  textBodyCustom: z.boolean(),
  verifyMaxAgeDays: z.number().int(),
});
export type CampaignDto = z.infer<typeof ZCampaign>;

export const ZListCampaignsQuery = z.object({
  status: ZCampaignStatus.optional(),
  cursor: zText().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListCampaignsQuery = z.input<typeof ZListCampaignsQuery>;
export const ZCampaignPage = z.object({
  campaigns: z.array(ZCampaignSummary),
  nextCursor: z.string().nullable(),
});

// --- scheduling
/** An instant with an offset (`2027-01-15T14:00:00Z`) or a wall-clock time read in `timeZone` (`2027-01-15T09:00`). */
export const ZScheduleAt = zText()
  .trim()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/,
    'Give a date and time like 2027-01-15T09:00 (in the time zone) or 2027-01-15T14:00:00Z',
  );
export const ZSchedule = z.object({
  /** Omitted: now. */
  at: ZScheduleAt.optional(),
  /** IANA time zone name, e.g. Europe/Berlin; `at` without an offset is read in it. */
  timeZone: zText().trim().min(1).max(64).default('UTC'),
  /** The checklist's warnings (e.g. a sender domain failing DMARC) were read and accepted. */
  acknowledgeWarnings: z.boolean().default(false),
});
export type ScheduleInput = z.input<typeof ZSchedule>;

// --- preview and test sends
export const ZSampleContact = z.object({
  email: ZAddress.default('jane@example.com'),
  name: zText().trim().max(200).nullish(),
  attributes: z
    .record(zText().max(64), z.union([zText().max(2000), z.number(), z.boolean(), z.null()]))
    .default({}),
});
export type SampleContact = z.input<typeof ZSampleContact>;
/** Render for one contact of the workspace, or for sample values (neither: a sample "Jane"). */
export const ZPreviewRequest = z.object({
  contactId: ZUuid.optional(),
  sample: ZSampleContact.optional(),
});
export const ZRenderedMessage = z.object({
  subject: z.string(),
  /** Show it in a sandboxed iframe (no scripts, no same-origin). */
  html: z.string(),
  text: z.string(),
  headers: z.record(z.string(), z.string()),
});
export type RenderedMessage = z.infer<typeof ZRenderedMessage>;

export const ZTestSendRequest = ZPreviewRequest.extend({
  /** Where the test goes (omitted: the member's own address). */
  to: z.array(ZAddress).min(1).max(CAMPAIGN_TEST_SEND_MAX).optional(),
});
export const ZTestSendResult = z.object({ to: z.array(z.string()), messageId: z.string() });

// --- the pre-send checklist
/** In the order checked and shown; a refused schedule names the first blocking one (`details.item`). */
export const CHECKLIST_ITEMS = [
  'postal_address',
  'content',
  'sender',
  'sender_auth',
  'list',
  'consent',
  'verification',
] as const;
export const ZChecklistItem = z.object({
  id: z.enum(CHECKLIST_ITEMS),
  /** ok | warning (may be acknowledged and sent anyway) | error (blocks scheduling). */
  status: z.enum(['ok', 'warning', 'error']),
  title: z.string(),
  detail: z.string(),
});
export type ChecklistItem = z.infer<typeof ZChecklistItem>;
export const ZChecklist = z.object({
  items: z.array(ZChecklistItem),
  /** No error: scheduling is possible (warnings must be acknowledged). */
  ready: z.boolean(),
  audience: z.object({
    /** Active subscribers of the list. */
    subscribers: z.number().int(),
    suppressed: z.number().int(),
    /** CASL lists: active subscribers without express consent (skipped). */
    noConsent: z.number().int(),
    /** Would be verified before sending (never verified, or longer ago than verifyMaxAgeDays). */
    needsVerification: z.number().int(),
    /** Subscribers minus the skipped. */
    sendable: z.number().int(),
  }),
});
export type ChecklistDto = z.infer<typeof ZChecklist>;

// --- metrics
export const ZMetricsQuery = z.object({
  bucket: z.enum(['hour', 'day']).default('hour'),
  /** Buckets are cut in this zone (default: the campaign's, else UTC). */
  timeZone: zText().trim().max(64).optional(),
});
export const ZCampaignMetrics = z.object({
  campaignId: z.string(),
  status: ZCampaignStatus,
  counters: ZCampaignCounters,
  /** Recipients by state right now (the snapshot's rows). */
  recipients: z.record(z.enum(CAMPAIGN_RECIPIENT_STATUSES), z.number().int()),
  bucket: z.enum(['hour', 'day']),
  timeZone: z.string(),
  /** Messages sent per bucket (bucket start as an instant), oldest first; empty buckets left out. */
  series: z.array(z.object({ at: z.iso.datetime(), sent: z.number().int() })),
  startedAt: z.iso.datetime().nullable(),
  completedAt: z.iso.datetime().nullable(),
});
export type CampaignMetricsDto = z.infer<typeof ZCampaignMetrics>;

// --- settings: the postal address of the footer (CAN-SPAM), per workspace and per sender
export const ZPostalAddress = zText().trim().max(CAMPAIGN_POSTAL_ADDRESS_MAX);
export const ZCampaignSettings = z.object({
  postalAddress: z.string().nullable(),
  senders: z.array(
    z.object({ mailboxId: z.string(), email: z.string(), postalAddress: z.string().nullable() }),
  ),
});
export type CampaignSettingsDto = z.infer<typeof ZCampaignSettings>;
export const ZUpdateCampaignSettings = z.object({
  /** null or empty clears it (scheduling is then refused unless the sender has its own). */
  postalAddress: ZPostalAddress.nullish(),
  senders: z
    .array(z.object({ mailboxId: ZUuid, postalAddress: ZPostalAddress.nullable() }))
    .max(100)
    .optional(),
});
export type UpdateCampaignSettingsInput = z.input<typeof ZUpdateCampaignSettings>;

// --- dashboard (tRPC) requests: the contracts' shapes with the workspace id
export const ZCampaignRef = ZWorkspaceScoped.extend({ campaignId: ZId });
export const ZCampaignListRequest = ZWorkspaceScoped.extend(ZListCampaignsQuery.shape);
export const ZCampaignCreateRequest = ZWorkspaceScoped.extend(ZCreateCampaign.shape);
export const ZCampaignUpdateRequest = ZCampaignRef.extend({ data: ZUpdateCampaign });
export const ZCampaignScheduleRequest = ZCampaignRef.extend(ZSchedule.shape);
export const ZCampaignPreviewRequest = ZCampaignRef.extend(ZPreviewRequest.shape);
export const ZCampaignTestSendRequest = ZCampaignRef.extend(ZTestSendRequest.shape);
export const ZCampaignMetricsRequest = ZCampaignRef.extend(ZMetricsQuery.shape);
export const ZCampaignSettingsUpdateRequest = ZWorkspaceScoped.extend(ZUpdateCampaignSettings.shape);

// --- webhook event data (campaign.started | campaign.completed | campaign.paused)
export const ZCampaignEventData = z.object({
  campaign_id: z.string(),
  name: z.string(),
  status: ZCampaignStatus,
  list_id: z.string().nullable(),
  counters: ZCampaignCounters,
  started_at: z.iso.datetime().nullable(),
  completed_at: z.iso.datetime().nullable(),
});
export type CampaignEventData = z.infer<typeof ZCampaignEventData>;

// --- queues (registered in QUEUES, packages/contracts/src/queues.ts; handled by the worker, H5b's engine)
export const ZCampaignStartJob = z.object({ campaignId: z.uuid() });
export const ZCampaignSendBatchJob = z.object({
  campaignId: z.uuid(),
  recipientIds: z.array(z.uuid()).min(1).max(500),
});

/** Snapshot + verify-before-send + fan-out of one campaign (idempotent: core/campaigns/sending). */
export const CAMPAIGN_START_QUEUE = {
  name: 'campaigns.start',
  payload: ZCampaignStartJob,
  policy: {
    retryLimit: 5,
    retryDelaySeconds: 10,
    retryBackoff: true,
    expireInSeconds: 1800,
    heartbeatSeconds: 30,
    concurrency: 1,
  },
} satisfies QueueDefinition<typeof ZCampaignStartJob>;

/** Up to ~100 recipients of one campaign; at most once per recipient (rows found `sending` → unknown). */
export const CAMPAIGN_SEND_BATCH_QUEUE = {
  name: 'campaigns.send_batch',
  payload: ZCampaignSendBatchJob,
  policy: {
    retryLimit: 10,
    retryDelaySeconds: 5,
    retryBackoff: true,
    expireInSeconds: 900,
    heartbeatSeconds: 20,
    concurrency: 4,
  },
} satisfies QueueDefinition<typeof ZCampaignSendBatchJob>;
