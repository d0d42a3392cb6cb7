// The workspace's home page: usage against the plan's real limits (per minute and burst), the newest
// bulk jobs, and the getting-started checklist, each step read from the workspace's own data.
import { z } from 'zod';
import { ZPlanUsage } from './api-keys.ts';
import { ZBulkJob } from './bulk.ts';

export const CHECKLIST_STEPS = ['two_factor', 'api_key', 'first_check', 'first_bulk_job', 'webhook'] as const;
export const ZChecklistStep = z.enum(CHECKLIST_STEPS);
export type ChecklistStep = z.infer<typeof ZChecklistStep>;

export const ZHomeOverview = z.object({
  /** Null when the role may not see the plan usage. */
  usage: ZPlanUsage.nullable(),
  /** The newest jobs (at most 5); null when the role may not see bulk jobs. */
  recentJobs: z.array(ZBulkJob).nullable(),
  checklist: z.array(z.object({ step: ZChecklistStep, done: z.boolean() })),
  requireTwoFactor: z.boolean(),
});
export type HomeOverview = z.infer<typeof ZHomeOverview>;
