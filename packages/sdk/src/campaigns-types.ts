// The shapes of `client.campaigns`: the API's answers written out (the published declarations cannot
// refer to the zod schemas; test/campaigns-types.test.ts checks each is exactly the schema's output)
// and the options of each call.

import type { CreateOptions } from './contacts-types.ts';
import type { CallOptions, PosternPromise } from './types.ts';

/** draft → scheduled → sending → sent; paused, cancelled and failed on the way. */
export type CampaignStatus = 'draft' | 'scheduled' | 'sending' | 'paused' | 'sent' | 'cancelled' | 'failed';
export type CampaignRecipientStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'unknown' | 'skipped';

export interface CampaignCounters {
  /** Recipients taken from the list when sending started (skipped ones included). */
  recipients: number;
  sent: number;
  failed: number;
  /** The server's answer was lost: maybe delivered, never retried. */
  unknown: number;
  unsubscribed: number;
  skippedSuppressed: number;
  skippedUnsubscribed: number;
  skippedNoConsent: number;
  skippedVerification: number;
}

export interface CampaignSummary {
  id: string;
  name: string;
  subject: string;
  status: CampaignStatus;
  mailboxId: string | null;
  listId: string | null;
  scheduledAt: string | null;
  timeZone: string | null;
  startedAt: string | null;
  completedAt: string | null;
  failureReason: string | null;
  counters: CampaignCounters;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Campaign extends CampaignSummary {
  preheader: string | null;
  replyTo: string | null;
  /** HTML with LiquidJS merge fields: {{ contact.name | default: "there" }}, {{ contact.attributes.plan }}. */
  htmlBody: string;
  textBody: string;
  textBodyCustom: boolean;
  verifyMaxAgeDays: number;
}

export interface CampaignPage {
  campaigns: CampaignSummary[];
  nextCursor: string | null;
}

export interface CampaignMetrics {
  campaignId: string;
  status: CampaignStatus;
  counters: CampaignCounters;
  recipients: Record<CampaignRecipientStatus, number>;
  bucket: 'hour' | 'day';
  timeZone: string;
  /** Messages sent per bucket (its start, an instant), oldest first; empty buckets left out. */
  series: { at: string; sent: number }[];
  startedAt: string | null;
  completedAt: string | null;
}

/** A new draft. Only `name` is required; scheduling needs a subject, a body, a sender and a list. */
export interface CampaignInput {
  name: string;
  subject?: string | undefined;
  preheader?: string | null | undefined;
  mailboxId?: string | null | undefined;
  replyTo?: string | null | undefined;
  listId?: string | null | undefined;
  htmlBody?: string | undefined;
  /** Only with textBodyCustom: true; otherwise the text part is generated from the HTML. */
  textBody?: string | null | undefined;
  textBodyCustom?: boolean | undefined;
  verifyMaxAgeDays?: number | undefined;
}

export interface ScheduleOptions extends CallOptions {
  /** Omitted: now. An instant (`2027-01-15T14:00:00Z`) or a wall-clock time in `timeZone` (`2027-01-15T09:00`). */
  at?: string | undefined;
  /** IANA name, e.g. Europe/Berlin (default UTC). */
  timeZone?: string | undefined;
  /** The checklist's warnings (e.g. a sender domain failing DMARC) were read and accepted. */
  acknowledgeWarnings?: boolean | undefined;
}

export interface ListCampaignsOptions extends CallOptions {
  status?: CampaignStatus | undefined;
  /** Start after this page: the `nextCursor` of a previous page. */
  cursor?: string | undefined;
  /** Campaigns per request, 1 to 200 (default 50). */
  limit?: number | undefined;
}

export interface MetricsOptions extends CallOptions {
  bucket?: 'hour' | 'day' | undefined;
  /** Cut the buckets in this IANA zone (default: the campaign's, else UTC). */
  timeZone?: string | undefined;
}

export interface CampaignsApi {
  /** `GET /v1/campaigns`: every campaign (newest first, without bodies), fetched a page at a time. */
  list(options?: ListCampaignsOptions): AsyncIterable<CampaignSummary>;
  /** `GET /v1/campaigns`: one page and the `nextCursor` of the next. */
  listPage(options?: ListCampaignsOptions): PosternPromise<CampaignPage>;
  /** `POST /v1/campaigns` (scope campaigns:write): a draft; retried safely under an Idempotency-Key. */
  create(campaign: CampaignInput, options?: CreateOptions): PosternPromise<Campaign>;
  get(id: string, options?: CallOptions): PosternPromise<Campaign>;
  /**
   * `POST /v1/campaigns/:id/schedule`: CONFLICT while the pre-send checklist has an error (no postal
   * address, no sender that can send, no list…) or an unacknowledged warning.
   */
  schedule(id: string, options?: ScheduleOptions): PosternPromise<Campaign>;
  pause(id: string, options?: CallOptions): PosternPromise<Campaign>;
  resume(id: string, options?: CallOptions): PosternPromise<Campaign>;
  cancel(id: string, options?: CallOptions): PosternPromise<Campaign>;
  /** `GET /v1/campaigns/:id/metrics`. */
  metrics(id: string, options?: MetricsOptions): PosternPromise<CampaignMetrics>;
}
