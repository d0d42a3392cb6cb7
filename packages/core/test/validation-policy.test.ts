// evaluatePolicy, the pure heart of validation policies: every fact a rule can test, rule order, the
// default, the retry_later rule, and that the default policy reproduces the engine's action exactly.
import {
  POLICY_FLAGS,
  type Policy,
  type PolicyRule,
  type ValidationVerdict,
  VERDICT_REASONS,
  VERDICT_STATUSES,
  ZPolicy,
  ZPolicyRule,
} from '@postern/contracts';
import { decide, REASONS } from '@postern/validator';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY,
  evaluatePolicy,
  type PolicyFacts,
  tallyDryRun,
  withPolicyAction,
} from '../src/index.ts';

const noFlags = { disposable: false, role_account: false, free_provider: false, catch_all: false };

function facts(over: Partial<Omit<PolicyFacts, 'flags'>> & { flags?: Partial<PolicyFacts['flags']> } = {}) {
  const { flags, ...rest } = over;
  return {
    status: 'deliverable',
    reason: 'mailbox_exists',
    action: 'accept',
    suggestion: null,
    ...rest,
    flags: { ...noFlags, ...flags },
  } as PolicyFacts;
}

const policy = (rules: PolicyRule[], fallback: Policy['default'] = 'engine'): Policy => ({
  rules,
  default: fallback,
});

describe('evaluatePolicy', () => {
  it('matches a rule on status (any of the listed statuses)', () => {
    const p = policy([{ status: ['catch_all', 'risky'], action: 'reject' }]);
    expect(
      evaluatePolicy(p, facts({ status: 'catch_all', reason: 'catch_all', action: 'accept_with_caution' })),
    ).toBe('reject');
    expect(
      evaluatePolicy(p, facts({ status: 'risky', reason: 'mailbox_full', action: 'accept_with_caution' })),
    ).toBe('reject');
    expect(evaluatePolicy(p, facts())).toBe('accept');
  });

  it('matches a rule on reason', () => {
    const p = policy([{ reason: ['mailbox_full'], action: 'reject' }]);
    expect(
      evaluatePolicy(p, facts({ status: 'risky', reason: 'mailbox_full', action: 'accept_with_caution' })),
    ).toBe('reject');
    expect(
      evaluatePolicy(p, facts({ status: 'risky', reason: 'possible_typo', action: 'accept_with_caution' })),
    ).toBe('accept_with_caution');
  });

  it.each([
    ['disposable', { flags: { disposable: true } }],
    ['role_account', { flags: { role_account: true } }],
    ['free_provider', { flags: { free_provider: true } }],
    ['catch_all', { flags: { catch_all: true } }],
    ['typo_suggested', { suggestion: 'ann@gmail.com' }],
  ] as const)('matches the %s flag, true and false', (flag, withFact) => {
    const when = (wanted: boolean) => policy([{ flags: { [flag]: wanted }, action: 'reject' }]);
    expect(evaluatePolicy(when(true), facts(withFact))).toBe('reject');
    expect(evaluatePolicy(when(true), facts())).toBe('accept');
    expect(evaluatePolicy(when(false), facts())).toBe('reject');
    expect(evaluatePolicy(when(false), facts(withFact))).toBe('accept');
  });

  it('covers every flag of the contract', () => {
    expect([...POLICY_FLAGS].sort()).toEqual(
      ['catch_all', 'disposable', 'free_provider', 'role_account', 'typo_suggested'].sort(),
    );
  });

  it('needs every condition of a rule', () => {
    const p = policy([
      { status: ['deliverable'], flags: { free_provider: true }, action: 'accept_with_caution' },
    ]);
    expect(evaluatePolicy(p, facts())).toBe('accept');
    expect(evaluatePolicy(p, facts({ flags: { free_provider: true } }))).toBe('accept_with_caution');
    expect(
      evaluatePolicy(p, facts({ status: 'risky', action: 'accept', flags: { free_provider: true } })),
    ).toBe('accept');
  });

  it('lets the first matching rule decide', () => {
    const p = policy([
      { flags: { role_account: true }, action: 'accept' },
      { status: ['risky'], action: 'reject' },
    ]);
    const role = facts({
      status: 'risky',
      reason: 'role_account',
      action: 'accept_with_caution',
      flags: { role_account: true },
    });
    expect(evaluatePolicy(p, role)).toBe('accept');
    expect(evaluatePolicy(policy([...p.rules].reverse()), role)).toBe('reject');
  });

  it('falls back to the default, or to the engine with `engine`', () => {
    const risky = facts({ status: 'risky', reason: 'mailbox_full', action: 'accept_with_caution' });
    expect(evaluatePolicy(policy([], 'engine'), risky)).toBe('accept_with_caution');
    expect(evaluatePolicy(policy([], 'reject'), risky)).toBe('reject');
    expect(evaluatePolicy(policy([], 'accept'), facts({ status: 'undeliverable', action: 'reject' }))).toBe(
      'accept',
    );
  });

  it('keeps retry_later unless a rule names the status or the reason', () => {
    const transient = facts({
      status: 'unknown',
      reason: 'smtp_timeout',
      action: 'retry_later',
      flags: { free_provider: true },
    });
    expect(evaluatePolicy(policy([], 'reject'), transient)).toBe('retry_later');
    expect(evaluatePolicy(policy([{ flags: { free_provider: true }, action: 'accept' }]), transient)).toBe(
      'retry_later',
    );
    expect(evaluatePolicy(policy([{ status: ['unknown'], action: 'reject' }]), transient)).toBe('reject');
    expect(
      evaluatePolicy(policy([{ reason: ['smtp_timeout'], action: 'accept_with_caution' }]), transient),
    ).toBe('accept_with_caution');
    // A named status or reason that does not match leaves it alone too.
    expect(evaluatePolicy(policy([{ reason: ['greylisted'], action: 'reject' }], 'accept'), transient)).toBe(
      'retry_later',
    );
  });
});

