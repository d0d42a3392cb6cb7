import { Migration } from '@mikro-orm/migrations';
import { allowTruncateSql, refuseTruncateSql } from '../src/entities/append-only.ts';

/** The audit tables every TRUNCATE is refused on (issue #16). */
const APPEND_ONLY_TABLES = ['audit_entry', 'audit_checkpoint', 'audit_signed_head'];

export class Migration20261205185542_audit_append_only extends Migration {
  override name = 'Migration20261205185542_audit_append_only';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "audit_signed_head" ("id" uuid not null, "scope" varchar(80) not null, "seq" bigint not null, "hash" varchar(64) not null, "signed_at" timestamptz not null, "key_id" varchar(32) not null, "signature" varchar(100) not null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "audit_signed_head" add constraint "audit_signed_head_scope_seq_unique" unique ("scope", "seq");`,
    );

    this.addSql(`create or replace function "audit_signed_head_audit_signed_head_immutable_fn"() returns trigger as \$\$ begin begin
          if TG_OP = 'DELETE' and current_setting('postern.audit_purge', true) = 'on'
             and OLD.signed_at < now() - interval '90 days' then
            return OLD;           end if;           raise exception 'signed audit checkpoints cannot be modified or deleted' using errcode = 'insufficient_privilege';         end; end; \$\$ language plpgsql;`);
    this.addSql(
      `create trigger "audit_signed_head_immutable" BEFORE UPDATE OR DELETE on "audit_signed_head" for each ROW execute function "audit_signed_head_audit_signed_head_immutable_fn"();`,
    );

    // Hand-written: MikroORM cannot read TRUNCATE triggers back (see append-only.ts).
    for (const table of APPEND_ONLY_TABLES) for (const sql of refuseTruncateSql(table)) this.addSql(sql);
  }

  override down(): void | Promise<void> {
    for (const table of APPEND_ONLY_TABLES) for (const sql of allowTruncateSql(table)) this.addSql(sql);
    this.addSql(`drop trigger if exists "audit_signed_head_immutable" on "audit_signed_head";`);
    this.addSql(`drop function if exists "audit_signed_head_audit_signed_head_immutable_fn"();`);
    this.addSql(`drop table if exists "audit_signed_head" cascade;`);
  }
}
