// Validation policies: per workspace, ordered rules that map a verdict's facts (status, reason, flags)
// to accept / accept_with_caution / reject, plus a default. A policy never changes a verdict: it adds
// `policy_action` beside the engine's `action`, at the moment a result is shown (single check, /v1,
// bulk results and downloads), so a saved policy applies to results already stored too.
//
// Seam for the other surfaces: stored results (the check cache, bulk chunks) are ValidationVerdicts
// (no `policy_action`); load the workspace's policy once per request or download (`loadPolicy`, or
// `cachedPolicy` on a hot path) and turn each verdict into a result with `withPolicyAction`.

import { LockMode } from '@mikro-orm/core';
import {
  type Policy,
  type PolicyAction,
  type PolicyFlag,
  type PolicyRule,
  type PolicyView,
  type ValidationResult,
  type ValidationVerdict,
  ZPolicy,
} from '@postern/contracts';
import { type EntityManager, ValidationPolicy } from '@postern/db';
import { recordAudit } from '../audit/record.ts';
import { actorUserId, type CoreContext } from '../context.ts';
import { DomainError } from '../errors.ts';

/**
 * Today's behaviour: the engine's action, with role accounts (`risky` / `role_account`) spelled out
 * as a rule so a workspace can choose to accept them.
 */
export const DEFAULT_POLICY: Policy = Object.freeze({
  rules: Object.freeze([
    Object.freeze({ reason: Object.freeze(['role_account']), action: 'accept_with_caution' }),
  ]),
  default: 'engine',
}) as unknown as Policy;

/** The facts of a verdict a policy reads. */
export type PolicyFacts = Pick<ValidationVerdict, 'status' | 'reason' | 'action' | 'suggestion'> & {
  flags: Pick<ValidationVerdict['flags'], 'disposable' | 'role_account' | 'free_provider' | 'catch_all'>;
};

function fact(verdict: PolicyFacts, flag: PolicyFlag): boolean {
  return flag === 'typo_suggested' ? verdict.suggestion !== null : verdict.flags[flag];
}

function matches(rule: PolicyRule, verdict: PolicyFacts): boolean {
  if (rule.status && !rule.status.includes(verdict.status)) return false;
  if (rule.reason && !(rule.reason as readonly string[]).includes(verdict.reason)) return false;
  for (const [flag, wanted] of Object.entries(rule.flags ?? {})) {
    if (wanted !== undefined && fact(verdict, flag as PolicyFlag) !== wanted) return false;
  }
  return true;
}

/**
 * The action `policy` takes on `verdict` (pure): the first matching rule's, else the default's
 * (`engine`: the engine's action). A `retry_later` verdict (a transient failure) stays `retry_later`
 * unless a rule that names its status or its reason matches: flag-only rules and the default never
 * turn "we could not tell yet" into a decision.
 */
export function evaluatePolicy(policy: Policy, verdict: PolicyFacts): PolicyAction {
  const transient = verdict.action === 'retry_later';
  for (const rule of policy.rules) {
    if (transient && rule.status === undefined && rule.reason === undefined) continue;
    if (matches(rule, verdict)) return rule.action;
  }
  if (transient || policy.default === 'engine') return verdict.action;
  return policy.default;
}

/** A stored verdict as shown to the workspace: `policy_action` added beside `action`. */
export function withPolicyAction(policy: Policy, verdict: ValidationVerdict): ValidationResult {
  // A result stored with a policy_action (bulk jobs store the default policy's: see
  // shapeValidationResult) gets the workspace's current one.
  const {
    status,
    reason,
    action,
    policy_action: _stored,
    ...rest
  } = verdict as ValidationVerdict & {
    policy_action?: unknown;
  };
  return { status, reason, action, policy_action: evaluatePolicy(policy, verdict), ...rest };
}

async function storedPolicy(em: EntityManager, workspaceId: string) {
  return em.findOne(ValidationPolicy, { workspace: workspaceId }, { disableIdentityMap: true });
}

function viewOf(row: ValidationPolicy | null): PolicyView {
  if (!row) return { ...DEFAULT_POLICY, updatedAt: null, updatedBy: null };
  return {
    ...ZPolicy.parse(row.rules),
    updatedAt: row.updatedAt.toISOString(),
    updatedBy: row.updatedBy ?? null,
  };
}

/** The workspace's policy as stored (DEFAULT_POLICY when it never saved one), read now. */
export async function loadPolicy(ctx: Pick<CoreContext, 'em'>, workspaceId: string): Promise<Policy> {
  const { rules, default: fallback } = viewOf(await storedPolicy(ctx.em, workspaceId));
  return { rules, default: fallback };
}

/** The policy with when and by whom it was saved (the dashboard and GET /v1/policy). */
export async function getPolicyView(ctx: Pick<CoreContext, 'em'>, workspaceId: string): Promise<PolicyView> {
  return viewOf(await storedPolicy(ctx.em, workspaceId));
}

/** How long a process reuses a workspace's policy on the check path (a save here clears it at once). */
export const POLICY_CACHE_MS = 5_000;
const POLICY_CACHE_MAX = 10_000;
const policyCache = new Map<string, { until: number; policy: Promise<Policy> }>();

/**
 * loadPolicy for the single-check hot path: kept in process for POLICY_CACHE_MS, so a check costs no
 * database round trip (concurrent misses share one read); a policy saved in another process applies
 * here within that time.
 */
export function cachedPolicy(ctx: Pick<CoreContext, 'em'>, workspaceId: string): Promise<Policy> {
  const now = Date.now();
  const hit = policyCache.get(workspaceId);
  if (hit && hit.until > now) return hit.policy;
  const policy = loadPolicy(ctx, workspaceId);
  if (policyCache.size >= POLICY_CACHE_MAX) policyCache.clear();
  policyCache.set(workspaceId, { until: now + POLICY_CACHE_MS, policy });
  // A failed read is not kept: the next check asks again.
  policy.catch(() => {
    if (policyCache.get(workspaceId)?.policy === policy) policyCache.delete(workspaceId);
  });
  return policy;
}

/**
 * Saves the workspace's policy (the caller has checked the permission) and audits it with the
 * policy before and after. Returns the stored view.
 */
export async function savePolicy(ctx: CoreContext, workspaceId: string, input: Policy): Promise<PolicyView> {
  const policy = ZPolicy.parse(input);
  const now = ctx.clock.now();
  const by = actorUserId(ctx);
  try {
    await ctx.em.transactional(async (em) => {
      const row = await em.findOne(
        ValidationPolicy,
        { workspace: workspaceId },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      const before = viewOf(row);
      if (row) em.assign(row, { rules: policy, updatedAt: now, updatedBy: by });
      else
        em.create(ValidationPolicy, { workspace: workspaceId, rules: policy, updatedAt: now, updatedBy: by });
      recordAudit(em, ctx.clock, {
        type: 'policy.updated',
        actorId: by,
        workspaceId,
        target: { type: 'validation_policy', id: workspaceId },
        meta: ctx.meta,
        metadata: {
          before: { rules: before.rules, default: before.default },
          after: policy,
          ...(ctx.actor?.kind === 'api_key' ? { apiKeyId: ctx.actor.keyId } : {}),
        },
      });
    });
  } catch (error) {
    if ((error as { name?: string }).name === 'UniqueConstraintViolationException') {
      throw new DomainError(
        'CONFLICT',
        'Someone else saved the policy at the same moment; reload it and save again',
      );
    }
    throw error;
  }
  policyCache.delete(workspaceId);
  return getPolicyView(ctx, workspaceId);
}
