// Recomputes a scope's hash chain in the database with the trigger's own expression and reports
// entries that were altered, removed or reordered since they were written; then compares the chain
// with the newest signed head it can find (KV store, audit_signed_head, or one pasted back), which is
// what reveals truncation and deletion of the newest entries (see checkpoint.ts). Entries of chain
// version 2 (#28) hash their sealed personal data as ciphertext, so a destroyed key changes nothing
// here; a version-1 entry after a version-2 one in a scope is a downgrade and reported as altered.
import type { AuditCheckpoint as SignedCheckpoint } from '@postern/contracts';
import { AUDIT_HASH_SQL, AuditCheckpoint, type EntityManager } from '@postern/db';
import type { KvStore } from '@postern/runtime';
import { actorUserId, type CoreContext } from '../context.ts';
import {
  type AuditVerifier,
  auditSignerFromConfig,
  latestSignedHead,
  parseCheckpoint,
} from './checkpoint.ts';
import { auditScope, recordAudit } from './record.ts';

type Problem =
  | 'altered'
  | 'missing'
  | 'reordered'
  | 'broken_link'
  | 'truncated'
  | 'tail_deleted'
  | 'head_mismatch'
  | 'checkpoint_invalid';

export interface VerifyOptions {
  /** Checks signed heads; without it only the chain itself is checked. */
  verifier?: AuditVerifier | undefined;
  kv?: KvStore | undefined;
  /** A checkpoint pasted by the user (JSON of an audit.checkpoint event or digest). */
  pasted?: string | undefined;
}

interface ChainRow {
  seq: string;
  chain_version: number;
  prev_hash: string | null;
  hash: string;
  recomputed: string;
  previous_hash: string | null;
  previous_seq: string | null;
  previous_at: Date | null;
  occurred_at: Date;
}

type Found = { seq: number | null; problem: Problem; detail?: string };
type Head = { checkpoint: SignedCheckpoint; source: 'kv' | 'database' | 'pasted' };
type PurgeCheckpoint = AuditCheckpoint | null;

export async function verifyAuditChain(
  ctx: Pick<CoreContext, 'em'>,
  scope: string,
  options: VerifyOptions = {},
) {
  const { em } = ctx;
  const checkpoint = await em.findOne(AuditCheckpoint, { scope }, { orderBy: { seq: 'desc' } });
  const rows = await chainRows(em, scope);
  const problems = linkProblems(rows, checkpoint);
  const heads = options.verifier ? await signedHeads(em, scope, options.verifier, options, problems) : [];
  problems.push(...headProblems(rows, checkpoint, heads));
  const best = heads.map((h) => h).sort((a, b) => b.checkpoint.seq - a.checkpoint.seq)[0];
  return {
    ok: problems.length === 0,
    entriesChecked: rows.length,
    problems,
    checkpoint: checkpoint ? { seq: checkpoint.seq, createdAt: checkpoint.createdAt.toISOString() } : null,
    head: best
      ? {
          source: best.source,
          seq: best.checkpoint.seq,
          hash: best.checkpoint.hash,
          time: best.checkpoint.time,
        }
      : null,
  };
}

/**
 * Verifies a workspace's log against the newest signed head (KV store, audit_signed_head) and a
 * pasted checkpoint, with this deployment's signing key; the verification itself is audited.
 */
export async function verifyWorkspaceAudit(
  ctx: Pick<CoreContext, 'em' | 'clock' | 'kv' | 'config' | 'actor' | 'meta'>,
  workspaceId: string,
  pasted: string | undefined,
) {
  const result = await verifyAuditChain(ctx, auditScope(workspaceId, null), {
    verifier: auditSignerFromConfig(ctx.config),
    kv: ctx.kv,
    pasted,
  });
  recordAudit(ctx.em, ctx.clock, {
    type: 'audit.verified',
    actorId: actorUserId(ctx),
    workspaceId,
    meta: ctx.meta,
    metadata: {
      ok: result.ok,
      entriesChecked: result.entriesChecked,
      problems: result.problems.length,
      ...(result.head ? { headSeq: result.head.seq, headSource: result.head.source } : {}),
    },
  });
  await ctx.em.flush();
  return result;
}

/** The scope's entries with each one's hash recomputed by the trigger's own expression. */
async function chainRows(em: EntityManager, scope: string): Promise<ChainRow[]> {
  const expected = AUDIT_HASH_SQL.replaceAll('NEW.', 'e.');
  return (await em.getConnection().execute(
    `select e.seq, e.chain_version, e.prev_hash, e.hash, ${expected} as recomputed,
            lag(e.hash) over (order by e.seq) as previous_hash,
            lag(e.seq) over (order by e.seq) as previous_seq,
            lag(e.occurred_at) over (order by e.seq) as previous_at, e.occurred_at
       from audit_entry e where e.scope = ? order by e.seq`,
    [scope],
  )) as ChainRow[];
}

