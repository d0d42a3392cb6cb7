// The public API's hot path: a Bearer key → its workspace and plan, then the plan's token bucket.
// Key records are cached in process for a few seconds (lookups by SHA-256); revocation still holds
// on the very next request everywhere, because the bucket call in Redis checks the revocation
// marker in the same round trip. Usage is counted in memory and flushed in batches.
import { type ApiKeyScope, PLANS, type Plan } from '@postern/contracts';
import { ApiKey, type EntityManager, type MikroORM, Workspace } from '@postern/db';
import type { Clock } from '../clock.ts';
import { DomainError } from '../errors.ts';
import { accountBucketKey, workspaceAccountId, workspaceBucketKey } from '../rate-limit/metering.ts';
import type { BucketState, RateLimiter, TakeResult } from '../rate-limit/token-bucket.ts';
import {
  type CustomLimits,
  isWorkspaceSuspended,
  withCustomLimits,
  workspaceSuspendedError,
} from '../workspaces/limits.ts';
import { apiKeyHash, isWellFormedApiKey } from './format.ts';
import { revokedMarker } from './keys.ts';
import { normalizeScopes, requireScope } from './scopes.ts';

export interface ApiKeyPrincipal {
  keyId: string;
  keyName: string;
  displayPrefix: string;
  expiresAt: Date | null;
  /** What the key may do (each /v1 route declares the scope it needs). */
  scopes: ApiKeyScope[];
  workspaceId: string;
  workspaceName: string;
  plan: Plan;
  /** The account the workspace's checks are also metered against (see rate-limit/metering.ts). */
  accountId: string | null;
  /** The workspace's custom limits (postern admin workspace set-plan --limit); none: the plan's. */
  customLimits?: CustomLimits;
}

export interface AuthorizedRequest {
  principal: ApiKeyPrincipal;
  /** The workspace's bucket (for a check route: allowed only when the account's could pay too). */
  limit: TakeResult;
  /** A check route's first unit: both buckets' states, taken in the same round trip. */
  checkBuckets?: { workspace: BucketState; account: BucketState };
  policy: { perMinute: number; burst: number };
}

const CACHE_MS = 5_000;
const CACHE_MAX = 10_000;

export class ApiKeyAuthenticator {
  readonly #orm: MikroORM;
  readonly #limiter: RateLimiter;
  readonly #clock: Clock;
  readonly #cache = new Map<
    string,
    // suspended: every owner of the workspace is disabled (postern admin user disable).
    { at: number; principal: ApiKeyPrincipal | null; revokedAt: Date | null; suspended: boolean }
  >();
  /** Overrides PLANS (benchmarks raise the limits). */
  readonly #limits: Partial<Record<Plan, { perMinute: number; burst: number }>>;

  constructor(options: {
    orm: MikroORM;
    limiter: RateLimiter;
    clock: Clock;
    limits?: Partial<Record<Plan, { perMinute: number; burst: number }>>;
  }) {
    this.#orm = options.orm;
    this.#limiter = options.limiter;
    this.#clock = options.clock;
    this.#limits = options.limits ?? {};
  }

