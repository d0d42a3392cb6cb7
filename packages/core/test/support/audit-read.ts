// Audit entries as readers see them, for tests that check what an entry recorded: since chain version
// 2 (#28) the IP, user agent and personal metadata are stored sealed under the person's key (the row
// holds null), so a test reads them opened, as the audit log and the security log do.
import { AuditEntry, type EntityManager } from '@postern/db';
import { openAuditEntries } from '../../src/audit/sealing.ts';
import type { Keyring } from '../../src/crypto/types.ts';

/** `em.find(AuditEntry, where)` (oldest first) with `ip`, `userAgent`, `metadata` opened and `personErased`. */
export async function auditEntriesAsRead(
  em: EntityManager,
  keyring: Keyring,
  where: Record<string, unknown>,
) {
  const entries = await em.find(AuditEntry, where, { orderBy: { seq: 'asc' } });
  const opened = await openAuditEntries(em, keyring, entries);
  return entries.map((entry) => Object.assign(entry, opened.get(entry.id)));
}
