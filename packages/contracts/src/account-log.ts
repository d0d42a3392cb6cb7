// The account's security log (Settings → Security): the caller's own `user:<id>` audit chain, with
// the device and approximate location of each entry, newest first, and as a CSV file.
import { z } from 'zod';
import { ZAuditPersonErased } from './audit.ts';

export const ZAccountLogRequest = z.object({
  /** Entries with seq below this (the previous page's last seq). */
  cursor: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(100).default(25),
});

export const ZAccountLogEntry = z.object({
  id: z.string(),
  seq: z.number().int(),
  occurredAt: z.iso.datetime(),
  eventType: z.string(),
  ip: z.string().nullable(),
  device: z.object({ deviceType: z.string(), browser: z.string(), os: z.string() }).nullable(),
  location: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  personErased: ZAuditPersonErased,
});
export type AccountLogEntry = z.infer<typeof ZAccountLogEntry>;

export const ZAccountLogPage = z.object({
  entries: z.array(ZAccountLogEntry),
  nextCursor: z.number().int().nullable(),
});

export const ZAccountLogExport = z.object({
  filename: z.string(),
  contentType: z.string(),
  body: z.string(),
  rows: z.number().int(),
});
