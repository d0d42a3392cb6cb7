// The shapes of the API's answers, written out. The API answers with the zod schemas of
// @postern/contracts; the published declarations cannot refer to them (contracts is private and
// zod is no dependency of the SDK), so each type is spelled out here and test/types.test.ts checks
// that it is exactly the schema's output.
import type { ApiKeyScope, ErrorCode, VerdictReason } from '@postern/contracts/constants';

/** The plans of a workspace. */
export type Plan = 'starter' | 'professional' | 'business';

/** `standard`: syntax, DNS, lists. `enhanced`: also an SMTP probe of the mailbox. */
export type Depth = 'standard' | 'enhanced';

/** The one JSON shape of an API error. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  requestId?: string | undefined;
  /** One entry per problem field, for `VALIDATION_FAILED`. */
  issues?: { path: string; message: string }[] | undefined;
}

/** `GET /v1/me`: the workspace and the key a request is made with. */
export interface V1Me {
  workspace: { id: string; name: string; plan: Plan };
  /** `scopes`: what the key may do (`resource:action`, see API_KEY_SCOPES). */
  key: { id: string; name: string; displayPrefix: string; expiresAt: string | null; scopes: ApiKeyScope[] };
}

/** `GET /v1/usage`: the workspace's plan, limits, requests today and over the last 30 days. */
export interface V1Usage {
  plan: Plan;
  limits: { perMinute: number; burst: number };
  /** Tokens left in the bucket now. */
  remaining: number;
  today: { requests: number };
  last30Days: { day: string; requests: number }[];
}

/** A verdict status. */
export type VerdictStatus =
  | 'deliverable'
  | 'undeliverable'
  | 'catch_all'
  | 'risky'
  | 'do_not_mail'
  | 'unknown';

/** `POST /v1/validate`: the verdict for one address (the address itself is never stored). */
export interface ValidationResult {
  status: VerdictStatus;
  reason: string;
  action: 'accept' | 'accept_with_caution' | 'reject' | 'retry_later';
  /** The workspace's validation policy applied to this verdict (see `client.policy`). */
  policy_action: 'accept' | 'accept_with_caution' | 'reject' | 'retry_later';
  flags: {
    free_provider: boolean;
    role_account: boolean;
    disposable: boolean;
    catch_all: boolean;
    has_mx: boolean;
    implicit_mx: boolean;
    null_mx: boolean;
    smtputf8: boolean;
  };
  /** A corrected address ("ann@gmial.com" → "ann@gmail.com"), or null. */
  suggestion: string | null;
  retry_after_ms: number | null;
  depth: Depth;
  checks: {
    syntax: { valid: boolean; reason: string | null; smtputf8: boolean };
    dns: { outcome: string; mx_hosts: { host: string; priority: number }[]; ms: number } | null;
    smtp: {
      status: string;
      mx_host: string | null;
      reply_code: number | null;
      enhanced_code: string | null;
      message: string | null;
      starttls: boolean;
      /** With status `unknown`: why no MX host answered. */
      failure?: 'timeout' | 'connect' | 'tls' | 'session' | null | undefined;
      ms: number;
    } | null;
  };
  checked_at: string;
  cached: boolean;
}

/** `POST /v1/validate/batch`: up to 50 addresses, each with its verdict. */
export interface ValidationBatchResult {
  results: { email: string; result: ValidationResult }[];
}

/** The status of a job. */
export type BulkJobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
/** A result filter: a verdict status, `pending` (not checked yet) or `done` (any verdict). */
export type BulkResultFilter = VerdictStatus | 'pending' | 'done';
/** Download formats: `csv`, `json` or `ndjson`. */
export type BulkDownloadFormat = 'csv' | 'json' | 'ndjson';
/** Free-form metadata of a job: at most 20 keys, string/number/boolean/null values, 4 KiB as JSON. */
export type BulkMetadata = Record<string, string | number | boolean | null>;

/** Addresses per verdict status. */
export interface BulkCounts {
  deliverable: number;
  undeliverable: number;
  catch_all: number;
  risky: number;
  do_not_mail: number;
  unknown: number;
}

/** How the API read an uploaded list. */
export interface BulkJobSummary {
  format: 'csv' | 'tsv' | 'list' | 'json';
  delimiter: string | null;
  header: boolean;
  /** The header's row of the file (after leading blank lines it is not 1); absent on older jobs. */
  headerRow?: number | null | undefined;
  column: { index: number; name: string | null; detectedBy: 'option' | 'header' | 'content' };
  rowsRead: number;
  addresses: number;
  duplicates: number;
  /** Rows left out, per reason. */
  rejected: Record<string, number>;
  bytes: number;
}

/** A bulk verification job (`/v1/jobs`): status, progress, counts per verdict, extraction summary. */
export interface BulkJob {
  id: string;
  name: string | null;
  status: BulkJobStatus;
  depth: Depth;
  total: number;
  processed: number;
  /** 0–100, one decimal. */
  percent: number;
  counts: BulkCounts;
  summary: BulkJobSummary | null;
  metadata: BulkMetadata | null;
  /** Rounds of "retry unknown results" run so far. */
  retries: number;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  /** When the job and its results are purged (7 days after completion), null while it runs. */
  expiresAt: string | null;
  /** Seconds to completion estimated from the rate so far, null when unknown or finished. */
  etaSeconds: number | null;
  error: string | null;
}

/** `GET /v1/jobs`: a page of jobs, newest first, and the cursor of the next page (null at the end). */
export interface BulkJobList {
  jobs: BulkJob[];
  nextCursor: string | null;
}

/** One address of a job and its verdict (`result` is null while it is `pending`). */
export interface BulkResultItem {
  /** 1-based position among the job's verified addresses, in file order: not the file's row (the downloads' `row`). */
  seq: number;
  email: string;
  status: VerdictStatus | 'pending';
  result: ValidationResult | null;
}

/** `GET /v1/jobs/:id/results`: one page of items and the `after` of the next (null at the end). */
export interface BulkResultsPage {
  items: BulkResultItem[];
  nextAfter: number | null;
}

/** A `progress` (or the final `done`) event of `GET /v1/jobs/:id/events`. */
export type BulkProgressEvent = Pick<
  BulkJob,
  'id' | 'status' | 'total' | 'processed' | 'percent' | 'counts' | 'etaSeconds'
>;

/** One rule of a validation policy: every condition given must hold; a list matches any of its values. */
export interface PolicyRule {
  status?: VerdictStatus[] | undefined;
  reason?: VerdictReason[] | undefined;
  /** `typo_suggested`: the result carries a suggestion. */
  flags?:
    | {
        disposable?: boolean | undefined;
        role_account?: boolean | undefined;
        free_provider?: boolean | undefined;
        catch_all?: boolean | undefined;
        typo_suggested?: boolean | undefined;
      }
    | undefined;
  action: 'accept' | 'accept_with_caution' | 'reject';
}

/**
 * A workspace's validation policy: the first matching rule decides `policy_action`, else `default`
 * (`engine`: the engine's `action`). A `retry_later` verdict keeps it unless a rule names its status
 * or reason.
 */
export interface Policy {
  rules: PolicyRule[];
  default: 'engine' | 'accept' | 'accept_with_caution' | 'reject';
}

/** `GET`/`PUT /v1/policy`: the policy, and when and by whom it was saved (null for the default). */
export interface PolicyView extends Policy {
  updatedAt: string | null;
  updatedBy: string | null;
}
