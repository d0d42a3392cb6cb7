// API keys, plans and the public REST API's shapes (shared by tRPC, /v1 and the SDK).
import { z } from 'zod';
import {
  API_KEY_ALERT_KINDS,
  API_KEY_MAX_OVERLAP_HOURS,
  API_KEY_SCOPES,
  LEGACY_API_KEY_SCOPES,
} from './constants/api-keys.ts';
import { zText } from './text.ts';
import { ZWorkspaceScoped } from './workspaces.ts';

export const ZPlan = z.enum(['starter', 'professional', 'business']);
export type Plan = z.infer<typeof ZPlan>;

export const ZApiKeyName = zText().trim().min(1, 'Give the key a name').max(80);
export const ZApiKeyScope = z.enum(API_KEY_SCOPES);
/** At least one scope, each once (order does not matter; stored sorted). */
export const ZApiKeyScopes = z
  .array(ZApiKeyScope)
  .min(1, 'Choose at least one scope')
  .max(API_KEY_SCOPES.length)
  .refine((scopes) => new Set(scopes).size === scopes.length, 'Each scope only once');
export const ZCreateApiKeyRequest = ZWorkspaceScoped.extend({
  name: ZApiKeyName,
  expiresAt: z.iso.datetime().optional(),
  /** Omitted: every scope of the /v1 routes of today (LEGACY_API_KEY_SCOPES); the dashboard always sends them. */
  scopes: ZApiKeyScopes.default([...LEGACY_API_KEY_SCOPES]),
});
/** Roll: a new secret with the same name and scopes; the old one keeps working `overlapHours`. */
export const ZRollApiKeyRequest = ZWorkspaceScoped.extend({
  keyId: z.uuid(),
  overlapHours: z.number().int().min(0).max(API_KEY_MAX_OVERLAP_HOURS),
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
  /** Set in advance by a roll: the key keeps working until then. */
  revokedAt: z.iso.datetime().nullable(),
  usageCount: z.number().int(),
  scopes: z.array(ZApiKeyScope),
  /** The key that replaced this one (a roll), if any. */
  replacedById: z.string().nullable(),
});
export type ApiKey = z.infer<typeof ZApiKey>;
export const ZCreatedApiKey = z.object({ key: ZApiKey, secret: z.string() });
export const ZApiKeyList = z.object({ keys: z.array(ZApiKey) });
export const ZRevokeApiKeyRequest = ZWorkspaceScoped.extend({ keyId: z.string().uuid() });
export const ZRolledApiKey = z.object({ key: ZApiKey, secret: z.string(), previous: ZApiKey });
export const ZApiKeyUsageRequest = ZWorkspaceScoped.extend({
  days: z.number().int().min(1).max(90).default(30),
});
export const ZApiKeyAlertKind = z.enum(API_KEY_ALERT_KINDS);
export const ZApiKeyAlert = z.object({
  id: z.string(),
  keyId: z.string(),
  kind: ZApiKeyAlertKind,
  summary: z.string(),
  createdAt: z.iso.datetime(),
});
export type ApiKeyAlertDto = z.infer<typeof ZApiKeyAlert>;
export const ZUsageSeries = z.object({
  days: z.array(z.string()),
  series: z.array(z.object({ keyId: z.string(), name: z.string(), counts: z.array(z.number().int()) })),
  /** Usage alerts over the same days, newest first (marked on the chart). */
  alerts: z.array(ZApiKeyAlert),
});

/** GET /v1/me */
export const ZV1Me = z.object({
  workspace: z.object({ id: z.string(), name: z.string(), plan: ZPlan }),
  key: z.object({
    id: z.string(),
    name: z.string(),
    displayPrefix: z.string(),
    expiresAt: z.iso.datetime().nullable(),
    scopes: z.array(ZApiKeyScope),
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
