// The policy editor's model (pure: testable): a draft of rules as the form holds them, to and from
// the API's Policy, its problems in words, a rule read aloud, and the dry run's count table.
import type { Policy, PolicyDryRunResult, PolicyRule, PolicyRuleAction } from '@postern/contracts';
import {
  POLICY_FLAGS,
  POLICY_MAX_RULES,
  type PolicyFlag,
  VERDICT_REASONS,
  VERDICT_STATUSES,
  type VerdictReason,
  type VerdictStatus,
} from '@postern/contracts/constants';
import { ACTION_INFO, isKnownReason, REASON_INFO, STATUS_INFO } from '../check/explain.ts';

export type PolicyDefault = Policy['default'];
/** One flag condition as a <select> option value: `role_account:true`. */
export type FlagChoice = `${PolicyFlag}:${'true' | 'false'}`;

export interface DraftRule {
  /** React key (not sent). */
  key: string;
  status: VerdictStatus[];
  reason: VerdictReason[];
  flags: FlagChoice[];
  action: PolicyRuleAction;
}

export interface Draft {
  rules: DraftRule[];
  fallback: PolicyDefault;
}

export const MAX_RULES = POLICY_MAX_RULES;
export const STATUSES = VERDICT_STATUSES;
export const REASONS = VERDICT_REASONS;
export const RULE_ACTIONS: readonly PolicyRuleAction[] = ['accept', 'accept_with_caution', 'reject'];

export const FLAG_LABELS: Record<PolicyFlag, { yes: string; no: string }> = {
  disposable: { yes: 'Disposable domain', no: 'Not a disposable domain' },
  role_account: { yes: 'Role account', no: 'Not a role account' },
  free_provider: { yes: 'Free provider', no: 'Not a free provider' },
  catch_all: { yes: 'Catch-all domain', no: 'Not a catch-all domain' },
  typo_suggested: { yes: 'Typo suggested', no: 'No typo suggested' },
};

export const FLAG_CHOICES: { value: FlagChoice; label: string }[] = POLICY_FLAGS.flatMap((flag) => [
  { value: `${flag}:true` as const, label: FLAG_LABELS[flag].yes },
  { value: `${flag}:false` as const, label: FLAG_LABELS[flag].no },
]);

export const DEFAULT_LABELS: Record<PolicyDefault, string> = {
  engine: "Postern's recommended action",
  accept: ACTION_INFO.accept.label,
  accept_with_caution: ACTION_INFO.accept_with_caution.label,
  reject: ACTION_INFO.reject.label,
};

export const statusLabel = (status: VerdictStatus) => STATUS_INFO[status].label;
export const reasonLabel = (reason: string) => (isKnownReason(reason) ? REASON_INFO[reason].title : reason);
export const actionLabel = (action: keyof typeof ACTION_INFO) => ACTION_INFO[action].label;

/** The conditions of a rule, as the editor offers them (none picked: any). */
export const CONDITIONS: readonly {
  key: 'status' | 'reason' | 'flags';
  label: string;
  hint: string;
  options: readonly { value: string; label: string }[];
}[] = [
  {
    key: 'status',
    label: 'Status is any of',
    hint: 'None picked: any status. Ctrl/⌘-click picks several.',
    options: STATUSES.map((value) => ({ value, label: statusLabel(value) })),
  },
  {
    key: 'reason',
    label: 'Reason is any of',
    hint: 'None picked: any reason. Ctrl/⌘-click picks several.',
    options: REASONS.map((value) => ({ value, label: reasonLabel(value) })),
  },
  { key: 'flags', label: 'And it is', hint: 'Every fact picked must hold.', options: FLAG_CHOICES },
];

let keys = 0;
const nextKey = () => `rule-${++keys}`;

export function draftRule(from: Partial<Omit<DraftRule, 'key'>> = {}): DraftRule {
  return { key: nextKey(), status: [], reason: [], flags: [], action: 'accept_with_caution', ...from };
}

