// Validation policies (zod-free): the verdict facts a rule can test and the actions it can choose.

/** The engine's reasons (packages/validator REASONS; a core test keeps the two lists equal). */
export const VERDICT_REASONS = [
  'mailbox_exists',
  'mail_host_found',
  'invalid_syntax',
  'domain_not_found',
  'null_mx',
  'no_mail_host',
  'mailbox_not_found',
  'mailbox_full',
  'catch_all',
  'disposable_domain',
  'role_account',
  'possible_typo',
  'greylisted',
  'blocked_by_server',
  'smtputf8_unsupported',
  'dns_error',
  'smtp_timeout',
  'smtp_connect_failed',
  'smtp_unavailable',
] as const;
export type VerdictReason = (typeof VERDICT_REASONS)[number];

/** Every action a result can carry (the engine's `action`, and `policy_action`). */
export const VERDICT_ACTIONS = ['accept', 'accept_with_caution', 'reject', 'retry_later'] as const;
/** What a policy rule (or its default) may choose. `retry_later` is the engine's alone. */
export const POLICY_RULE_ACTIONS = ['accept', 'accept_with_caution', 'reject'] as const;
/** The facts a rule can require, true or false. `typo_suggested`: the result carries a suggestion. */
export const POLICY_FLAGS = [
  'disposable',
  'role_account',
  'free_provider',
  'catch_all',
  'typo_suggested',
] as const;
export type PolicyFlag = (typeof POLICY_FLAGS)[number];
/** Rules per policy. */
export const POLICY_MAX_RULES = 50;
/** Rows of a dry run's changed-row sample per page. */
export const POLICY_DRY_RUN_PAGE = 50;
/** Data rows of an uploaded sample file a dry run checks (metered like single checks). */
export const POLICY_SAMPLE_MAX_ROWS = 200;
/** The sample file's size limit (base64-encoded in the request). */
export const POLICY_SAMPLE_MAX_BYTES = 256 * 1024;
