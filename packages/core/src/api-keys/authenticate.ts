// The public API's hot path: a Bearer key → its workspace and plan, then the plan's token bucket.
// Key records are cached in process for a few seconds (lookups by SHA-256); revocation still holds
// on the very next request everywhere, because the bucket call in Redis checks the revocation
// marker in the same round trip. Usage is counted in memory and flushed in batches.
import { PLANS, type Plan } from '@postern/contracts';
import { ApiKey, type EntityManager, type MikroORM, Workspace } from '@postern/db';
import type { Clock } from '../clock.ts';
import { DomainError } from '../errors.ts';
import { workspaceAccountId } from '../rate-limit/metering.ts';
import type { RateLimiter, TakeResult } from '../rate-limit/token-bucket.ts';
import { apiKeyHash, isWellFormedApiKey } from './format.ts';
import { revokedMarker } from './keys.ts';

export interface ApiKeyPrincipal {
  keyId: string;
  keyName: string;
  displayPrefix: string;
  expiresAt: Date | null;
  workspaceId: string;
  workspaceName: string;
  plan: Plan;
  /** The account the workspace's checks are also metered against (see rate-limit/metering.ts). */
  accountId: string | null;
}

export interface AuthorizedRequest {
  principal: ApiKeyPrincipal;
  limit: TakeResult;
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
    { at: number; principal: ApiKeyPrincipal | null; revokedAt: Date | null }
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

  policyFor(plan: Plan) {
    return this.#limits[plan] ?? PLANS[plan];
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
      principal:
        key && workspace
          ? {
              keyId: key.id,
              keyName: key.name,
              displayPrefix: key.displayPrefix,
              expiresAt: key.expiresAt ?? null,
              workspaceId: workspace.id,
              workspaceName: workspace.name,
              plan: workspace.plan,
              accountId,
            }
          : null,
    };
    if (this.#cache.size >= CACHE_MAX) this.#cache.clear();
    this.#cache.set(hash, entry);
    return entry;
  }

  /** Resolves and rate-limits one request, or throws UNAUTHENTICATED / RATE_LIMITED. */
  async authorize(rawKey: string): Promise<AuthorizedRequest> {
    if (!isWellFormedApiKey(rawKey)) {
      throw new DomainError(
        'UNAUTHENTICATED',
        'This is not a valid Postern API key (check for a copy/paste error)',
      );
    }
    const { principal, revokedAt } = await this.#lookup(apiKeyHash(rawKey));
    if (!principal) throw new DomainError('UNAUTHENTICATED', 'Unknown API key');
    if (revokedAt) throw new DomainError('UNAUTHENTICATED', 'This API key was revoked');
    if (principal.expiresAt && principal.expiresAt <= this.#clock.now())
      throw new DomainError('UNAUTHENTICATED', 'This API key has expired');
    const policy = this.policyFor(principal.plan);
    const limit = await this.#limiter.take(
      `ratelimit:ws:${principal.workspaceId}`,
      revokedMarker(principal.keyId),
      {
        capacity: policy.burst,
        refillPerSecond: policy.perMinute / 60,
      },
    );
    if (limit.revoked) throw new DomainError('UNAUTHENTICATED', 'This API key was revoked');
    return { principal, limit, policy };
  }

  /** Forgets a cached key (this process revoked it; others rely on the marker). */
  forget() {
    this.#cache.clear();
  }
}
