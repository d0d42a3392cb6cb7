// Validation policies: per workspace, ordered rules that map a verdict's facts (status, reason, flags)
// to `accept`, `accept_with_caution` or `reject`, plus a default. A policy never changes a verdict: it
// adds `policy_action` beside the engine's `action` (packages/core/src/validation/policy.ts).
import { z } from 'zod';
import { VERDICT_STATUSES } from './constants/bulk.ts';
import {
  POLICY_MAX_RULES,
  POLICY_RULE_ACTIONS,
  POLICY_SAMPLE_MAX_BYTES,
  VERDICT_ACTIONS,
  VERDICT_REASONS,
} from './constants/policies.ts';
import { zText } from './text.ts';
import { ZWorkspaceScoped } from './workspaces.ts';

export const ZVerdictAction = z.enum(VERDICT_ACTIONS);
export const ZPolicyRuleAction = z.enum(POLICY_RULE_ACTIONS);
export type PolicyRuleAction = z.infer<typeof ZPolicyRuleAction>;
/** What a policy decides for one result: a rule's action, or the engine's `retry_later`. */
export type PolicyAction = z.infer<typeof ZVerdictAction>;

/** Every condition given must hold; a list matches any of its values. */
export const ZPolicyRule = z
  .object({
    status: z.array(z.enum(VERDICT_STATUSES)).min(1).max(VERDICT_STATUSES.length).optional(),
    reason: z.array(z.enum(VERDICT_REASONS)).min(1).max(VERDICT_REASONS.length).optional(),
    flags: z
      .object({
        disposable: z.boolean().optional(),
        role_account: z.boolean().optional(),
        free_provider: z.boolean().optional(),
        catch_all: z.boolean().optional(),
        typo_suggested: z.boolean().optional(),
      })
      .strict()
      .optional(),
    action: ZPolicyRuleAction,
  })
  .strict()
  .refine(
    (rule) =>
      rule.status !== undefined ||
      rule.reason !== undefined ||
      Object.values(rule.flags ?? {}).some((v) => v !== undefined),
    {
      message:
        'A rule needs at least one condition (a status, a reason or a flag); use the default for the rest',
    },
  );
export type PolicyRule = z.infer<typeof ZPolicyRule>;

/**
 * The first matching rule decides. `default` applies when none matches: `engine` keeps the engine's
 * action. A result the engine says to `retry_later` keeps it unless a rule names its status
 * (`unknown`) or its reason: neither flag-only rules nor the default turn a transient failure into a
 * verdict.
 */
export const ZPolicy = z
  .object({
    rules: z.array(ZPolicyRule).max(POLICY_MAX_RULES, `At most ${POLICY_MAX_RULES} rules`),
    default: z.enum(['engine', ...POLICY_RULE_ACTIONS]),
  })
  .strict();
export type Policy = z.infer<typeof ZPolicy>;

/** The stored policy: `updatedAt` and `updatedBy` are null while the workspace uses the default. */
export const ZPolicyView = ZPolicy.extend({
  updatedAt: z.iso.datetime().nullable(),
  updatedBy: z.string().nullable(),
});
export type PolicyView = z.infer<typeof ZPolicyView>;

export const ZPolicySetRequest = ZWorkspaceScoped.extend({ policy: ZPolicy });

export const ZPolicyDryRunSource = z.discriminatedUnion('kind', [
  /** The workspace's bulk results still within retention. */
  z.object({ kind: z.literal('results') }),
  /** A sample file (CSV, TSV or a plain list), checked in memory at depth `standard`; nothing stored. */
  z.object({
    kind: z.literal('sample'),
    fileBase64: zText()
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'The sample file must be base64')
      .max(Math.ceil((POLICY_SAMPLE_MAX_BYTES * 4) / 3) + 8, 'The sample file is too large (at most 256 KB)'),
    filename: zText().max(255).optional(),
  }),
]);

export const ZPolicyDryRunRequest = ZWorkspaceScoped.extend({
  policy: ZPolicy,
  source: ZPolicyDryRunSource,
  /** The changed-row sample's page (0-based). */
  page: z.number().int().min(0).max(10_000).default(0),
});

const ZActionCounts = z.object({
  accept: z.number().int(),
  accept_with_caution: z.number().int(),
  reject: z.number().int(),
  retry_later: z.number().int(),
});
export type PolicyActionCounts = z.infer<typeof ZActionCounts>;

export const ZPolicyDryRunRow = z.object({
  email: z.string(),
  /** The bulk job the result belongs to (null for a sample file). */
  jobId: z.string().nullable(),
  status: z.enum(VERDICT_STATUSES),
  reason: z.string(),
  before: ZVerdictAction,
  after: ZVerdictAction,
});
export type PolicyDryRunRow = z.infer<typeof ZPolicyDryRunRow>;

export const ZPolicyDryRunResult = z.object({
  /** Results looked at (every checked result of the source, up to the scan limit). */
  scanned: z.number().int(),
  /** True when the source held more results than the scan limit. */
  truncated: z.boolean(),
  /** `policy_action` counts under the stored policy and under the draft. */
  before: ZActionCounts,
  after: ZActionCounts,
  /** Results whose `policy_action` the draft changes. */
  changed: z.number().int(),
  rows: z.array(ZPolicyDryRunRow),
  /** The next page of changed rows, or null. */
  nextPage: z.number().int().nullable(),
});
export type PolicyDryRunResult = z.infer<typeof ZPolicyDryRunResult>;
