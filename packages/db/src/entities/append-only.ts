// Append-only tables (the audit log, its checkpoints and signed heads; the consent ledger to come):
// the database itself refuses to rewrite them, whoever asks. Every append-only table gets both:
// - a row-level BEFORE UPDATE OR DELETE trigger (appendOnlyTriggers, in the entity's `triggers`),
//   optionally letting a retention purge delete old rows inside a transaction that raised a
//   transaction-local flag;
// - a statement-level BEFORE TRUNCATE trigger (row triggers never see TRUNCATE): refuseTruncateSql in
//   the table's migration.
// The application role owns nothing, so it can neither drop nor disable these triggers; the owner
// role can (documented in docs/security-model.md). Changing the SQL below changes the migrations'
// diff: add a new variant rather than editing one in use.
import type { TriggerDef } from '@mikro-orm/core';

/**
 * SQL for a migration's up(): a statement-level BEFORE TRUNCATE trigger refusing TRUNCATE on `table`.
 * Hand-written rather than an entity trigger because MikroORM reads triggers back from
 * information_schema.triggers, which never lists TRUNCATE triggers (the schema diff would re-create
 * them forever). Never change the text of a variant in use: migrations depend on it.
 */
export function refuseTruncateSql(table: string): string[] {
  return [
    `create or replace function "${table}_no_truncate_fn"() returns trigger as $$ begin
       raise exception '${table} is append-only: TRUNCATE is refused' using errcode = 'insufficient_privilege';
     end; $$ language plpgsql`,
    `create trigger "${table}_no_truncate" before truncate on "${table}" for each statement execute function "${table}_no_truncate_fn"()`,
  ];
}

/** SQL for a migration's down(): removes what refuseTruncateSql created. */
export function allowTruncateSql(table: string): string[] {
  return [
    `drop trigger if exists "${table}_no_truncate" on "${table}"`,
    `drop function if exists "${table}_no_truncate_fn"()`,
  ];
}

export interface AppendOnlyOptions {
  /** Plural noun for the error message, e.g. 'signed audit checkpoints'. */
  what: string;
  /** DELETE allowed only inside a purge transaction (`set_config(flag, 'on', true)`) for old rows. */
  purgeAfter?: { flag: string; column: string; days: number };
}

/**
 * The row trigger of an append-only table (entity `triggers`): UPDATE refused, DELETE refused (or
 * purge-only). Pair it with refuseTruncateSql(table) in the table's migration.
 */
export function appendOnlyTriggers(table: string, options: AppendOnlyOptions): TriggerDef[] {
  const purge = options.purgeAfter;
  const allowPurge = purge
    ? `
          if TG_OP = 'DELETE' and current_setting('${purge.flag}', true) = 'on'
             and OLD.${purge.column} < now() - interval '${purge.days} days' then
            return OLD;
          end if;`
    : '';
  return [
    {
      name: `${table}_immutable`,
      timing: 'before',
      events: ['update', 'delete'],
      forEach: 'row',
      body: `
        begin${allowPurge}
          raise exception '${options.what} cannot be modified or deleted' using errcode = 'insufficient_privilege';
        end;`,
    },
  ];
}
