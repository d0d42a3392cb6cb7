// Runs pg-boss's SQL on an ORM transaction, so a job is queued exactly when the change that needs it
// commits (pg-boss `send`/`insert` take `{ db }`). pg-boss writes `$1`-style parameters, which the
// ORM's `execute` would rewrite; the statement goes to the transaction's Kysely executor as compiled.
import type { EntityManager } from './orm.ts';

/** pg-boss's IDatabase (the subset it calls). */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

interface KyselyExecutor {
  executeQuery(query: {
    sql: string;
    parameters: readonly unknown[];
    query: { kind: 'RawNode'; sqlFragments: readonly string[]; parameters: readonly unknown[] };
    queryId: { queryId: string };
  }): Promise<{ rows: unknown[]; numAffectedRows?: bigint }>;
}

let queryCounter = 0;

const executorOf = (trx: KyselyExecutor) => ({
  async executeSql(text: string, values: unknown[] = []) {
    queryCounter += 1;
    const result = await trx.executeQuery({
      sql: text,
      parameters: values,
      query: { kind: 'RawNode', sqlFragments: [text], parameters: [] },
      queryId: { queryId: `raw-${queryCounter}` },
    });
    return { rows: result.rows, numAffectedRows: result.numAffectedRows };
  },
});

/** The executor of `tx`'s open transaction; throws outside `em.transactional`. */
export function transactionSql(tx: EntityManager): SqlExecutor {
  const trx = tx.getTransactionContext() as KyselyExecutor | undefined;
  if (!trx || typeof trx.executeQuery !== 'function')
    throw new Error('transactionSql needs an EntityManager inside em.transactional()');
  return executorOf(trx);
}

/**
 * Runs one `$1`-parameter statement on `em`'s connection (inside its transaction when it has one) with
 * the values sent as bound parameters. `execute` inlines every value into the SQL text, escaping it
 * character by character: for a value of megabytes (a staged chunk) that costs more than the statement.
 * Returns the rows and, for a write, the number of rows it changed.
 */
export async function executeBound<T = Record<string, unknown>>(
  em: EntityManager,
  text: string,
  values: unknown[] = [],
): Promise<{ rows: T[]; affectedRows: number }> {
  const trx = (em.getTransactionContext() ??
    (em.getConnection() as unknown as { getClient(): KyselyExecutor }).getClient()) as KyselyExecutor;
  const result = await executorOf(trx).executeSql(text, values);
  return { rows: result.rows as T[], affectedRows: Number(result.numAffectedRows ?? 0) };
}

/**
 * Runs one `?`-parameter statement on `em`'s connection, inside its transaction when it has one
 * (`em.transactional`'s `tx`); 'all' returns the rows, 'run' `{ affectedRows }`.
 */
export function execute<T = Record<string, unknown>[]>(
  em: EntityManager,
  sql: string,
  params: unknown[] = [],
  method: 'all' | 'run' = 'all',
): Promise<T> {
  return em.getConnection().execute(sql, params, method, em.getTransactionContext()) as Promise<T>;
}
