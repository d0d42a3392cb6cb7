// The single check. Processed in memory and never persisted: the only trace is a cache entry whose
// key is HMAC-SHA-256 of the workspace id and the normalised address under the server secret and whose
// value is the result without the address (the typo suggestion is kept as a domain and rebuilt per
// request). TTL 1 hour. The cache is per workspace: one workspace never learns (from `cached: true` or
// a faster answer) what another checked.
import type { Depth, ValidationResult, ValidationVerdict } from '@postern/contracts';
import { decide, type EngineResult, parseAddress } from '@postern/validator';
import type { Clock } from '../clock.ts';
import type { CoreContext } from '../context.ts';
import { keyedHash } from '../crypto/index.ts';
import { DEFAULT_POLICY, withPolicyAction } from './policy.ts';

export const VALIDATION_CACHE_TTL_SECONDS = 3600;
/** A process-local copy of hot entries (same keys, same values) saves the Redis round trip. */
const LOCAL_TTL_MS = 30_000;
const LOCAL_MAX = 10_000;
const local = new Map<string, { until: number; value: string }>();

function localGet(key: string, now: number): string | null {
  const entry = local.get(key);
  if (!entry) return null;
  if (entry.until <= now) {
    local.delete(key);
    return null;
  }
  return entry.value;
}

function localSet(key: string, value: string, now: number) {
  if (local.size >= LOCAL_MAX) local.clear();
  local.set(key, { until: now + LOCAL_TTL_MS, value });
}

/** The verification engine (per process; the API's deps hold it). */
export interface SingleCheckEngine {
  validate(email: string, options: { depth: Depth }): Promise<EngineResult>;
}

type Cached = Omit<ValidationVerdict, 'suggestion' | 'cached'> & { suggestedDomain: string | null };

function shape(result: EngineResult, clock: Clock): Cached {
  const verdict = decide({
    syntax: result.syntax,
    dns: result.dns,
    smtp: result.smtp,
    lists: result.lists,
    resolverHealthy: result.resolverHealthy,
  });
  return {
    status: verdict.status,
    reason: verdict.reason,
    action: verdict.action,
    flags: verdict.flags,
    suggestedDomain: result.suggestedDomain,
    retry_after_ms: verdict.retryAfterMs,
    depth: result.depth,
    checks: {
      syntax: {
        valid: result.syntax.valid,
        reason: result.syntax.valid ? null : result.syntax.reason,
        smtputf8: result.syntax.valid ? result.syntax.smtputf8 : false,
      },
      dns: result.dns
        ? {
            outcome: result.dns.outcome.status,
            mx_hosts:
              'hosts' in result.dns.outcome
                ? result.dns.outcome.hosts.map((h) => ({ host: h.exchange, priority: h.priority }))
                : [],
            ms: Math.round(result.dns.ms * 10) / 10,
          }
        : null,
      smtp: result.smtp
        ? {
            status: result.smtp.status,
            mx_host: result.smtp.evidence.mxHost,
            reply_code: result.smtp.evidence.replyCode,
            enhanced_code: result.smtp.evidence.enhancedCode,
            message: result.smtp.evidence.message,
            starttls: result.smtp.evidence.startTls,
            failure: result.smtp.evidence.failure,
            ms: Math.round(result.smtp.evidence.ms * 10) / 10,
          }
        : null,
    },
    checked_at: clock.now().toISOString(),
  };
}

function present(cached: Cached, localPart: string | null, fromCache: boolean): ValidationVerdict {
  const { suggestedDomain, ...rest } = cached;
  const suggestion = suggestedDomain && localPart !== null ? `${localPart}@${suggestedDomain}` : null;
  return { ...rest, suggestion, cached: fromCache };
}

/**
 * An engine result -> the public verdict shape, before any policy (no address in it, except the local
 * part inside a typo suggestion). Shared by the single check and bulk jobs.
 */
export function shapeVerdict(result: EngineResult, clock: Clock): ValidationVerdict {
  return present(shape(result, clock), result.syntax.valid ? result.syntax.local : null, false);
}

/**
 * shapeVerdict with the default policy's `policy_action` (bulk jobs store this; every read replaces
 * `policy_action` with the workspace's current policy through withPolicyAction).
 */
export function shapeValidationResult(result: EngineResult, clock: Clock): ValidationResult {
  return withPolicyAction(DEFAULT_POLICY, shapeVerdict(result, clock));
}

/** The cache key of a valid address's result in one workspace (no address in clear). */
export function validationCacheKey(secret: string, workspaceId: string, depth: Depth, ascii: string) {
  return `vcache:${keyedHash(secret, 'validation-cache', `${workspaceId}:${depth}:${ascii}`)}`;
}

/** One address's verdict (cached per workspace), before the workspace's policy: see checkWithPolicy. */
export async function checkAddress(
  ctx: Pick<CoreContext, 'kv' | 'clock' | 'config'>,
  engine: SingleCheckEngine,
  email: string,
  depth: Depth,
  workspaceId: string,
): Promise<ValidationVerdict> {
  const parsed = parseAddress(email);
  const localPart = parsed.valid ? parsed.local : null;
  // Only valid addresses are cached (a syntax verdict is cheaper than a cache round trip).
  const key = parsed.valid ? validationCacheKey(ctx.config.secret, workspaceId, depth, parsed.ascii) : null;
  if (key) {
    const now = Date.now();
    const hit = localGet(key, now) ?? (await ctx.kv.get(key));
    if (hit) {
      localSet(key, hit, now);
      return present(JSON.parse(hit) as Cached, localPart, true);
    }
  }
  const result = shape(await engine.validate(email, { depth }), ctx.clock);
  // Transient outcomes are not cached: a retry should really retry.
  if (key && result.action !== 'retry_later') {
    const value = JSON.stringify(result);
    await ctx.kv.set(key, value, VALIDATION_CACHE_TTL_SECONDS);
    localSet(key, value, Date.now());
  }
  return present(result, localPart, false);
}
