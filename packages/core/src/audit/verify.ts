// Recomputes a scope's hash chain in the database with the trigger's own expression and reports
// entries that were altered, removed or reordered since they were written.
import { AUDIT_HASH_SQL, AuditCheckpoint, type EntityManager } from '@postern/db';

type Problem = 'altered' | 'missing' | 'reordered' | 'broken_link';

export async function verifyAuditChain(em: EntityManager, scope: string) {
  const checkpoint = await em.findOne(AuditCheckpoint, { scope }, { orderBy: { seq: 'desc' } });
  const expected = AUDIT_HASH_SQL.replaceAll('NEW.', 'e.');
  const rows = (await em.getConnection().execute(
    `select e.seq, e.prev_hash, e.hash, ${expected} as recomputed,
            lag(e.hash) over (order by e.seq) as previous_hash,
            lag(e.seq) over (order by e.seq) as previous_seq,
            lag(e.occurred_at) over (order by e.seq) as previous_at, e.occurred_at
       from audit_entry e where e.scope = ? order by e.seq`,
    [scope],
  )) as {
    seq: string;
    prev_hash: string | null;
    hash: string;
    recomputed: string;
    previous_hash: string | null;
    previous_seq: string | null;
    previous_at: Date | null;
    occurred_at: Date;
  }[];
  const problems: { seq: number | null; problem: Problem }[] = [];
  rows.forEach((row, index) => {
    const seq = Number(row.seq);
    if (row.hash !== row.recomputed) problems.push({ seq, problem: 'altered' });
    const expectedPrevSeq = index === 0 ? (checkpoint?.seq ?? 0) : Number(row.previous_seq);
    const expectedPrevHash = index === 0 ? (checkpoint?.hash ?? null) : row.previous_hash;
    if (seq !== expectedPrevSeq + 1) problems.push({ seq, problem: 'missing' });
    else if ((row.prev_hash ?? null) !== expectedPrevHash) problems.push({ seq, problem: 'broken_link' });
    if (row.previous_at && row.occurred_at < row.previous_at) problems.push({ seq, problem: 'reordered' });
  });
  return {
    ok: problems.length === 0,
    entriesChecked: rows.length,
    problems,
    checkpoint: checkpoint ? { seq: checkpoint.seq, createdAt: checkpoint.createdAt.toISOString() } : null,
  };
}
