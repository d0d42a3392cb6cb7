import { type Policy, ZPolicy } from '@postern/contracts';
import { VERDICT_REASONS } from '@postern/contracts/constants';
import { describe, expect, it } from 'vitest';
import { REASON_INFO } from '../check/explain.ts';
import {
  countRows,
  describeRule,
  draftOf,
  draftProblems,
  draftRule,
  moveRule,
  policyOf,
  sameDraft,
} from './policy-model.ts';

const policy: Policy = {
  rules: [
    { reason: ['role_account'], action: 'accept' },
    { status: ['catch_all', 'risky'], flags: { free_provider: true, disposable: false }, action: 'reject' },
  ],
  default: 'engine',
};

describe('the policy draft', () => {
  it('round-trips a policy through the form without loss', () => {
    const draft = draftOf(policy);
    expect(draft.rules[1]?.flags.sort()).toEqual(['disposable:false', 'free_provider:true']);
    expect(ZPolicy.parse(policyOf(draft))).toEqual(policy);
    expect(sameDraft(draft, draftOf(policy))).toBe(true);
  });

  it('notices a change, and keeps statuses in their canonical order', () => {
    const draft = draftOf(policy);
    const changed = { ...draft, fallback: 'reject' as const };
    expect(sameDraft(draft, changed)).toBe(false);
    const rule = draftRule({ status: ['risky', 'catch_all'], action: 'reject' });
    expect(policyOf({ rules: [rule], fallback: 'engine' }).rules[0]?.status).toEqual(['catch_all', 'risky']);
  });

  it('names what keeps a draft from being saved', () => {
    expect(draftProblems(draftOf(policy))).toEqual([]);
    const empty = draftRule();
    const both = draftRule({ flags: ['role_account:true', 'role_account:false'] });
    expect(draftProblems({ rules: [empty, both], fallback: 'engine' })).toEqual([
      'Rule 1 needs at least one condition (a status, a reason or a flag).',
      'Rule 2 asks for both “Role account” and “Not a role account”.',
    ]);
    // What the form refuses, the API refuses too.
    expect(ZPolicy.safeParse(policyOf({ rules: [empty], fallback: 'engine' })).success).toBe(false);
  });

  it('reads a rule aloud', () => {
    const [first, second] = draftOf(policy).rules;
    expect(describeRule(first as never)).toMatch(/^When the reason is .+ → Accept$/);
    expect(describeRule(second as never)).toMatch(
      /status is .+ or .+ and it is not a disposable domain and free provider → Reject$/,
    );
    expect(describeRule(draftRule())).toBe('When (no condition yet) → Accept with caution');
  });

  it('moves rules within bounds', () => {
    const rules = draftOf(policy).rules;
    expect(moveRule(rules, 0, 1).map((r) => r.action)).toEqual(['reject', 'accept']);
    expect(moveRule(rules, 0, -1)).toBe(rules);
    expect(moveRule(rules, 1, 1)).toBe(rules);
  });

  it('labels every reason a rule can name', () => {
    for (const reason of VERDICT_REASONS) expect(Object.hasOwn(REASON_INFO, reason), reason).toBe(true);
  });
});

describe('the dry-run counts', () => {
  it('gives one row per action with the change', () => {
    const rows = countRows({
      before: { accept: 1, accept_with_caution: 5, reject: 2, retry_later: 1 },
      after: { accept: 6, accept_with_caution: 0, reject: 2, retry_later: 1 },
    });
    expect(rows.map((r) => [r.id, r.delta])).toEqual([
      ['accept', 5],
      ['accept_with_caution', -5],
      ['reject', 0],
      ['retry_later', 0],
    ]);
  });
});