describe('the default policy', () => {
  const everyEvidence = () => {
    const verdicts = [];
    const syntaxOk = {
      valid: true,
      local: 'ann',
      domain: 'example.com',
      ascii: 'ann@example.com',
      smtputf8: false,
    };
    const dnsOf = (status: string) => ({
      outcome: { status, hosts: [{ exchange: 'mx', priority: 1 }] },
      ms: 1,
    });
    const smtpOf = (status: string) => ({
      status,
      catchAll: false,
      retryAfterMs: null,
      evidence: { failure: 'timeout' },
    });
    const lists = (o: Record<string, unknown> = {}) => ({
      freeProvider: false,
      roleAccount: false,
      disposable: false,
      suggestion: null,
      ...o,
    });
    verdicts.push(
      decide({ syntax: { valid: false, reason: 'empty' }, dns: null, smtp: null, lists: lists() } as never),
    );
    for (const dns of ['mx', 'nxdomain', 'null_mx', 'no_mail_host', 'servfail', 'timeout']) {
      for (const smtp of [
        null,
        'accepted',
        'mailbox_not_found',
        'mailbox_full',
        'greylisted',
        'blocked',
        'unknown',
        'catch_all',
        'smtputf8_unsupported',
      ]) {
        for (const l of [
          lists(),
          lists({ roleAccount: true }),
          lists({ disposable: true }),
          lists({ suggestion: 'gmail.com' }),
          lists({ freeProvider: true }),
        ]) {
          verdicts.push(
            decide({
              syntax: syntaxOk,
              dns: dnsOf(dns),
              smtp: smtp ? smtpOf(smtp) : null,
              lists: l,
              resolverHealthy: true,
            } as never),
          );
        }
      }
    }
    return verdicts;
  };

  it('reproduces the engine action for every verdict the engine can give', () => {
    const verdicts = everyEvidence();
    expect(new Set(verdicts.map((v) => v.reason)).size).toBeGreaterThan(15);
    for (const v of verdicts) expect(evaluatePolicy(DEFAULT_POLICY, v), v.reason).toBe(v.action);
  });

  it('spells out role accounts as accept_with_caution, which a workspace may change to accept', () => {
    const role = facts({
      status: 'risky',
      reason: 'role_account',
      action: 'accept_with_caution',
      flags: { role_account: true },
    });
    expect(evaluatePolicy(DEFAULT_POLICY, role)).toBe('accept_with_caution');
    const accepting = policy([{ reason: ['role_account'], action: 'accept' }]);
    expect(evaluatePolicy(accepting, role)).toBe('accept');
    expect(ZPolicy.parse(DEFAULT_POLICY)).toEqual(DEFAULT_POLICY);
  });

  it('lists the engine reasons and statuses the contract offers', () => {
    expect([...VERDICT_REASONS]).toEqual([...REASONS]);
    expect(VERDICT_STATUSES).toHaveLength(6);
  });
});

