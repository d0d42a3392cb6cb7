// The only way audit entries leave the table: older than the retention period (AUDIT_RETENTION_DAYS,
// at least 90), deleted inside a transaction that raises the purge flag the immutability trigger
// checks. Each scope whose chain is cut gets a checkpoint (last purged seq and hash) first. Signed
// heads (audit_signed_head) older than the period go too, except each scope's newest.
import type { EntityManager } from '@postern/db';

export const AUDIT_RETENTION_MIN_DAYS = 90;

export async function purgeAuditLog(em: EntityManager, now: Date, retentionDays: number): Promise<number> {
  const days = Math.max(AUDIT_RETENTION_MIN_DAYS, retentionDays);
  const before = new Date(now.getTime() - days * 86_400_000);
  return em.transactional(async (tx) => {
    const conn = tx.getConnection();
    const ctx = tx.getTransactionContext();
    await conn.execute("select set_config('postern.audit_purge', 'on', true)", [], 'all', ctx);
    const cuts = (await conn.execute(
      `select scope, max(seq) as seq, count(*) as n from audit_entry where occurred_at < ? group by scope`,
      [before],
      'all',
      ctx,
    )) as { scope: string; seq: string; n: string }[];
    let deleted = 0;
    for (const cut of cuts) {
      // A scope is cut at its newest purgeable entry; entries are in time order within a scope.
      await conn.execute(
        `insert into audit_checkpoint (id, scope, seq, hash, purged_entries, created_at)
           select gen_random_uuid(), scope, seq, hash, ?, now() from audit_entry where scope = ? and seq = ?`,
        [Number(cut.n), cut.scope, Number(cut.seq)],
        'all',
        ctx,
      );
      const result = (await conn.execute(
        'delete from audit_entry where scope = ? and seq <= ?',
        [cut.scope, Number(cut.seq)],
        'run',
        ctx,
      )) as {
        affectedRows: number;
      };
      deleted += result.affectedRows;
    }
    // Signed heads past the retention period, except each scope's newest (verify compares with it).
    await conn.execute(
      `delete from audit_signed_head s where s.signed_at < ?
         and exists (select 1 from audit_signed_head n where n.scope = s.scope and n.seq > s.seq)`,
      [before],
      'run',
      ctx,
    );
    return deleted;
  });
}
