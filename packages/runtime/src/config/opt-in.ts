// Double opt-in and the public sign-up pages (#30, docs/contacts.md): how long a confirmation link
// lives, how long an unconfirmed subscription is kept, the per-IP limit of the public forms and the
// per-address cap of confirmation emails across the instance (list bombing).
import { z } from 'zod';

export const optInEnv = z.object({
  OPT_IN_LINK_TTL_DAYS: z.coerce.number().int().min(1).max(30).default(7),
  /** Unconfirmed subscriptions older than this are purged (retention table). */
  OPT_IN_UNCONFIRMED_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** Form posts (subscribe, confirm, preferences) per client IP per minute. */
  OPT_IN_FORM_POSTS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(10),
  /** Confirmation emails per address per hour, all lists of the instance together. */
  OPT_IN_ADDRESS_MAILS_PER_HOUR: z.coerce.number().int().min(1).max(100).default(1),
});

export interface OptInConfig {
  linkTtlDays: number;
  unconfirmedRetentionDays: number;
  formPostsPerMinute: number;
  addressMailsPerHour: number;
}

export function optInSettings(e: z.output<typeof optInEnv>): OptInConfig {
  return {
    linkTtlDays: e.OPT_IN_LINK_TTL_DAYS,
    unconfirmedRetentionDays: e.OPT_IN_UNCONFIRMED_RETENTION_DAYS,
    formPostsPerMinute: e.OPT_IN_FORM_POSTS_PER_MINUTE,
    addressMailsPerHour: e.OPT_IN_ADDRESS_MAILS_PER_HOUR,
  };
}
