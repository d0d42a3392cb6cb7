// API key format and plan limits (zod-free: the dashboard's first bundle and the SDK import these).
export const API_KEY_PREFIX = 'pst_live_';
/** Random part: 32 base62 characters (≈190 bits); then a 6-character base62 CRC-32 checksum. */
export const API_KEY_RANDOM_LENGTH = 32;
export const API_KEY_CHECKSUM_LENGTH = 6;
export const API_KEY_PATTERN = /^pst_live_[0-9A-Za-z]{38}$/;

/** Rate limits per plan: a token bucket per workspace (capacity = burst, refill = sustained rate). */
export const PLANS = {
  starter: { name: 'Starter', perMinute: 60, burst: 100 },
  professional: { name: 'Professional', perMinute: 100, burst: 200 },
  business: { name: 'Business', perMinute: 300, burst: 500 },
} as const;

/**
 * What an API key may do on /v1: `resource:action`. Every /v1 route declares one (its Fastify route
 * `config.scope`); a key without it is refused 403 INSUFFICIENT_SCOPE.
 */
export const API_KEY_SCOPES = [
  'validate:write',
  'jobs:read',
  'jobs:write',
  'usage:read',
  'policy:read',
  'policy:write',
  'contacts:read',
  'contacts:write',
  'contacts:erase',
  'lists:write',
  'campaigns:read',
  'campaigns:write',
  'suppressions:write',
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** What each scope allows, for the dashboard and the docs. */
export const API_KEY_SCOPE_TEXT: Record<ApiKeyScope, string> = {
  'validate:write': 'Check addresses (POST /validate, /validate/batch)',
  'jobs:read': 'See bulk jobs and their results',
  'jobs:write': 'Create, cancel, retry and delete bulk jobs',
  'usage:read': 'See the plan usage (GET /usage)',
  'policy:read': "See the workspace's verification policy",
  'policy:write': "Change the workspace's verification policy",
  'contacts:read':
    "Read contacts, their consent records, lists, subscriptions and suppressions; export a contact's data",
  'contacts:write': 'Create and change contacts; subscribe and unsubscribe them',
  'contacts:erase': "Erase a person's data (DELETE /contacts/:id)",
  'lists:write': 'Create and change lists',
  'campaigns:read': 'See campaigns and their metrics',
  'campaigns:write': 'Create draft campaigns; schedule, pause, resume and cancel them',
  'suppressions:write': 'Add and remove manual suppressions',
};

/** Presets of the dashboard: every scope, or only the reading ones. */
export const API_KEY_SCOPE_PRESETS = {
  full: API_KEY_SCOPES,
  readOnly: API_KEY_SCOPES.filter((scope) => scope.endsWith(':read')),
} as const satisfies Record<string, readonly ApiKeyScope[]>;

/** Scopes no /v1 route uses yet: choosable, documented as reserved (none since campaigns, #31). */
export const RESERVED_API_KEY_SCOPES: readonly ApiKeyScope[] = [];

/**
 * What keys made before scopes existed received: every scope of the routes of then (verification only,
 * none of the outreach ones). Also what a tRPC `apiKeys.create` without `scopes` gets.
 */
export const LEGACY_API_KEY_SCOPES: readonly ApiKeyScope[] = API_KEY_SCOPES.filter(
  (scope) => !/^(contacts|lists|campaigns|suppressions):/.test(scope),
);

/** Longest overlap of a rolled key: the old secret keeps working up to this long. */
export const API_KEY_MAX_OVERLAP_HOURS = 7 * 24;

/** Usage alerts: why an alert was raised. */
export const API_KEY_ALERT_KINDS = ['traffic_spike', 'refusals', 'new_ip_range'] as const;
export type ApiKeyAlertKind = (typeof API_KEY_ALERT_KINDS)[number];