describe('the policy contract', () => {
  it('refuses a rule without any condition, and unknown fields', () => {
    expect(ZPolicyRule.safeParse({ action: 'reject' }).success).toBe(false);
    expect(ZPolicyRule.safeParse({ flags: {}, action: 'reject' }).success).toBe(false);
    expect(ZPolicyRule.safeParse({ status: ['risky'], action: 'retry_later' }).success).toBe(false);
    expect(ZPolicyRule.safeParse({ status: ['risky'], action: 'reject', extra: 1 }).success).toBe(false);
    expect(ZPolicyRule.safeParse({ reason: ['no_such_reason'], action: 'reject' }).success).toBe(false);
    expect(ZPolicy.safeParse({ rules: [], default: 'retry_later' }).success).toBe(false);
    const many = Array.from({ length: 51 }, () => ({ status: ['risky'], action: 'reject' }));
    expect(ZPolicy.safeParse({ rules: many, default: 'engine' }).success).toBe(false);
  });
});

describe('withPolicyAction', () => {
  it('adds policy_action beside the action and changes nothing else, even over a stored one', () => {
    const verdict = {
      ...facts({
        status: 'risky',
        reason: 'role_account',
        action: 'accept_with_caution',
        flags: { role_account: true },
      }),
      policy_action: 'reject',
    } as unknown as ValidationVerdict;
    const result = withPolicyAction(policy([{ reason: ['role_account'], action: 'accept' }]), verdict);
    expect(result).toEqual({ ...verdict, policy_action: 'accept' });
    expect(Object.keys(result).slice(0, 4)).toEqual(['status', 'reason', 'action', 'policy_action']);
  });
});

describe('tallyDryRun', () => {
  const items = Array.from({ length: 7 }, (_, i) => ({
    email: `r${i}@example.com`,
    jobId: null,
    verdict: facts({
      status: 'risky',
      reason: 'role_account',
      action: 'accept_with_caution',
      flags: { role_account: true },
    }),
  }));
  const accepting = policy([{ reason: ['role_account'], action: 'accept' }]);

  it('counts before and after and pages the changed rows', async () => {
    const all = [...items, { email: 'ok@example.com', jobId: null, verdict: facts() }];
    const first = await tallyDryRun(DEFAULT_POLICY, accepting, all, { page: 0, pageSize: 3, max: 100 });
    expect(first).toMatchObject({ scanned: 8, truncated: false, changed: 7, nextPage: 1 });
    expect(first.before).toEqual({ accept: 1, accept_with_caution: 7, reject: 0, retry_later: 0 });
    expect(first.after).toEqual({ accept: 8, accept_with_caution: 0, reject: 0, retry_later: 0 });
    expect(first.rows.map((r) => r.email)).toEqual(['r0@example.com', 'r1@example.com', 'r2@example.com']);
    expect(first.rows[0]).toMatchObject({ before: 'accept_with_caution', after: 'accept', status: 'risky' });
    const last = await tallyDryRun(DEFAULT_POLICY, accepting, all, { page: 2, pageSize: 3, max: 100 });
    expect(last.rows.map((r) => r.email)).toEqual(['r6@example.com']);
    expect(last.nextPage).toBeNull();
  });

  it('stops at the scan limit and says so', async () => {
    const capped = await tallyDryRun(DEFAULT_POLICY, accepting, items, { page: 0, pageSize: 50, max: 5 });
    expect(capped).toMatchObject({ scanned: 5, truncated: true, changed: 5 });
  });
});
