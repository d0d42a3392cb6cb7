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
