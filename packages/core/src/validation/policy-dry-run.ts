// A policy's dry run: what a draft would do, against the stored policy, to the workspace's bulk results
// still within retention, or to a sample file's addresses checked in memory. Nothing is written.
import { Readable } from 'node:stream';
import {
  POLICY_DRY_RUN_PAGE,
  POLICY_SAMPLE_MAX_BYTES,
  POLICY_SAMPLE_MAX_ROWS,
  type Policy,
  type PolicyActionCounts,
  type PolicyDryRunResult,
  type PolicyDryRunRow,
} from '@postern/contracts';
import { readBulkResults } from '../bulk/read.ts';
import type { CoreContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { extractAddresses } from '../ingest/extract.ts';
import { evaluatePolicy, loadPolicy, type PolicyFacts } from './policy.ts';
import { checkAddress, type SingleCheckEngine } from './single-check.ts';

/** Results a dry run over bulk results looks at (newest jobs first); beyond, `truncated` is set. */
export const POLICY_DRY_RUN_MAX_RESULTS = 100_000;
const READ_PAGE = 1000;

/** One verdict of a dry run's source. */
export interface DryRunItem {
  email: string;
  jobId: string | null;
  verdict: PolicyFacts;
}

const zeroCounts = (): PolicyActionCounts => ({
  accept: 0,
  accept_with_caution: 0,
  reject: 0,
  retry_later: 0,
});

/**
 * Tallies `items` (at most `max`) under the stored and the draft policy; keeps the changed rows of
 * page `page` (`pageSize` per page).
 */
export async function tallyDryRun(
  stored: Policy,
  draft: Policy,
  items: AsyncIterable<DryRunItem> | Iterable<DryRunItem>,
  options: { page: number; pageSize: number; max: number },
): Promise<PolicyDryRunResult> {
  const before = zeroCounts();
  const after = zeroCounts();
  const rows: PolicyDryRunRow[] = [];
  const first = options.page * options.pageSize;
  let scanned = 0;
  let changed = 0;
  let truncated = false;
  for await (const item of items) {
    if (scanned === options.max) {
      truncated = true;
      break;
    }
    scanned++;
    const was = evaluatePolicy(stored, item.verdict);
    const will = evaluatePolicy(draft, item.verdict);
    before[was]++;
    after[will]++;
    if (was === will) continue;
    if (changed >= first && changed - first < options.pageSize) {
      const { status, reason } = item.verdict;
      rows.push({ email: item.email, jobId: item.jobId, status, reason, before: was, after: will });
    }
    changed++;
  }
  const nextPage = changed > first + options.pageSize ? options.page + 1 : null;
  return { scanned, truncated, before, after, changed, rows, nextPage };
}

async function* retainedResults(
  ctx: Pick<CoreContext, 'em' | 'keyring' | 'clock'>,
  workspaceId: string,
): AsyncGenerator<DryRunItem> {
  const jobs = (await ctx.em.getConnection().execute(
    `select id from bulk_job where workspace_id = ? and (expires_at is null or expires_at > ?)
         order by created_at desc, id`,
    [workspaceId, ctx.clock.now()],
    'all',
  )) as { id: string }[];
  for (const { id } of jobs) {
    let after = 0;
    for (;;) {
      const page = await readBulkResults({ em: ctx.em.fork(), keyring: ctx.keyring }, workspaceId, id, {
        status: 'done',
        afterSeq: after,
        limit: READ_PAGE,
      });
      for (const row of page.items) {
        if (row.result) yield { email: row.email, jobId: id, verdict: row.result };
      }
      if (page.nextAfterSeq === null) break;
      after = page.nextAfterSeq;
    }
  }
}

/** The draft against the stored policy over the workspace's bulk results still within retention. */
export async function dryRunOnResults(
  ctx: Pick<CoreContext, 'em' | 'keyring' | 'clock'>,
  workspaceId: string,
  draft: Policy,
  page: number,
): Promise<PolicyDryRunResult> {
  const stored = await loadPolicy(ctx, workspaceId);
  return tallyDryRun(stored, draft, retainedResults(ctx, workspaceId), {
    page,
    pageSize: POLICY_DRY_RUN_PAGE,
    max: POLICY_DRY_RUN_MAX_RESULTS,
  });
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The sample file of a dry-run request (base64), or VALIDATION_FAILED / PAYLOAD_TOO_LARGE. */
export function decodeSampleFile(fileBase64: string): Buffer {
  const text = fileBase64.replace(/\s+/g, '');
  if (!BASE64.test(text)) throw new DomainError('VALIDATION_FAILED', 'fileBase64: is not base64');
  const file = Buffer.from(text, 'base64');
  if (file.length === 0) throw new DomainError('VALIDATION_FAILED', 'The sample file is empty');
  if (file.length > POLICY_SAMPLE_MAX_BYTES) {
    throw new DomainError(
      'PAYLOAD_TOO_LARGE',
      `The sample file is too large (at most ${POLICY_SAMPLE_MAX_BYTES / 1024} KB); a few hundred rows are enough`,
    );
  }
  return file;
}

/**
 * A sample file's unique valid addresses (CSV, TSV or a plain list, parsed like an upload), at most
 * POLICY_SAMPLE_MAX_ROWS data rows and POLICY_SAMPLE_MAX_BYTES; held in memory only.
 */
export async function sampleAddresses(file: Buffer): Promise<string[]> {
  const addresses: string[] = [];
  await extractAddresses(Readable.from([file]), {
    maxBytes: POLICY_SAMPLE_MAX_BYTES,
    maxRows: POLICY_SAMPLE_MAX_ROWS,
    onAddress: (address) => {
      addresses.push(address.unicode);
    },
  });
  return addresses;
}

/** Addresses of a sample checked at once (like a /v1/validate/batch). */
const SAMPLE_BATCH = 50;

/**
 * The draft against the stored policy over a sample's addresses, checked now at depth `standard`
 * (the caller has metered them; results are cached like single checks, nothing else is kept). Every
 * changed row comes in the one page.
 */
export async function dryRunOnSample(
  ctx: Pick<CoreContext, 'em' | 'kv' | 'clock' | 'config'>,
  engine: SingleCheckEngine,
  workspaceId: string,
  draft: Policy,
  emails: readonly string[],
): Promise<PolicyDryRunResult> {
  const stored = await loadPolicy(ctx, workspaceId);
  const items: DryRunItem[] = [];
  for (let i = 0; i < emails.length; i += SAMPLE_BATCH) {
    const batch = emails.slice(i, i + SAMPLE_BATCH);
    const verdicts = await Promise.all(
      batch.map((email) => checkAddress(ctx, engine, email, 'standard', workspaceId)),
    );
    verdicts.forEach((verdict, j) => {
      items.push({ email: batch[j] as string, jobId: null, verdict });
    });
  }
  return tallyDryRun(stored, draft, items, {
    page: 0,
    pageSize: Math.max(1, items.length),
    max: items.length,
  });
}
