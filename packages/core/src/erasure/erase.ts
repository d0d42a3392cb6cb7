// Runs the erasure registry's rules: the statements that erase workspaces and accounts are generated
// from ERASURE_REGISTRY (registry.ts), so a table registered there is erased with no other change.
import { type EntityManager, execute } from '@postern/db';
import { type ErasureOwner, type ErasureRule, erasureRules } from './registry.ts';

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const qualified = (table: string) => table.split('.').map(ident).join('.');

/** The owner's condition of a rule on its table, with one `?` per owner key. */
function condition(rule: ErasureRule, keys: number): string {
  const list = `(${Array.from({ length: keys }, () => '?').join(', ')})`;
  const column = ident(rule.column);
  if (rule.via)
    return `${column} in (select ${ident(rule.via.key)} from ${ident(rule.via.table)} where ${ident(rule.via.column)} in ${list})`;
  if (rule.match === 'email') return `lower(${column}) in ${list}`;
  return `${column} in ${list}`;
}

/** The statement of one rule (delete the rows, or null the columns) for `keys` owner keys. */
export function ruleStatement(table: string, rule: ErasureRule, keys: number): string {
  const where = condition(rule, keys);
  if (rule.how === 'delete') return `delete from ${qualified(table)} where ${where}`;
  const set = rule.how.nullify.map((column) => `${ident(column)} = null`).join(', ');
  return `update ${qualified(table)} set ${set} where ${where}`;
}

/**
 * Applies every rule of `owner` to the given keys (ids; for account rules matching addresses, the
 * addresses in `emails`), in the registry's order, inside the caller's transaction. Returns the
 * rows touched per table.
 */
export async function applyErasureRules(
  tx: EntityManager,
  owner: ErasureOwner,
  keys: { ids: string[]; emails?: string[] },
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  if (!keys.ids.length) return counts;
  for (const { table, rule } of erasureRules(owner)) {
    const values =
      rule.match === 'email' ? (keys.emails ?? []).map((email) => email.toLowerCase()) : keys.ids;
    if (!values.length) continue;
    const result = await execute<{ affectedRows?: number } | unknown[]>(
      tx,
      ruleStatement(table, rule, values.length),
      values,
      'run',
    );
    const affected = (result as { affectedRows?: number }).affectedRows ?? 0;
    counts[table] = (counts[table] ?? 0) + affected;
  }
  return counts;
}
