// Health and readiness DTOs shared by /readyz, the tRPC `system.health` query and the dashboard status page.
import { z } from 'zod';

export const ZCheckStatus = z.enum(['ok', 'degraded', 'down']);
export type CheckStatus = z.infer<typeof ZCheckStatus>;

export const ZCheck = z.object({
  status: ZCheckStatus,
  latencyMs: z.number().nonnegative().optional(),
  detail: z.string().optional(),
});
export type Check = z.infer<typeof ZCheck>;

export const ZHealthResponse = z.object({
  status: ZCheckStatus,
  version: z.string(),
  uptimeSeconds: z.number().nonnegative(),
  time: z.iso.datetime(),
  checks: z.object({
    api: ZCheck,
    database: ZCheck,
    redis: ZCheck,
    migrations: ZCheck,
    worker: ZCheck,
    /**
     * The DNS resolver of address checks, judged by canary domains (DNS_CANARY_DOMAINS): `degraded`
     * with the reason while it lies (e.g. NXDOMAIN for gmail.com). Absent when no canaries are set.
     * /readyz reports it but stays 200 for it: the API still serves (verdicts become unknown).
     */
    resolver: ZCheck.optional(),
  }),
});
export type HealthResponse = z.infer<typeof ZHealthResponse>;

export const ZLivenessResponse = z.object({
  status: z.literal('ok'),
  uptimeSeconds: z.number().nonnegative(),
});
export type LivenessResponse = z.infer<typeof ZLivenessResponse>;
