// The subject access export of one contact (GDPR Art. 15 and 20, #30): everything the workspace holds
// about the person as one JSON document in a versioned format — profile, subscriptions, the consent
// ledger with its sealed personal data opened, suppression status, pending opt-in confirmations and
// campaign sends. The dashboard downloads it, /v1 answers it and the SDK returns it.
import { z } from 'zod';
import { ZConsentTimelineEntry, ZContact, ZSubscriptionStatus, ZSuppressionReason } from './contacts.ts';

/** The format's name and version: a reader can refuse a version it does not know. */
export const CONTACT_EXPORT_FORMAT = 'postern.contact-export/1';

export const ZContactExport = z.object({
  format: z.literal(CONTACT_EXPORT_FORMAT),
  generatedAt: z.iso.datetime(),
  workspaceId: z.string(),
  profile: z.object({
    id: z.string(),
    email: z.string(),
    emailNormalized: z.string(),
    name: z.string().nullable(),
    attributes: ZContact.shape.attributes,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  }),
  subscriptions: z.array(
    z.object({
      listId: z.string(),
      listName: z.string(),
      status: ZSubscriptionStatus,
      express: z.boolean(),
      createdAt: z.iso.datetime(),
      updatedAt: z.iso.datetime(),
      confirmedAt: z.iso.datetime().nullable(),
      unsubscribedAt: z.iso.datetime().nullable(),
    }),
  ),
  /** Every consent event about the contact, oldest first, its address, IP, user agent and source opened. */
  consentEvents: z.array(ZConsentTimelineEntry),
  /** Whether the address is on the workspace's suppression list (found by its keyed hash), and why. */
  suppression: z.object({
    suppressed: z.boolean(),
    reason: ZSuppressionReason.nullable(),
    source: z.string().nullable(),
    since: z.iso.datetime().nullable(),
  }),
  /** Double opt-in links sent and neither used nor expired yet (the link itself is never stored). */
  pendingConfirmations: z.array(
    z.object({
      listId: z.string(),
      listName: z.string().nullable(),
      sentAt: z.iso.datetime(),
      expiresAt: z.iso.datetime(),
    }),
  ),
  /** Campaign sends to the contact (one per campaign): what was sent when, skipped or unsubscribed. */
  campaignEvents: z.array(
    z.object({
      campaignId: z.string(),
      campaignName: z.string().nullable(),
      subject: z.string().nullable(),
      status: z.string(),
      skipReason: z.string().nullable(),
      sentAt: z.iso.datetime().nullable(),
      unsubscribedAt: z.iso.datetime().nullable(),
    }),
  ),
});
export type ContactExport = z.infer<typeof ZContactExport>;