  /** The plan's limits, with the workspace's custom limits (set by the instance operator) on top. */
  policyFor(plan: Plan, custom?: CustomLimits | null) {
    return withCustomLimits(this.#limits[plan] ?? PLANS[plan], custom);
  }

  async #lookup(hash: string) {
    const now = Date.now();
    const cached = this.#cache.get(hash);
    if (cached && now - cached.at < CACHE_MS) return cached;
    const em: EntityManager = this.#orm.em.fork();
    const key = await em.findOne(ApiKey, { keyHash: hash });
    const workspace = key ? await em.findOne(Workspace, { id: key.workspaceId }) : null;
    const accountId = workspace ? await workspaceAccountId(em, workspace.id) : null;
    const entry = {
      at: now,
      revokedAt: key?.revokedAt ?? null,
      suspended: workspace ? await isWorkspaceSuspended(em, workspace.id) : false,
      principal:
        key && workspace
          ? {
              keyId: key.id,
              keyName: key.name,
              displayPrefix: key.displayPrefix,
              expiresAt: key.expiresAt ?? null,
              scopes: normalizeScopes(key.scopes),
              workspaceId: workspace.id,
              workspaceName: workspace.name,
              plan: workspace.plan,
              accountId,
              customLimits: {
                rateLimitPerMinute: workspace.rateLimitPerMinute ?? null,
                rateLimitBurst: workspace.rateLimitBurst ?? null,
              },
            }
          : null,
    };
    if (this.#cache.size >= CACHE_MAX) this.#cache.clear();
    this.#cache.set(hash, entry);
    return entry;
  }

  /**
   * Resolves and rate-limits one request, or throws UNAUTHENTICATED. `checks: true` (a route that
   * checks addresses) also takes the first unit from the account's bucket, atomically with the
   * workspace's and in the same round trip (see rate-limit/metering.ts).
   */
  async authorize(
    rawKey: string,
    options: { checks?: boolean; scope?: ApiKeyScope } = {},
  ): Promise<AuthorizedRequest> {
    if (!isWellFormedApiKey(rawKey)) {
      throw new DomainError(
        'UNAUTHENTICATED',
        'This is not a valid Postern API key (check for a copy/paste error)',
      );
    }
    const { principal, revokedAt, suspended } = await this.#lookup(apiKeyHash(rawKey));
    if (!principal) throw new DomainError('UNAUTHENTICATED', 'Unknown API key');
    // A roll sets the old key's revocation in advance: it works until then (no job needed).
    const now = this.#clock.now();
    const key = { keyId: principal.keyId, workspaceId: principal.workspaceId };
    if (revokedAt && revokedAt <= now)
      throw new DomainError('UNAUTHENTICATED', 'This API key was revoked', key);
    if (principal.expiresAt && principal.expiresAt <= now)
      throw new DomainError(
        'API_KEY_EXPIRED',
        `This API key expired on ${principal.expiresAt.toISOString()}; create a new one (Settings → API keys)`,
        key,
      );
    // Every owner disabled by the instance operator (postern admin user disable): refused until enabled.
    if (suspended) throw workspaceSuspendedError(key);
    // Before the bucket: a key without the route's scope spends no token.
    if (options.scope) requireScope(principal.scopes, options.scope, key);
    const policy = this.policyFor(principal.plan, principal.customLimits);
    if (options.checks) return this.#authorizeCheck(principal, policy);
    const limit = await this.#limiter.take(
      `ratelimit:ws:${principal.workspaceId}`,
      revokedMarker(principal.keyId),
      {
        capacity: policy.burst,
        refillPerSecond: policy.perMinute / 60,
      },
    );
    if (limit.revoked) throw await this.#markedRefusal(principal);
    return { principal, limit, policy };
  }

  async #authorizeCheck(
    principal: ApiKeyPrincipal,
    policy: { perMinute: number; burst: number },
  ): Promise<AuthorizedRequest> {
    const result = await this.#limiter.takeAll(
      [
        { key: workspaceBucketKey(principal.workspaceId), cost: 1 },
        { key: accountBucketKey(principal.accountId ?? `workspace-${principal.workspaceId}`), cost: 1 },
      ],
      { capacity: policy.burst, refillPerSecond: policy.perMinute / 60 },
      revokedMarker(principal.keyId),
    );
    if (result.revoked) throw await this.#markedRefusal(principal);
    const [workspace, account] = result.buckets as [BucketState, BucketState];
    const limit: TakeResult = {
      revoked: false,
      allowed: result.allowed,
      remaining: workspace.remaining,
      resetSeconds: workspace.resetSeconds,
      retryAfterSeconds: Math.max(workspace.retryAfterSeconds, account.retryAfterSeconds),
    };
    return { principal, limit, checkBuckets: { workspace, account }, policy };
  }

  /**
   * A key refused by its marker: revoked, or its workspace suspended since this process cached the
   * key (postern admin user disable sets the markers too, so that the refusal is immediate everywhere).
   */
  async #markedRefusal(principal: ApiKeyPrincipal): Promise<DomainError> {
    const details = { keyId: principal.keyId, workspaceId: principal.workspaceId };
    if (await isWorkspaceSuspended(this.#orm.em.fork(), principal.workspaceId))
      return workspaceSuspendedError(details);
    return new DomainError('UNAUTHENTICATED', 'This API key was revoked', details);
  }

  /** Forgets a cached key (this process revoked it; others rely on the marker). */
  forget() {
    this.#cache.clear();
  }
}
