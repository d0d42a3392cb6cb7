// Request and answer shapes that only /v1 has (the rest are the contracts' own, packages/contracts/src/
// contacts.ts): the list of lists, a consent timeline in an object, a subscribe body whose evidence has
// no method (the API records `api`) and the query of a list's subscribers.
import {
  ZConsentEvidence,
  ZConsentTimelineEntry,
  ZContactList,
  ZCreateContact,
  ZSubscriptionStatus,
} from '@postern/contracts';
import { z } from 'zod';

/** GET /v1/lists: every list of the workspace (a workspace has few), oldest first. */
export const ZV1ListCollection = z.object({ lists: z.array(ZContactList) });

/** GET /v1/contacts/:id/consent: the consent record, oldest first. */
export const ZV1ConsentTimeline = z.object({ events: z.array(ZConsentTimelineEntry) });

/**
 * POST /v1/lists/:id/subscriptions: the person and the evidence of their consent. The method is `api`;
 * `ip` and `userAgent` are the person's (from your sign-up page), never taken from the API call.
 */
export const ZV1SubscribeBody = z.object({
  contact: ZCreateContact,
  evidence: ZConsentEvidence.omit({ method: true, basis: true }).strict().default({}),
});
export type V1SubscribeBody = z.infer<typeof ZV1SubscribeBody>;

/** GET /v1/lists/:id/subscriptions (query string). */
export const ZV1SubscribersQuery = z.object({
  status: ZSubscriptionStatus.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
