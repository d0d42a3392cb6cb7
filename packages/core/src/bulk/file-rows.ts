// Every data row of an uploaded file in file order, with its verdict, for the downloads: the row blocks
// (rows.ts) merged with the verified addresses' results (read a page at a time, in sequence order), the
// workspace's policy adding `policy_action`. Memory stays flat: one page of results, one page of blocks.
import type { BulkResultFilter, BulkRowItemDto, Policy, ValidationVerdict } from '@postern/contracts';
import type { CoreContext } from '../context.ts';
import type { RejectionReason } from '../ingest/index.ts';
import { evaluatePolicy, withPolicyAction } from '../validation/policy.ts';
import { type BulkResultRow, readBulkResults } from './read.ts';
import { type FileRow, openRowBlock, type RowBlockRecord } from './rows.ts';

/** Results read per page, row blocks per read. */
const RESULTS_PAGE = 1000;
const BLOCKS_PAGE = 10;

/** Refusals that are not about the address' syntax: the extraction's own reasons. */
const EXTRACTION_REASONS: ReadonlySet<RejectionReason> = new Set(['empty', 'too_long', 'not_a_string']);

/** What a refused row is for a policy: the verdict the single check gives an address it cannot parse. */
const REFUSED_FACTS = {
  status: 'undeliverable',
  reason: 'invalid_syntax',
  action: 'reject',
  suggestion: null,
  flags: { disposable: false, role_account: false, free_provider: false, catch_all: false },
} as const;

type ReadContext = Pick<CoreContext, 'em' | 'keyring'>;

/** The results of a job in sequence order, looked up by increasing seq. */
class ResultCursor {
  private page: BulkResultRow[] = [];
  private at = 0;
  private after = 0;
  private done = false;
  private readonly ctx: ReadContext;
  private readonly workspaceId: string;
  private readonly jobId: string;
  private readonly status: BulkResultFilter | undefined;

  constructor(ctx: ReadContext, workspaceId: string, jobId: string, status: BulkResultFilter | undefined) {
    this.ctx = ctx;
    this.workspaceId = workspaceId;
    this.jobId = jobId;
    this.status = status;
  }

  /** The next result at or after the cursor, or null at the end. */
  async peek(): Promise<BulkResultRow | null> {
    while (this.at >= this.page.length) {
      if (this.done) return null;
      const { ctx, workspaceId, jobId, status } = this;
      const read = await readBulkResults({ em: ctx.em.fork(), keyring: ctx.keyring }, workspaceId, jobId, {
        afterSeq: this.after,
        limit: RESULTS_PAGE,
        ...(status ? { status } : {}),
      });
      this.page = read.items;
      this.at = 0;
      if (read.nextAfterSeq === null) this.done = true;
      else this.after = read.nextAfterSeq;
    }
    return this.page[this.at] as BulkResultRow;
  }

  /** The result of `seq` when it is there (it is not when a filter left it out). */
  async take(seq: number): Promise<BulkResultRow | null> {
    for (;;) {
      const next = await this.peek();
      if (next === null || next.seq > seq) return null;
      this.at += 1;
      if (next.seq === seq) return next;
    }
  }
}

function verifiedItem(
  row: number | null,
  unicode: string | null,
  found: BulkResultRow,
  policy: Policy,
): BulkRowItemDto {
  const verdict = found.result as ValidationVerdict | null;
  const result = verdict ? withPolicyAction(policy, verdict) : null;
  return {
    row,
    seq: found.seq,
    email: unicode ?? found.email,
    email_ascii: found.email,
    status: result?.status ?? 'pending',
    reason: result?.reason ?? null,
    action: result?.action ?? null,
    policy_action: result?.policy_action ?? null,
    duplicate_of: null,
    syntax_error: null,
    result,
  };
}

function skippedItem(row: Exclude<FileRow, { kind: 'verified' }>, policy: Policy): BulkRowItemDto {
  if (row.kind === 'duplicate') {
    return {
      row: row.row,
      seq: null,
      email: row.unicode,
      email_ascii: row.ascii,
      status: 'duplicate',
      reason: 'duplicate',
      action: null,
      policy_action: null,
      duplicate_of: row.of,
      syntax_error: null,
      result: null,
    };
  }
  const syntax = !EXTRACTION_REASONS.has(row.reason);
  return {
    row: row.row,
    seq: null,
    email: row.cell,
    email_ascii: '',
    status: 'rejected',
    reason: syntax ? 'invalid_syntax' : row.reason,
    action: 'reject',
    policy_action: evaluatePolicy(policy, REFUSED_FACTS),
    duplicate_of: null,
    syntax_error: syntax ? row.reason : null,
    result: null,
  };
}

async function* rowBlocks(ctx: ReadContext, jobId: string): AsyncGenerator<RowBlockRecord[]> {
  let after = 0;
  for (;;) {
    const blocks = (await ctx.em
      .fork()
      .getConnection()
      .execute(
        `select id, seq, from_row, from_seq, size, rows from bulk_job_rows
           where job_id = ? and seq > ? order by seq limit ?`,
        [jobId, after, BLOCKS_PAGE],
        'all',
      )) as RowBlockRecord[];
    if (blocks.length) yield blocks;
    if (blocks.length < BLOCKS_PAGE) return;
    after = (blocks.at(-1) as RowBlockRecord).seq;
  }
}

/**
 * Every data row of the job's file in file order, a page at a time (the caller has checked the job is
 * in the workspace). With `status`, only the verified addresses with that verdict (or pending / done).
 * A job made before rows were kept has no blocks: its verified addresses are listed, `row` null.
 */
export async function* fileRowPages(
  ctx: ReadContext,
  workspaceId: string,
  jobId: string,
  options: { status?: BulkResultFilter | undefined; policy: Policy },
): AsyncGenerator<BulkRowItemDto[]> {
  const { status, policy } = options;
  const results = new ResultCursor(ctx, workspaceId, jobId, status);
  let blocksSeen = false;
  for await (const blocks of rowBlocks(ctx, jobId)) {
    blocksSeen = true;
    for (const block of blocks) {
      const page: BulkRowItemDto[] = [];
      for (const row of openRowBlock(ctx.keyring, block)) {
        if (row.kind !== 'verified') {
          if (status === undefined) page.push(skippedItem(row, policy));
          continue;
        }
        const found = await results.take(row.seq);
        if (found) page.push(verifiedItem(row.row, row.unicode, found, policy));
      }
      if (page.length) yield page;
    }
  }
  if (blocksSeen) return;
  for (let page: BulkRowItemDto[] = []; ; page = []) {
    for (
      let found = await results.peek();
      found && page.length < RESULTS_PAGE;
      found = await results.peek()
    ) {
      await results.take(found.seq);
      page.push(verifiedItem(null, null, found, policy));
    }
    if (!page.length) return;
    yield page;
  }
}
