// API keys: stored only as SHA-256 of the whole key plus a short display prefix. Usage per key
// and day feeds the dashboard's chart.
import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';

export const ApiKeySchema = defineEntity({
  name: 'ApiKey',
  tableName: 'api_key',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    workspaceId: p.uuid().index(),
    name: p.string().length(80),
    displayPrefix: p.string().length(24),
    keyHash: p.string().length(64).unique(),
    createdBy: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    lastUsedAt: p.datetime().nullable(),
    expiresAt: p.datetime().nullable(),
    /** Set in advance by a roll (the old key works until then); checked at authentication. */
    revokedAt: p.datetime().nullable(),
    usageCount: p.bigint('number').default(0),
    /** API_KEY_SCOPES (contracts) this key may use, sorted. */
    scopes: p.json<string[]>(),
    /** The key a roll replaced this one with. */
    replacedById: p.uuid().nullable(),
  },
});
export class ApiKey extends ApiKeySchema.class {}
ApiKeySchema.setClass(ApiKey);

export const ApiKeyUsageSchema = defineEntity({
  name: 'ApiKeyUsage',
  tableName: 'api_key_usage',
  primaryKeys: ['keyId', 'day'],
  properties: {
    keyId: p.uuid().primary(),
    day: p.string().length(10).primary(),
    workspaceId: p.uuid().index(),
    requests: p.bigint('number').default(0),
  },
});
export class ApiKeyUsage extends ApiKeyUsageSchema.class {}
ApiKeyUsageSchema.setClass(ApiKeyUsage);

/** A usage alert raised for a key (core/api-keys/alerts.ts): at most one per key per hour. */
export const ApiKeyAlertSchema = defineEntity({
  name: 'ApiKeyAlert',
  tableName: 'api_key_alert',
  indexes: [{ properties: ['keyId', 'createdAt'] }, { properties: ['workspaceId', 'createdAt'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    keyId: p.uuid(),
    workspaceId: p.uuid(),
    /** API_KEY_ALERT_KINDS (contracts). */
    kind: p.string().length(20),
    summary: p.string().length(300),
    details: p.json<Record<string, unknown>>(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class ApiKeyAlert extends ApiKeyAlertSchema.class {}
ApiKeyAlertSchema.setClass(ApiKeyAlert);