export function draftOf(policy: Policy): Draft {
  return {
    fallback: policy.default,
    rules: policy.rules.map((rule) =>
      draftRule({
        status: [...(rule.status ?? [])],
        reason: [...(rule.reason ?? [])],
        flags: POLICY_FLAGS.flatMap((flag) => {
          const wanted = rule.flags?.[flag];
          return wanted === undefined ? [] : [`${flag}:${wanted}` as FlagChoice];
        }),
        action: rule.action,
      }),
    ),
  };
}

function ruleOf(rule: DraftRule): PolicyRule {
  const out: PolicyRule = { action: rule.action };
  if (rule.status.length) out.status = STATUSES.filter((s) => rule.status.includes(s));
  if (rule.reason.length) out.reason = REASONS.filter((r) => rule.reason.includes(r));
  if (rule.flags.length) {
    const flags: NonNullable<PolicyRule['flags']> = {};
    for (const choice of rule.flags) {
      const [flag, wanted] = choice.split(':') as [PolicyFlag, 'true' | 'false'];
      flags[flag] = wanted === 'true';
    }
    out.flags = flags;
  }
  return out;
}

export function policyOf(draft: Draft): Policy {
  return { rules: draft.rules.map(ruleOf), default: draft.fallback };
}

export const sameDraft = (a: Draft, b: Draft) => JSON.stringify(policyOf(a)) === JSON.stringify(policyOf(b));

/** What keeps the draft from being saved, in words ("Rule 2: …"); empty when it can be. */
export function draftProblems(draft: Draft): string[] {
  const problems: string[] = [];
  if (draft.rules.length > MAX_RULES) problems.push(`A policy holds at most ${MAX_RULES} rules.`);
  draft.rules.forEach((rule, i) => {
    const name = `Rule ${i + 1}`;
    if (!rule.status.length && !rule.reason.length && !rule.flags.length) {
      problems.push(`${name} needs at least one condition (a status, a reason or a flag).`);
    }
    for (const flag of POLICY_FLAGS) {
      if (rule.flags.includes(`${flag}:true`) && rule.flags.includes(`${flag}:false`)) {
        problems.push(`${name} asks for both “${FLAG_LABELS[flag].yes}” and “${FLAG_LABELS[flag].no}”.`);
      }
    }
  });
  return problems;
}

function anyOf(values: string[]): string {
  if (values.length <= 1) return values[0] ?? '';
  return `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}

/** "When the status is Risky and the reason is Role account → Accept". */
export function describeRule(rule: DraftRule): string {
  const parts: string[] = [];
  if (rule.status.length) parts.push(`the status is ${anyOf(rule.status.map(statusLabel))}`);
  if (rule.reason.length) parts.push(`the reason is ${anyOf(rule.reason.map(reasonLabel))}`);
  if (rule.flags.length) {
    const labels = rule.flags.map((choice) => FLAG_CHOICES.find((c) => c.value === choice)?.label ?? choice);
    parts.push(`it is ${labels.map((l) => l.toLowerCase()).join(' and ')}`);
  }
  const when = parts.length ? `When ${parts.join(' and ')}` : 'When (no condition yet)';
  return `${when} → ${actionLabel(rule.action)}`;
}

export function moveRule(rules: DraftRule[], index: number, delta: -1 | 1): DraftRule[] {
  const to = index + delta;
  if (to < 0 || to >= rules.length) return rules;
  const next = [...rules];
  const [moved] = next.splice(index, 1);
  if (moved) next.splice(to, 0, moved);
  return next;
}

export interface CountRow {
  id: keyof PolicyDryRunResult['before'];
  label: string;
  before: number;
  after: number;
  delta: number;
}

/** One row per action: how many results had it under the saved policy and would under the draft. */
export function countRows(result: Pick<PolicyDryRunResult, 'before' | 'after'>): CountRow[] {
  const ids = ['accept', 'accept_with_caution', 'reject', 'retry_later'] as const;
  return ids.map((id) => ({
    id,
    label: actionLabel(id),
    before: result.before[id],
    after: result.after[id],
    delta: result.after[id] - result.before[id],
  }));
}
