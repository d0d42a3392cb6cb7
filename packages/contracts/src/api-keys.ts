// API keys, plans and the public REST API's shapes (shared by tRPC, /v1 and the SDK).
import { z } from 'zod';
import { zText } from './text.ts';
import { ZWorkspaceScoped } from './workspaces.ts';

export const ZPlan = z.enum(['starter', 'professional', 'business']);
export type Plan = z.infer<typeof ZPlan>;

export const ZApiKeyName = zText().trim().min(1, 'Give the key a name').max(80);
export const ZCreateApiKeyRequest = ZWorkspaceScoped.extend({
  name: ZApiKeyName,
  expiresAt: z.iso.datetime().optional(),
});
export const ZApiKey = z.object({
  id: z.string(),
  name: z.string(),
  /** Enough to recognise the key (`pst_live_AbCd…`), never enough to use it. */
  displayPrefix: z.string(),
  createdAt: z.iso.datetime(),
  createdBy: z.string().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
  expiresAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
  usageCount: z.number().int(),
});
export type ApiKey = z.infer<typeof ZApiKey>;
export const ZCreatedApiKey = z.object({ key: ZApiKey, secret: z.string() });
export const ZApiKeyList = z.object({ keys: z.array(ZApiKey) });
export const ZRevokeApiKeyRequest = ZWorkspaceScoped.extend({ keyId: z.string().uuid() });
export const ZApiKeyUsageRequest = ZWorkspaceScoped.extend({
  days: z.number().int().min(1).max(90).default(30),
});
export const ZUsageSeries = z.object({
  days: z.array(z.string()),
  series: z.array(z.object({ keyId: z.string(), name: z.string(), counts: z.array(z.number().int()) })),
});

/** GET /v1/me */
export const ZV1Me = z.object({
  workspace: z.object({ id: z.string(), name: z.string(), plan: ZPlan }),
  key: z.object({
    id: z.string(),
    name: z.string(),
    displayPrefix: z.string(),
    expiresAt: z.iso.datetime().nullable(),
  }),
});
/** GET /v1/usage */
export const ZV1Usage = z.object({
  plan: ZPlan,
  limits: z.object({ perMinute: z.number().int(), burst: z.number().int() }),
  remaining: z.number().int(),
  today: z.object({ requests: z.number().int() }),
  last30Days: z.array(z.object({ day: z.string(), requests: z.number().int() })),
});
export const ZPlanUsage = z.object({
  plan: ZPlan,
  limits: z.object({ perMinute: z.number().int(), burst: z.number().int() }),
  remaining: z.number().int(),
  requestsToday: z.number().int(),
  requestsThisMonth: z.number().int(),
});
