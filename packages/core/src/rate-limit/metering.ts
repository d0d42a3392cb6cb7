// Metering of abuse-prone work (address checks: single, batch; see docs/api.md "Rate limits").
// A unit is one address checked. Every check costs one unit in the workspace's plan bucket (the same
// bucket /v1 requests draw from) AND one unit in the bucket of the workspace's account, so neither
// more workspaces nor the dashboard instead of an API key multiply the plan's limits. Both buckets are
// charged in one atomic step: all or nothing.
import { type EntityManager, Membership } from '@postern/db';
import type { AuthorizedRequest } from '../api-keys/authenticate.ts';
import type { CoreContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import type { BucketState, RateLimiter } from './token-bucket.ts';

export interface RatePolicy {
  perMinute: number;
  burst: number;
}

export const workspaceBucketKey = (workspaceId: string) => `ratelimit:ws:${workspaceId}`;
export const accountBucketKey = (accountId: string) => `ratelimit:acct:${accountId}`;

/**
 * The account a workspace's usage is charged to: its owner who has been a member longest (the
 * creator, unless they handed the workspace over). Null only for a workspace without an owner.
 */
export async function workspaceAccountId(em: EntityManager, workspaceId: string): Promise<string | null> {
  const owner = await em.findOne(
    Membership,
    { workspaceId, role: 'owner' },
    { orderBy: { createdAt: 'asc', id: 'asc' } },
  );
  return owner?.userId ?? null;
}

export interface MeterSubject {
  workspaceId: string;
  /** From `workspaceAccountId`; an ownerless workspace is its own account. */
  accountId: string | null;
  plan: string;
  policy: RatePolicy;
}

/**
 * When a bucket's quota is next worth asking for, in seconds: for a bucket that could not pay this
 * request, when it can (its Retry-After); otherwise when it is full again.
 */
const resetOf = (s: BucketState) =>
  s.retryAfterSeconds > 0 ? Math.max(1, s.retryAfterSeconds) : s.resetSeconds;

/**
 * Rate-limit headers naming each bucket (IETF draft structured fields, plus the X- headers). On a
 * refusal the reset (`t`, X-RateLimit-Reset) is the wait before the request can pass — the same number
 * as Retry-After — not the time until the bucket is full (docs/api.md "Rate limits").
 */
export function headerValues(policy: RatePolicy, scopes: [string, BucketState][]): Record<string, string> {
  const window = Math.round((policy.burst / policy.perMinute) * 60);
  const remaining = Math.min(...scopes.map(([, s]) => s.remaining));
  const refused = scopes.filter(([, s]) => s.retryAfterSeconds > 0);
  const reset = Math.max(...(refused.length ? refused : scopes).map(([, s]) => resetOf(s)));
  return {
    'ratelimit-policy': scopes.map(([name]) => `"${name}";q=${policy.burst};w=${window}`).join(', '),
    ratelimit: scopes.map(([name, s]) => `"${name}";r=${s.remaining};t=${resetOf(s)}`).join(', '),
    'x-ratelimit-limit': String(policy.burst),
    'x-ratelimit-remaining': String(Math.max(0, remaining)),
    'x-ratelimit-reset': String(reset),
  };
}

/**
 * Charges `addresses` units to the workspace's and the account's buckets (minus `alreadyCharged`
 * units the workspace paid for the request itself: a /v1 request costs one unit before its body is
 * read). `setHeaders` receives the rate-limit headers of both buckets, refused or not. Throws
 * RATE_LIMITED (details: retryAfterSeconds, scope) when either bucket is short; then nothing is taken.
 */
export async function chargeAddressChecks(
  limiter: RateLimiter,
  subject: MeterSubject,
  addresses: number,
  setHeaders: (headers: Record<string, string>) => void,
  alreadyCharged: { workspace: number; account: number } = { workspace: 0, account: 0 },
): Promise<void> {
  const account = subject.accountId ?? `workspace-${subject.workspaceId}`;
  const result = await limiter.takeAll(
    [
      {
        key: workspaceBucketKey(subject.workspaceId),
        cost: Math.max(0, addresses - alreadyCharged.workspace),
      },
      { key: accountBucketKey(account), cost: Math.max(0, addresses - alreadyCharged.account) },
    ],
    { capacity: subject.policy.burst, refillPerSecond: subject.policy.perMinute / 60 },
  );
  const [workspace, owner] = result.buckets as [BucketState, BucketState];
  setHeaders(
    headerValues(subject.policy, [
      ['workspace', workspace],
      ['account', owner],
    ]),
  );
  if (result.allowed) return;
  throw checksRefused(subject.plan, workspace, owner, addresses);
}

/** RATE_LIMITED for checks one of the two buckets could not pay, naming the bucket (details.scope). */
export function checksRefused(
  plan: string,
  workspace: BucketState,
  account: BucketState,
  addresses: number,
): DomainError {
  const scope = account.retryAfterSeconds > workspace.retryAfterSeconds ? 'account' : 'workspace';
  const retryAfterSeconds = Math.max(1, workspace.retryAfterSeconds, account.retryAfterSeconds);
  const what = addresses === 1 ? 'this check' : `these ${addresses} checks (one unit per address)`;
  return new DomainError(
    'RATE_LIMITED',
    scope === 'account'
      ? `The account that owns this workspace has used its ${plan} plan's checks for now (shared by all of its workspaces); ${what} can run in ${retryAfterSeconds} s`
      : `This workspace has used its ${plan} plan's rate limit for now; ${what} can run in ${retryAfterSeconds} s`,
    { retryAfterSeconds, scope },
  );
}

/**
 * `chargeAddressChecks` for a /v1 request: its first unit is already paid — in both buckets when the
 * gate authorised it as a check route (`authorize(key, { checks: true })`, one round trip for a
 * single check), else in the workspace's only.
 */
export async function chargeApiChecks(
  limiter: RateLimiter,
  auth: AuthorizedRequest,
  addresses: number,
  setHeaders: (headers: Record<string, string>) => void,
): Promise<void> {
  const { principal, policy } = auth;
  if (auth.checkBuckets && addresses <= 1) return;
  const subject = {
    workspaceId: principal.workspaceId,
    accountId: principal.accountId,
    plan: principal.plan,
    policy,
  };
  await chargeAddressChecks(limiter, subject, addresses, setHeaders, {
    workspace: 1,
    account: auth.checkBuckets ? 1 : 0,
  });
}

/** `chargeAddressChecks` for the dashboard (a signed-in member): the same buckets as the workspace's keys. */
export async function chargeWorkspaceChecks(
  ctx: Pick<CoreContext, 'em'>,
  limiter: RateLimiter,
  workspace: { id: string; plan: string },
  policy: RatePolicy,
  addresses: number,
  setHeaders: (headers: Record<string, string>) => void,
): Promise<void> {
  const accountId = await workspaceAccountId(ctx.em, workspace.id);
  const subject = { workspaceId: workspace.id, accountId, plan: workspace.plan, policy };
  await chargeAddressChecks(limiter, subject, addresses, setHeaders);
}