/** Entries altered, missing, unlinked or out of order within the chain itself. */
function linkProblems(rows: ChainRow[], checkpoint: PurgeCheckpoint): Found[] {
  const problems: Found[] = [];
  let sealedSince: number | null = null;
  rows.forEach((row, index) => {
    const seq = Number(row.seq);
    if (row.hash !== row.recomputed) problems.push({ seq, problem: 'altered' });
    const version = Number(row.chain_version);
    if (version >= 2) sealedSince ??= seq;
    else if (sealedSince !== null)
      problems.push({
        seq,
        problem: 'altered',
        detail: `entry ${seq} is of chain version ${version} but follows version-2 entries (from entry ${sealedSince}): the log was downgraded`,
      });
    const expectedPrevSeq = index === 0 ? (checkpoint?.seq ?? 0) : Number(row.previous_seq);
    const expectedPrevHash = index === 0 ? (checkpoint?.hash ?? null) : row.previous_hash;
    if (seq !== expectedPrevSeq + 1) problems.push({ seq, problem: 'missing' });
    else if ((row.prev_hash ?? null) !== expectedPrevHash) problems.push({ seq, problem: 'broken_link' });
    if (row.previous_at && row.occurred_at < row.previous_at) problems.push({ seq, problem: 'reordered' });
  });
  return problems;
}

/** The signed heads to compare with: stored ones (KV, database) and a pasted one that verifies. */
async function signedHeads(
  em: EntityManager,
  scope: string,
  verifier: AuditVerifier,
  options: VerifyOptions,
  problems: Found[],
): Promise<Head[]> {
  const stored = await latestSignedHead(em, verifier, scope, options.kv);
  const heads: Head[] = [...stored];
  if (stored.forged)
    problems.push({
      seq: null,
      problem: 'checkpoint_invalid',
      detail: `${stored.forged} stored signed head(s) do not verify with this server's key: they were written by someone without it`,
    });
  if (options.pasted === undefined || options.pasted.trim() === '') return heads;
  const pasted = parseCheckpoint(options.pasted);
  if (!pasted)
    problems.push({
      seq: null,
      problem: 'checkpoint_invalid',
      detail: 'the pasted text is not a checkpoint',
    });
  else if (pasted.scope !== scope)
    problems.push({
      seq: null,
      problem: 'checkpoint_invalid',
      detail: 'the pasted checkpoint is for another audit log',
    });
  else if (!verifier.verify(pasted))
    problems.push({
      seq: pasted.seq,
      problem: 'checkpoint_invalid',
      detail: `the pasted checkpoint's signature does not verify with this server's key (${verifier.keyId})`,
    });
  else heads.push({ checkpoint: pasted, source: 'pasted' });
  return heads;
}

/** Signed heads: the chain must still reach each of them, with the very entry that was signed. */
function headProblems(rows: ChainRow[], checkpoint: PurgeCheckpoint, heads: Head[]): Found[] {
  const problems: Found[] = [];
  const bySeq = new Map(rows.map((row) => [Number(row.seq), row]));
  const newest = rows.length ? Number(rows[rows.length - 1]?.seq) : null;
  const seen = new Set<string>();
  for (const { checkpoint: head } of heads) {
    const key = `${head.seq}:${head.hash}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const problem = headProblem(rows, bySeq, newest, checkpoint, head);
    if (problem) problems.push(problem);
  }
  return problems;
}

function headProblem(
  rows: ChainRow[],
  bySeq: Map<number, ChainRow>,
  newest: number | null,
  checkpoint: PurgeCheckpoint,
  head: SignedCheckpoint,
): Found | null {
  const signedAt = new Date(head.time);
  if (checkpoint && head.seq <= checkpoint.seq) {
    // Purged by retention up to the purge checkpoint: only its own seq can still be compared.
    return head.seq === checkpoint.seq && head.hash !== checkpoint.hash
      ? {
          seq: head.seq,
          problem: 'head_mismatch',
          detail: `the purge checkpoint at entry ${head.seq} is not the entry signed on ${head.time}`,
        }
      : null;
  }
  // Entries numbered up to the head's seq but written after it was signed cannot be the signed
  // ones: the log was cut at the first of them and went on from there.
  const replaced = rows.filter(
    (row) => Number(row.seq) <= head.seq && new Date(row.occurred_at).getTime() > signedAt.getTime(),
  );
  const firstReplaced = replaced.length ? Number(replaced[0]?.seq) : null;
  const at = bySeq.get(head.seq);
  if (at && at.hash === head.hash) return null;
  if (at && firstReplaced === null)
    return {
      seq: head.seq,
      problem: 'head_mismatch',
      detail: `entry ${head.seq} is not the entry signed on ${head.time}: the log was rewritten`,
    };
  if (!at && newest !== null && newest > head.seq && firstReplaced === null) return null; // a gap: 'missing'
  const cutAt = firstReplaced ?? (newest ?? checkpoint?.seq ?? 0) + 1;
  const firstKept = checkpoint ? checkpoint.seq + 1 : 1;
  if (rows.length === 0 || cutAt <= firstKept)
    return {
      seq: head.seq,
      problem: 'truncated',
      detail:
        rows.length === 0
          ? `the log is empty, but it held ${head.seq} entries when signed on ${head.time}: it was truncated`
          : `the log was emptied and restarted: it held ${head.seq} entries when signed on ${head.time}; the ${replaced.length} numbered up to ${head.seq} now were all written after that`,
    };
  return {
    seq: cutAt,
    problem: 'tail_deleted',
    detail:
      firstReplaced === null
        ? `entries ${cutAt} to ${head.seq} are missing: the newest entries were deleted (the log reached entry ${head.seq} when signed on ${head.time})`
        : `entries ${cutAt} to ${head.seq} signed on ${head.time} were deleted and replaced by entries written later`,
  };
}
